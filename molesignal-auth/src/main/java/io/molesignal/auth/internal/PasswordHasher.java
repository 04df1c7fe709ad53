package io.molesignal.auth.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import com.password4j.Argon2Function;
import com.password4j.Hash;
import com.password4j.types.Argon2;

/**
 * Argon2id (RFC 9106) through password4j, PHC string form. Verification of an unknown user runs the same
 * computation against a dummy hash made at start, so both paths cost the same (counted by
 * {@link #dummyVerifications()}).
 */
public final class PasswordHasher {
    public static final int SALT_BYTES = 16;
    public static final int HASH_BYTES = 32;

    private final Argon2Function function;
    private final SecureRandom random;
    private final String dummyHash;
    private final AtomicLong dummyVerifications = new AtomicLong();
    private final AtomicLong verifications = new AtomicLong();

    public PasswordHasher(int memoryKiB, int iterations, int parallelism, SecureRandom random) {
        this.function = Argon2Function.getInstance(memoryKiB, iterations, parallelism, HASH_BYTES, Argon2.ID,
                Argon2Function.ARGON2_VERSION_13);
        this.random = random;
        this.dummyHash = hash(Base62.random(random, 24));
    }

    /** Hashes a password with a fresh 16-byte salt. */
    public String hash(CharSequence password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] pw = password.toString().getBytes(StandardCharsets.UTF_8);
        try {
            Hash h = function.hash(pw, salt);
            return h.getResult();
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    /** Verifies against a stored hash (with the parameters recorded in it). False for a malformed hash. */
    public boolean verify(CharSequence password, String storedHash) {
        verifications.incrementAndGet();
        try {
            Argon2Function f = Argon2Function.getInstanceFromHash(storedHash);
            return f.check(password, storedHash);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs a verification against the dummy hash (unknown user); always false. */
    public boolean verifyDummy(CharSequence password) {
        dummyVerifications.incrementAndGet();
        verify(password, dummyHash);
        return false;
    }

    /**
     * Whether a stored hash is weaker than the current parameters (less memory or fewer iterations, or not Argon2id):
     * rehash it at the next login. A stronger stored hash is never downgraded.
     */
    public boolean needsRehash(String storedHash) {
        try {
            Argon2Function stored = Argon2Function.getInstanceFromHash(storedHash);
            return stored.getVariant() != Argon2.ID || stored.getMemory() < function.getMemory()
                    || stored.getIterations() < function.getIterations();
        } catch (RuntimeException e) {
            return true;
        }
    }

    public long dummyVerifications() {
        return dummyVerifications.get();
    }

    public long verifications() {
        return verifications.get();
    }

    /** The parameters in PHC form ({@code m=…,t=…,p=…}). */
    public String parameters() {
        return "m=" + function.getMemory() + ",t=" + function.getIterations() + ",p=" + function.getParallelism();
    }
}
