/** Machinery of the tenant query planner: the guard rewrite, the plan checker, operators. Not an API. */
@NullMarked
package io.molesignal.query.internal;

import org.jspecify.annotations.NullMarked;
