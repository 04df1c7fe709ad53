package io.molesignal.core.audit;

import java.util.Objects;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Principal;

/**
 * Who performed an audited action. Never a secret: for a user the id and e-mail, for an API token its id and name
 * (never the token), for the system the job name.
 *
 * @param type user, API token or system
 * @param id a stable id (at most 128 characters)
 * @param name a human-readable name (at most 320 characters)
 */
public record Actor(ActorType type, String id, String name) {
    public Actor {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (id.length() > 128 || name.length() > 320) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "actor id or name too long");
        }
    }

    /** The actor for MoleSignal's own background job {@code job}. */
    public static Actor system(String job) {
        return new Actor(ActorType.SYSTEM, job, job);
    }

    /**
     * The actor behind a principal: a user (id = subject) for a JWT, an API token (id = token id) for a token, the
     * system for a system principal.
     *
     * @param name the display name (the user's e-mail, the token's name)
     */
    public static Actor of(Principal principal, String name) {
        return switch (principal.credentialKind()) {
            case JWT -> new Actor(ActorType.USER, principal.subject(), name);
            case API_TOKEN -> new Actor(ActorType.API_TOKEN, principal.credentialId(), name);
            case SYSTEM -> new Actor(ActorType.SYSTEM, principal.credentialId(), name);
        };
    }
}
