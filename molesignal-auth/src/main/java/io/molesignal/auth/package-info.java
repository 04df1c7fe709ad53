/** MoleSignal auth: public API. */
@NullMarked
package io.molesignal.auth;

import org.jspecify.annotations.NullMarked;
