package io.molesignal.examples.http;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.Principal;

/** What the HTTP layer needs from the host's authenticator (the example server bridges it to TokenAuthenticator). */
@FunctionalInterface
public interface Authentication {

    /** The outcome of authenticating one {@code Authorization} header value. */
    sealed interface Outcome permits Authenticated, Rejected {
    }

    /**
     * @param principal who the caller is
     * @param actorName a display name for audit entries (an e-mail, a token name), never a secret
     */
    record Authenticated(Principal principal, String actorName) implements Outcome {
    }

    /**
     * @param reason a short machine-readable reason for metrics (never the token)
     * @param wwwAuthenticate the {@code WWW-Authenticate} value to send
     * @param message a safe message
     */
    record Rejected(String reason, String wwwAuthenticate, String message) implements Outcome {
    }

    /** Authenticates one header value (never throws on bad input). */
    Outcome authenticate(@Nullable String authorizationHeader);
}
