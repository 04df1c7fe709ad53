package io.molesignal.core.spi;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;

/**
 * Field encryption as the VRL interpreter and the query planner see it. Implemented by molesignal-crypto's
 * {@code FieldCipher}; the other modules depend only on this interface.
 *
 * <p>Every call names the org, the key name (resolved in that org only: another org's key is "not found") and the
 * field, which is bound into the ciphertext as associated data together with the org and key name, so a ciphertext
 * moved to another field or org does not decrypt.
 *
 * <p>Errors are {@link io.molesignal.core.MoleSignalException}s: {@code CIPHER_DISABLED} when no root key is
 * configured, {@code NOT_FOUND} for an unknown key, {@code DECRYPT_FAILED} when a value does not decrypt (with a
 * reason and never the plaintext), {@code INVALID_INPUT} for a value over the size limit.
 *
 * <p>Implementations must be thread-safe.
 */
public interface CipherFunctions {

    /** How a key encrypts. */
    enum KeyKind {
        /** AES-256-GCM with a random nonce: the same plaintext gives different ciphertexts. */
        RANDOMIZED,
        /** AES-256-SIV (RFC 5297): the same plaintext and field give the same ciphertext, so equality can be searched. */
        DETERMINISTIC
    }

    /**
     * Encrypts {@code plaintext} under the primary version of the org's key.
     *
     * @return URL-safe ciphertext text, or null when {@code plaintext} is null
     */
    @Nullable
    String encrypt(OrgId org, String keyName, String field, @Nullable String plaintext);

    /**
     * Decrypts a ciphertext made by {@link #encrypt} for the same org, key name and field.
     *
     * @return the plaintext, or null when {@code ciphertext} is null
     */
    @Nullable
    String decrypt(OrgId org, String keyName, String field, @Nullable String ciphertext);

    /** The kind of the org's key (resolved at execution, never cached in a shared plan). */
    KeyKind keyKind(OrgId org, String keyName);

    /**
     * The ciphertexts {@code plaintext} has under every enabled version of a deterministic key, for the equality
     * rewrite {@code decrypt(col, 'k') = 'literal'} → {@code col IN (candidates)}.
     *
     * @throws io.molesignal.core.MoleSignalException {@code INVALID_INPUT} when the key is not deterministic
     */
    List<String> candidateCiphertexts(OrgId org, String keyName, String field, String plaintext);
}
