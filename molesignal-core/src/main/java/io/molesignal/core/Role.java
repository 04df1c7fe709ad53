package io.molesignal.core;

import java.util.Locale;

/**
 * The role of a principal within its org, ordered {@code VIEWER < EDITOR < ADMIN < OWNER}.
 *
 * <p>A principal may act when its role is {@linkplain #atLeast(Role) at least} the role a route requires, and may
 * grant or mint at most its own role ({@link #canGrant(Role)}). Only an owner may change an owner
 * ({@link #canManage(Role)}).
 */
public enum Role {
    VIEWER, EDITOR, ADMIN, OWNER;

    /** Whether this role is {@code required} or higher. */
    public boolean atLeast(Role required) {
        return compareTo(required) >= 0;
    }

    /** Whether a holder of this role may give {@code granted} to a user or an API token (at most its own role). */
    public boolean canGrant(Role granted) {
        return atLeast(granted);
    }

    /**
     * Whether a holder of this role may change or remove a user whose role is {@code target}: admins manage users
     * of their org, and only an owner touches an owner.
     */
    public boolean canManage(Role target) {
        return atLeast(ADMIN) && (target != OWNER || this == OWNER);
    }

    /** The lower-case wire name ({@code viewer}, {@code editor}, {@code admin}, {@code owner}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name (exactly lower case).
     *
     * @throws MoleSignalException {@link ErrorCode#INVALID_INPUT} for anything else
     */
    public static Role parse(String wireName) {
        for (Role r : values()) {
            if (r.wireName().equals(wireName)) {
                return r;
            }
        }
        throw new MoleSignalException(ErrorCode.INVALID_INPUT, "role must be one of viewer, editor, admin, owner");
    }
}
