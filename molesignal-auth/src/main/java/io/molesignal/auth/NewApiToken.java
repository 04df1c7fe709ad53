package io.molesignal.auth;

import java.util.Objects;

/**
 * A freshly minted API token: its metadata and the token text, which is shown only here and never stored.
 *
 * @param info the metadata
 * @param token {@code ms_<prefix>_<secret>}; redacted in {@code toString()}
 */
public record NewApiToken(ApiToken info, SecretText token) {
    public NewApiToken {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(token, "token");
    }
}
