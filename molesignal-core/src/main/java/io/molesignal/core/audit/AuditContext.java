package io.molesignal.core.audit;

import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * The request an audited action belongs to: who acted, the request id and the source address.
 *
 * @param actor who acted
 * @param requestId the request id ({@code [A-Za-z0-9._-]{1,64}}), or null
 * @param sourceAddress the client address as the host sees it (at most 64 characters), or null
 */
public record AuditContext(Actor actor, @Nullable String requestId, @Nullable String sourceAddress) {
    /** The accepted request-id pattern (API.md). */
    public static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public AuditContext {
        Objects.requireNonNull(actor, "actor");
        if (requestId != null && !REQUEST_ID.matcher(requestId).matches()) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "invalid request id");
        }
        if (sourceAddress != null && sourceAddress.length() > 64) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "source address too long");
        }
    }

    /** A context for MoleSignal's own background job. */
    public static AuditContext system(String job) {
        return new AuditContext(Actor.system(job), null, null);
    }
}
