/**
 * The VRL interpreter behind {@link io.molesignal.core.vrl.VrlProgram}: lexer, Pratt parser, static checker,
 * tree-walking evaluator and builtins. Nothing outside molesignal-core may use it.
 */
@NullMarked
package io.molesignal.core.internal.vrl;

import org.jspecify.annotations.NullMarked;
