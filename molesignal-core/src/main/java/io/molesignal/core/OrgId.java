package io.molesignal.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identifier of an org (a tenant): {@code [a-z0-9][a-z0-9_-]{1,62}}, or the reserved {@link #META} org
 * {@code _meta} of the platform root user.
 *
 * <p>Validated in the constructor; an invalid value throws {@link MoleSignalException} with
 * {@link ErrorCode#INVALID_INPUT} whose message does not echo the value. Immutable and thread-safe.
 *
 * @param value the org name, exactly as stored (case-sensitive: {@code Acme} is not a valid org id)
 */
public record OrgId(String value) implements Comparable<OrgId> {
    /** The pattern every org name other than {@code _meta} matches. */
    public static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{1,62}");

    /** The reserved org of the platform root user; it holds no tenant data. */
    public static final OrgId META = new OrgId("_meta");

    public OrgId {
        Objects.requireNonNull(value, "value");
        if (!value.equals("_meta") && !PATTERN.matcher(value).matches()) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT,
                    "invalid org id: it must match [a-z0-9][a-z0-9_-]{1,62}");
        }
    }

    /**
     * Parses an org id.
     *
     * @throws MoleSignalException {@link ErrorCode#INVALID_INPUT} when {@code value} is not a valid org id
     */
    public static OrgId of(String value) {
        return new OrgId(value);
    }

    /** Whether this is the reserved platform org {@code _meta}. */
    public boolean isMeta() {
        return value.equals(META.value);
    }

    @Override
    public int compareTo(OrgId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
