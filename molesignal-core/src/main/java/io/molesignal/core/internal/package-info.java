/** Implementation details of molesignal-core; nothing outside this module may use them (checked by ArchUnit). */
@NullMarked
package io.molesignal.core.internal;

import org.jspecify.annotations.NullMarked;
