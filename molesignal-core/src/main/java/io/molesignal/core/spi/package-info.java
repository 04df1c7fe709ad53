/** Service-provider interfaces that the other modules implement: {@link io.molesignal.core.spi.CipherFunctions} and {@link io.molesignal.core.spi.SecretSealer}. */
@NullMarked
package io.molesignal.core.spi;

import org.jspecify.annotations.NullMarked;
