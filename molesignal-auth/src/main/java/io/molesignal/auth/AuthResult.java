package io.molesignal.auth;

import java.util.Objects;

import io.molesignal.core.Principal;

/**
 * The outcome of {@link TokenAuthenticator#authenticate(String)}: an authenticated {@link Principal} or a typed
 * rejection that a host maps to an HTTP response without parsing messages.
 */
public sealed interface AuthResult permits AuthResult.Authenticated, AuthResult.Rejected {

    /**
     * The credential is valid.
     *
     * @param principal the caller; its org is the only org the request may touch
     */
    record Authenticated(Principal principal) implements AuthResult {
        public Authenticated {
            Objects.requireNonNull(principal, "principal");
        }
    }

    /**
     * The credential is refused.
     *
     * @param reason why (for the host's security log; never shown to the client)
     * @param status the HTTP status: 401, or 503 when the database could not be read
     * @param wwwAuthenticate the {@code WWW-Authenticate} value (RFC 6750 §3): {@code Bearer} when no Bearer token
     *        was sent, {@code Bearer error="invalid_token"} when one was; empty for a 503
     */
    record Rejected(RejectionReason reason, int status, String wwwAuthenticate) implements AuthResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(wwwAuthenticate, "wwwAuthenticate");
        }
    }
}
