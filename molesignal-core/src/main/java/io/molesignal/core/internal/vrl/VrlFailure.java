package io.molesignal.core.internal.vrl;

import io.molesignal.core.ErrorCode;

/**
 * A failure while running a program on one event. {@code catchable} failures are the errors of fallible
 * expressions, which {@code ??} and {@code ok, err =} may handle; the others (abort, {@code !}, limits) end the
 * event. Messages never contain event values. No stack trace: this is control flow on the hot path.
 */
public final class VrlFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final boolean catchable;

    VrlFailure(ErrorCode code, String message, boolean catchable) {
        super(message, null, false, false);
        this.code = code;
        this.catchable = catchable;
    }

    /** A handleable error of a fallible expression. */
    static VrlFailure error(String message) {
        return new VrlFailure(ErrorCode.VRL_RUNTIME, message, true);
    }

    /** An error that ends the event (limits, assertion {@code !}). */
    static VrlFailure fatal(String message) {
        return new VrlFailure(ErrorCode.VRL_RUNTIME, message, false);
    }

    static VrlFailure abort(String message) {
        return new VrlFailure(ErrorCode.VRL_ABORT, message, false);
    }

    public ErrorCode code() {
        return code;
    }

    public boolean catchable() {
        return catchable;
    }
}
