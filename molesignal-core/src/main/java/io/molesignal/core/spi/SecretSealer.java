package io.molesignal.core.spi;

/**
 * Envelope encryption of secrets MoleSignal stores in the host's database (JWT signing keys, the audit chain key,
 * cursor keys) under a root key the database never sees. molesignal-crypto implements it over {@code MS_CIPHER_KEY};
 * without an implementation those secrets are stored in clear and README says what that means.
 *
 * <p>A sealed value is URL-safe text that names the root key it was sealed under (a non-secret fingerprint), so
 * after a root-key rotation ({@code MS_CIPHER_KEY_PREVIOUS} set to the old key) {@link #open} still opens values
 * sealed under the previous key and {@link #needsReseal} tells which to {@link #reseal}.
 *
 * <p>The associated data binds a sealed value to where it is stored (for example {@code "auth.signing_key|acme|kid"}),
 * so a row copied elsewhere does not open.
 *
 * <p>Implementations must be thread-safe. They never log, or put in exception messages, a secret or a root key.
 */
public interface SecretSealer {

    /**
     * Seals a secret under the current root key.
     *
     * @param secret the secret bytes (not retained)
     * @param associatedData bytes bound to the sealed value, not secret, not stored in it
     * @return URL-safe text
     */
    String seal(byte[] secret, byte[] associatedData);

    /**
     * Opens a sealed value with the current root key, or with the previous one when it names that key.
     *
     * @return the secret bytes (the caller should clear them when done)
     * @throws io.molesignal.core.MoleSignalException {@code UNAVAILABLE} when the value was sealed under a root key
     *         that is not configured, or does not authenticate (tampered, wrong associated data)
     */
    byte[] open(String sealed, byte[] associatedData);

    /** Whether {@code sealed} was sealed under a root key other than the current one. */
    boolean needsReseal(String sealed);

    /**
     * Opens {@code sealed} (with the current or the previous root key) and seals the secret under the current one.
     *
     * @throws io.molesignal.core.MoleSignalException as {@link #open}
     */
    default String reseal(String sealed, byte[] associatedData) {
        byte[] secret = open(sealed, associatedData);
        try {
            return seal(secret, associatedData);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
        }
    }

    /** A non-secret fingerprint of the current root key (to detect a start with a different key). */
    String rootKeyFingerprint();
}
