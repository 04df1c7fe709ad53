package io.molesignal.core.audit;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;

/**
 * What a caller asks the {@link AuditLog} to record; the log adds the sequence number, timestamp and hash.
 *
 * <p>{@code details} is a small map built from an allow-list of field names ({@link #DETAIL_KEYS}); values are
 * strings (at most 256 characters), numbers, booleans, null or lists of at most 16 strings, and the whole map
 * encodes to at most {@value #MAX_DETAILS_BYTES} bytes of JSON. Anything else is refused with
 * {@link ErrorCode#INVALID_INPUT} when the record is built, before any write. The allow-list keeps secrets out:
 * there is no key under which a token, password or key could be recorded.
 *
 * @param org the org the entry belongs to (root's actions on an org are recorded in that org)
 * @param action the action, from the vocabulary of API.md ({@code user.create}, {@code quota.reject}…)
 * @param target what was acted on (at most 512 characters; empty when nothing in particular)
 * @param outcome success, denied or failure
 * @param status the HTTP status the host answered (or would answer) with
 * @param context who acted, request id, source address
 * @param details allow-listed details, in key order
 * @param count how many occurrences this entry stands for (1 except for coalesced rejections)
 */
public record AuditRecord(OrgId org, String action, String target, Outcome outcome, int status, AuditContext context,
                          Map<String, Object> details, long count) {

    /** The field names {@code details} may carry. */
    public static final Set<String> DETAIL_KEYS = Set.of(
            "role", "previous_role", "disabled", "email", "name", "kind", "version", "primary_version", "scopes",
            "expires_at", "grace_seconds", "active_kid", "retiring_kid", "retiring_until", "prefix", "stream",
            "table", "events", "bytes", "used", "limit", "requested", "quota", "reason", "code", "ingest_qps",
            "ingest_burst", "query_qps", "query_burst", "storage_bytes", "retention_days", "cutoff", "revoked");

    /** The largest encoded {@code details}, in bytes of UTF-8 JSON. */
    public static final int MAX_DETAILS_BYTES = 2048;

    private static final Pattern ACTION = Pattern.compile("[a-z][a-z_]*(\\.[a-z][a-z_]*){1,3}");

    public AuditRecord {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(context, "context");
        if (!ACTION.matcher(action).matches() || action.length() > 64) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "invalid audit action");
        }
        if (target.length() > 512) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "audit target too long");
        }
        if (status < 100 || status > 599) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "audit status must be an HTTP status");
        }
        if (count < 1) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "audit count must be >= 1");
        }
        details = validateDetails(details);
    }

    /** A builder for an entry of {@code org} with {@code action}; defaults: empty target, success, 200, count 1. */
    public static Builder builder(OrgId org, String action, AuditContext context) {
        return new Builder(org, action, context);
    }

    /** This record with another count (for coalesced rejections). */
    public AuditRecord withCount(long newCount) {
        return new AuditRecord(org, action, target, outcome, status, context, details, newCount);
    }

    private static Map<String, Object> validateDetails(Map<String, Object> details) {
        Objects.requireNonNull(details, "details");
        TreeMap<String, Object> copy = new TreeMap<>();
        for (Map.Entry<String, Object> e : details.entrySet()) {
            if (!DETAIL_KEYS.contains(e.getKey())) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "audit detail key not allowed");
            }
            copy.put(e.getKey(), checkValue(e.getValue()));
        }
        if (AuditJson.encodeDetails(copy).length() > MAX_DETAILS_BYTES) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "audit details too large");
        }
        return Collections.unmodifiableMap(copy);
    }

    private static @Nullable Object checkValue(@Nullable Object v) {
        if (v == null || v instanceof Boolean || v instanceof Long) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof String s) {
            if (s.length() > 256) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "audit detail value too long");
            }
            return s;
        }
        if (v instanceof List<?> list) {
            if (list.size() > 16) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "audit detail list too long");
            }
            for (Object o : list) {
                if (!(o instanceof String s) || s.length() > 256) {
                    throw new MoleSignalException(ErrorCode.INVALID_INPUT, "audit detail lists hold short strings");
                }
            }
            return List.copyOf(list.stream().map(String.class::cast).toList());
        }
        throw new MoleSignalException(ErrorCode.INVALID_INPUT, "unsupported audit detail value type");
    }

    /** Builds an {@link AuditRecord}. Not thread-safe. */
    public static final class Builder {
        private final OrgId org;
        private final String action;
        private final AuditContext context;
        private String target = "";
        private Outcome outcome = Outcome.SUCCESS;
        private int status = 200;
        private final Map<String, Object> details = new TreeMap<>();
        private long count = 1;

        private Builder(OrgId org, String action, AuditContext context) {
            this.org = org;
            this.action = action;
            this.context = context;
        }

        public Builder target(String target) {
            this.target = target;
            return this;
        }

        public Builder outcome(Outcome outcome, int status) {
            this.outcome = outcome;
            this.status = status;
            return this;
        }

        /** Adds a detail; the key must be in {@link #DETAIL_KEYS} (checked by {@link #build()}). */
        public Builder detail(String key, @Nullable Object value) {
            details.put(key, value);
            return this;
        }

        public Builder count(long count) {
            this.count = count;
            return this;
        }

        /** @throws MoleSignalException {@link ErrorCode#INVALID_INPUT} as described on {@link AuditRecord} */
        public AuditRecord build() {
            return new AuditRecord(org, action, target, outcome, status, context, details, count);
        }
    }
}
