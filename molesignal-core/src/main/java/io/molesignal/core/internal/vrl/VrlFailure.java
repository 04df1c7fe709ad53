package io.molesignal.core.internal.vrl;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

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
    private @Nullable String message;
    // built only when read: errors handled by ?? never need their text
    private transient @Nullable Supplier<String> lazyMessage;

    VrlFailure(ErrorCode code, String message, boolean catchable) {
        super(null, null, false, false);
        this.code = code;
        this.catchable = catchable;
        this.message = message;
    }

    VrlFailure(ErrorCode code, Supplier<String> lazyMessage, boolean catchable) {
        super(null, null, false, false);
        this.code = code;
        this.catchable = catchable;
        this.lazyMessage = lazyMessage;
    }

    /** A handleable error whose message is built only when read. */
    static VrlFailure error(Supplier<String> message) {
        return new VrlFailure(ErrorCode.VRL_RUNTIME, message, true);
    }

    /** An error that ends the event, its message built only when read. */
    static VrlFailure fatal(Supplier<String> message) {
        return new VrlFailure(ErrorCode.VRL_RUNTIME, message, false);
    }

    @Override
    public String getMessage() {
        if (message == null) {
            Supplier<String> s = lazyMessage;
            message = s == null ? "" : s.get();
            lazyMessage = null;
        }
        return message;
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
