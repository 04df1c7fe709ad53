/** Implementation of molesignal-auth; nothing outside this module may use it. */
@NullMarked
package io.molesignal.auth.internal;

import org.jspecify.annotations.NullMarked;
