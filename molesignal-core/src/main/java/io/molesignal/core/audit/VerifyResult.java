package io.molesignal.core.audit;

import java.util.OptionalLong;

/**
 * The result of verifying an org's chain.
 *
 * @param ok whether every entry and the head check out
 * @param entries the number of entries read
 * @param headSeq the head's last sequence number
 * @param firstBadSeq the first sequence number that was edited, deleted or reordered; 0 when {@code ok}
 */
public record VerifyResult(boolean ok, long entries, long headSeq, long firstBadSeq) {
    /** The first bad sequence number, when not ok. */
    public OptionalLong firstBad() {
        return ok ? OptionalLong.empty() : OptionalLong.of(firstBadSeq);
    }
}
