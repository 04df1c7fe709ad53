package io.molesignal.core.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.OrgId;

/**
 * One entry of an org's audit log as stored.
 *
 * @param org the org
 * @param seq the per-org sequence number, from 1, gap-free
 * @param timestamp when it was written, truncated to microseconds
 * @param actor who acted
 * @param action what was done
 * @param target what it was done to
 * @param outcome success, denied or failure
 * @param status HTTP status
 * @param requestId request id, or null
 * @param sourceAddress source address, or null
 * @param details allow-listed details, in key order
 * @param count occurrences this entry stands for
 * @param chain {@code sha256} or {@code hmac-sha256}: how {@code hash} was computed
 * @param hash lower-case hex of the chain hash over the previous entry's hash and this entry's canonical encoding
 */
public record AuditEntry(OrgId org, long seq, Instant timestamp, Actor actor, String action, String target,
                         Outcome outcome, int status, @Nullable String requestId, @Nullable String sourceAddress,
                         Map<String, Object> details, long count, String chain, String hash) {
    public AuditEntry {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(hash, "hash");
        details = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(details));
    }
}
