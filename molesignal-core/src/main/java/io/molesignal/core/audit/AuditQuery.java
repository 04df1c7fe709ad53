package io.molesignal.core.audit;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * A filter over an org's audit log. The org is never part of it: {@link AuditLog#query} takes it from the caller.
 *
 * @param from earliest timestamp, inclusive, or null
 * @param to latest timestamp, exclusive, or null
 * @param actor an actor id or name to match exactly, or null
 * @param action an action to match exactly, or null
 * @param outcome an outcome, or null
 * @param limit at most this many entries (1..1000; default 100)
 * @param cursor the {@code nextCursor} of a previous page of the same org, or null for the newest entries
 */
public record AuditQuery(@Nullable Instant from, @Nullable Instant to, @Nullable String actor, @Nullable String action,
                         @Nullable Outcome outcome, int limit, @Nullable String cursor) {
    /** The largest page. */
    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "limit must be between 1 and 1000");
        }
        if (actor != null && actor.length() > 320 || action != null && action.length() > 64) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "filter value too long");
        }
    }

    /** The newest 100 entries, unfiltered. */
    public static AuditQuery newest() {
        return new AuditQuery(null, null, null, null, null, 100, null);
    }

    /** This filter with another limit. */
    public AuditQuery withLimit(int newLimit) {
        return new AuditQuery(from, to, actor, action, outcome, newLimit, cursor);
    }

    /** This filter continuing after a page. */
    public AuditQuery withCursor(@Nullable String newCursor) {
        return new AuditQuery(from, to, actor, action, outcome, limit, newCursor);
    }
}
