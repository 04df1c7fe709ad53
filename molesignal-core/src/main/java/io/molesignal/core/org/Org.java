package io.molesignal.core.org;

import java.time.Instant;
import java.util.Objects;

import io.molesignal.core.OrgId;

/**
 * An org (a tenant).
 *
 * @param id its name
 * @param disabled whether its credentials are refused
 * @param createdAt when it was created (microsecond precision)
 */
public record Org(OrgId id, boolean disabled, Instant createdAt) {
    public Org {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
