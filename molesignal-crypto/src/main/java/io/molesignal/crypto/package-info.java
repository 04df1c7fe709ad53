/** MoleSignal crypto: public API. */
@NullMarked
package io.molesignal.crypto;

import org.jspecify.annotations.NullMarked;
