package io.molesignal.auth;

import java.time.Duration;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * A login refused with {@link ErrorCode#LOGIN_THROTTLED} (HTTP 429). {@link #retryAfterSeconds()} is the value of
 * the {@code Retry-After} header (RFC 9110 §10.2.3): whole seconds, at least 1.
 */
public final class LoginThrottledException extends MoleSignalException {
    private static final long serialVersionUID = 1L;

    private final long retryAfterSeconds;

    /** @param retryAfter how long the caller should wait; rounded up to whole seconds, at least 1 */
    public LoginThrottledException(Duration retryAfter) {
        super(ErrorCode.LOGIN_THROTTLED, "too many failed logins; retry later");
        long s = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        this.retryAfterSeconds = Math.max(1, s);
    }

    /** The {@code Retry-After} value in whole seconds (≥ 1). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
