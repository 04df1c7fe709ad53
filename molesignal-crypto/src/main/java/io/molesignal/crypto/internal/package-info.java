/** Implementation of molesignal-crypto; not an API, used only by {@code io.molesignal.crypto}. */
@NullMarked
package io.molesignal.crypto.internal;

import org.jspecify.annotations.NullMarked;
