package io.molesignal.core;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller: its org, subject (user id, or the creator of an API token), role, how it authenticated,
 * the id of that credential, and the scopes of an API token.
 *
 * <p>The org of every operation comes from here and nowhere else. The permission checks that every module uses are
 * methods of this record. Immutable and thread-safe.
 *
 * @param org the org the credential belongs to
 * @param subject the user id (for an API token: the id of the user who minted it)
 * @param role the effective role
 * @param credentialKind how the principal authenticated
 * @param credentialId the JWT's {@code jti} or the API token's id; never a secret
 * @param scopes for an API token, the scopes it is restricted to; empty means every scope its role allows
 */
public record Principal(OrgId org, String subject, Role role, CredentialKind credentialKind, String credentialId,
                        Set<Scope> scopes) {

    public Principal {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(credentialKind, "credentialKind");
        Objects.requireNonNull(credentialId, "credentialId");
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
        if (credentialKind != CredentialKind.API_TOKEN && !scopes.isEmpty()) {
            throw new IllegalArgumentException("only API tokens carry scopes");
        }
    }

    /** A principal for MoleSignal's own background work in {@code org}, with the owner role and no scopes. */
    public static Principal system(OrgId org, String job) {
        return new Principal(org, "system:" + job, Role.OWNER, CredentialKind.SYSTEM, job, Set.of());
    }

    /** Whether the credential allows a route of {@code scope}: a JWT, an unscoped token, or a token with it. */
    public boolean allows(Scope scope) {
        return credentialKind != CredentialKind.API_TOKEN || scopes.isEmpty() || scopes.contains(scope);
    }

    /**
     * Checks that the role is at least {@code required} and the credential allows {@code scope}.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} otherwise
     */
    public Principal require(Role required, Scope scope) {
        if (!role.atLeast(required)) {
            throw new MoleSignalException(ErrorCode.FORBIDDEN, "this needs the " + required.wireName() + " role");
        }
        if (!allows(scope)) {
            throw new MoleSignalException(ErrorCode.FORBIDDEN, "this API token lacks the " + scope.wireName()
                    + " scope");
        }
        return this;
    }

    /**
     * Checks that the principal authenticated with a JWT (routes that mint credentials or manage users must not be
     * reachable with an API token, which could otherwise create a user it could then log in as).
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} otherwise
     */
    public Principal requireJwt() {
        if (credentialKind != CredentialKind.JWT) {
            throw new MoleSignalException(ErrorCode.FORBIDDEN, "this needs a login session (JWT), not an API token");
        }
        return this;
    }

    /** Whether this is the platform root: an owner of {@link OrgId#META}. */
    public boolean isPlatformRoot() {
        return org.isMeta() && role == Role.OWNER;
    }

    /**
     * Checks that this is the platform root.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} otherwise
     */
    public Principal requirePlatformRoot() {
        if (!isPlatformRoot()) {
            throw new MoleSignalException(ErrorCode.FORBIDDEN, "this needs the platform root user");
        }
        return this;
    }
}
