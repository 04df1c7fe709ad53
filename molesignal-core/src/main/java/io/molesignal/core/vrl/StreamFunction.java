package io.molesignal.core.vrl;

import java.time.Instant;
import java.util.Objects;

/**
 * The VRL program ("function") stored for a stream of an org.
 *
 * @param stream the stream name ({@code [A-Za-z0-9_-]{1,64}})
 * @param vrl the program's source
 * @param version the version: 1 for the first program of the stream, then one more on every change (deletes
 *        included), never reused
 * @param updatedAt when this version was stored
 */
public record StreamFunction(String stream, String vrl, long version, Instant updatedAt) {
    public StreamFunction {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(vrl, "vrl");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1");
        }
    }
}
