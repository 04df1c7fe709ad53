package io.molesignal.core.internal.vrl;

import java.time.Clock;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;
import io.molesignal.core.spi.CipherFunctions;

/** The mutable state of one run: the event root, the local variables and the step budget. Not thread-safe. */
public final class Frame {
    @Nullable Object root;
    final Object[] locals;
    private long steps;
    private final long maxSteps;
    final long maxValueBytes;
    final int maxCollectionLength;
    final OrgId org;
    final @Nullable CipherFunctions cipher;
    final Clock clock;

    Frame(@Nullable Object root, int localCount, long maxSteps, long maxValueBytes, int maxCollectionLength,
          OrgId org, @Nullable CipherFunctions cipher, Clock clock) {
        this.root = root;
        this.locals = new Object[localCount];
        this.maxSteps = maxSteps;
        this.maxValueBytes = maxValueBytes;
        this.maxCollectionLength = maxCollectionLength;
        this.org = org;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** Counts one evaluation step. */
    void tick() {
        if (++steps > maxSteps) {
            throw VrlFailure.fatal("the program exceeded its evaluation budget of " + maxSteps + " steps");
        }
    }

    /** Counts work proportional to data size (a step per 64 units). */
    void cost(long units) {
        steps += units >> 6;
        tick();
    }

    /** Checks a produced string against the value size limit. */
    String checkString(String s) {
        if (s.length() > maxValueBytes) {
            throw VrlFailure.fatal("a string value exceeded the limit of " + maxValueBytes + " bytes");
        }
        cost(s.length());
        return s;
    }

    /** Checks a produced collection size against the limit before it is built. */
    void checkLength(long n) {
        if (n > maxCollectionLength) {
            throw VrlFailure.fatal("an array or object exceeded the limit of " + maxCollectionLength + " elements");
        }
        cost(n);
    }

    long steps() {
        return steps;
    }
}
