package io.molesignal.auth;

import java.util.Objects;

/**
 * An API token row as an {@link ApiTokenStore} holds it.
 *
 * @param token the metadata
 * @param digestHex lower-case hex SHA-256 of the whole token text {@code ms_<prefix>_<secret>} (FIPS 180-4)
 */
public record StoredApiToken(ApiToken token, String digestHex) {
    public StoredApiToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(digestHex, "digestHex");
    }
}
