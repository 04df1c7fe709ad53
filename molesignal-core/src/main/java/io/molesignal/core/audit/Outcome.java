package io.molesignal.core.audit;

import java.util.Locale;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/** The outcome of an audited attempt. */
public enum Outcome {
    /** The mutation happened. */
    SUCCESS,
    /** The caller lacked the role, scope or credential kind; or a quota refused it. */
    DENIED,
    /** The attempt was allowed but failed (invalid input, conflict, unavailable database…). */
    FAILURE;

    /** The wire name: {@code success}, {@code denied}, {@code failure}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; {@link ErrorCode#INVALID_INPUT} for anything else. */
    public static Outcome parse(String wireName) {
        for (Outcome o : values()) {
            if (o.wireName().equals(wireName)) {
                return o;
            }
        }
        throw new MoleSignalException(ErrorCode.INVALID_INPUT, "outcome must be one of success, denied, failure");
    }
}
