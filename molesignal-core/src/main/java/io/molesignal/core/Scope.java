package io.molesignal.core;

import java.util.Locale;

/**
 * The scope an API token may be restricted to. Every route belongs to exactly one scope; a token without scopes may
 * use every route its role allows.
 */
public enum Scope {
    /** The ingest routes. */
    INGEST,
    /** Query, schema, listing streams, reading functions and quotas, {@code auth/me}. */
    QUERY,
    /** Everything else. */
    ADMIN;

    /** The lower-case wire name. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name (exactly lower case).
     *
     * @throws MoleSignalException {@link ErrorCode#INVALID_INPUT} for anything else
     */
    public static Scope parse(String wireName) {
        for (Scope s : values()) {
            if (s.wireName().equals(wireName)) {
                return s;
            }
        }
        throw new MoleSignalException(ErrorCode.INVALID_INPUT, "scope must be one of ingest, query, admin");
    }
}
