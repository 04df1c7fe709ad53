package io.molesignal.core.audit;

import java.util.Locale;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/** Who acted: a logged-in user, an API token, or MoleSignal itself. */
public enum ActorType {
    USER, API_TOKEN, SYSTEM;

    /** The wire name: {@code user}, {@code api_token}, {@code system}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; {@link ErrorCode#INVALID_INPUT} for anything else. */
    public static ActorType parse(String wireName) {
        for (ActorType t : values()) {
            if (t.wireName().equals(wireName)) {
                return t;
            }
        }
        throw new MoleSignalException(ErrorCode.INVALID_INPUT, "unknown actor type");
    }
}
