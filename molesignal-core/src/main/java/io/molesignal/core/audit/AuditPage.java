package io.molesignal.core.audit;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A page of audit entries, newest first.
 *
 * @param entries the entries
 * @param nextCursor an opaque cursor for the next page, bound to the org; null at the end
 */
public record AuditPage(List<AuditEntry> entries, @Nullable String nextCursor) {
    public AuditPage {
        entries = List.copyOf(entries);
    }
}
