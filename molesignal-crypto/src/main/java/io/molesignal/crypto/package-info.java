/**
 * MoleSignal crypto: field-level encryption with per-org named keys under the {@code MS_CIPHER_KEY} root key.
 *
 * <p>Entry points: {@link io.molesignal.crypto.CipherRootKey#fromEnvironment} (the root key, and its
 * {@link io.molesignal.core.spi.SecretSealer}), {@link io.molesignal.crypto.FieldCipher#builder} (encryption, the
 * {@link io.molesignal.core.spi.CipherFunctions} SPI) and {@link io.molesignal.crypto.FieldCipher#keys()} (key
 * management). Implementations live in {@code io.molesignal.crypto.internal}, which nothing else may use.
 */
@NullMarked
package io.molesignal.crypto;

import org.jspecify.annotations.NullMarked;
