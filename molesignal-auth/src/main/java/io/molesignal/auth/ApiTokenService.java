package io.molesignal.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.molesignal.auth.internal.ApiTokenFormat;
import io.molesignal.auth.internal.Digests;
import io.molesignal.auth.internal.Sql;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Page;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.audit.Outcome;

/**
 * API tokens {@code ms_<prefix>_<secret>} ({@code /api/v1/auth/tokens}); the format is that of GitHub's and
 * Grafana's tokens: a public random prefix for lookup, a 256-bit secret, a CRC-32 checksum, an alphabet without
 * {@code _}. Only the SHA-256 digest of the token is stored; the token is returned once, by {@link #create}.
 *
 * <p>Rules: an editor or higher with a JWT mints, in its own org, at most its own role; scopes ({@code ingest},
 * {@code query}, {@code admin}) restrict a token further; expiry 1..365 days (default 90). Editors list and revoke
 * their own tokens, admins and owners every token of the org. A revoked token stops working at once on this
 * instance and within 30 s on others. Every mutation, denied or failed attempt is audited
 * ({@code auth.token.create}, {@code auth.token.revoke}). Thread-safe.
 */
public final class ApiTokenService {
    private final MoleSignalAuth a;

    ApiTokenService(MoleSignalAuth auth) {
        this.a = auth;
    }

    /**
     * Mints a token.
     *
     * @param name a label, 1..128 characters without control characters
     * @param role at most the caller's role
     * @param expiresInDays 1..365, or null for the default (90)
     * @param scopes the scopes to restrict to; empty = every scope the role allows
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} (below editor, an API token, role above the caller's,
     *         missing admin scope); {@link ErrorCode#INVALID_INPUT} (name, expiry)
     */
    public NewApiToken create(Principal caller, AuditContext context, String name, Role role,
                              @Nullable Integer expiresInDays, Set<Scope> scopes) {
        return a.auditLog.mutate(AuditRecord.builder(caller.org(), "auth.token.create", context)
                .outcome(Outcome.SUCCESS, 201).detail("role", role.wireName())
                .detail("scopes", scopes.stream().sorted().map(Scope::wireName).toList()), (tx, entry) -> {
            caller.require(Role.EDITOR, Scope.ADMIN).requireJwt();
            if (!caller.role().canGrant(role)) {
                throw new MoleSignalException(ErrorCode.FORBIDDEN, "a token can have at most the caller's role");
            }
            if (name.isEmpty() || name.length() > 128 || name.chars().anyMatch(Character::isISOControl)) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "name must have 1 to 128 characters");
            }
            Duration expiry = expiresInDays == null ? a.defaultTokenExpiry : Duration.ofDays(expiresInDays);
            if (expiresInDays != null && (expiresInDays < 1 || expiry.compareTo(a.maxTokenExpiry) > 0)) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "expires_in_days must be between 1 and 365");
            }
            Instant now = a.now();
            for (int attempt = 0; attempt < 3; attempt++) {
                ApiTokenFormat.Parts parts = ApiTokenFormat.generate(a.random);
                ApiToken info = new ApiToken(a.newId("t_"), caller.org(), parts.prefix(), name, role, scopes,
                        caller.subject(), now, now.plus(expiry), null, null);
                if (a.apiTokenStore.insert(tx, new StoredApiToken(info,
                        Digests.hex(Digests.sha256(parts.token()))))) {
                    entry.target(info.id()).detail("prefix", info.prefix()).detail("name", name)
                            .detail("expires_at", info.expiresAt().toString());
                    return new NewApiToken(info, SecretText.of(parts.token()));
                }
            }
            throw new MoleSignalException(ErrorCode.CONFLICT, "could not allocate a token prefix; retry");
        });
    }

    /**
     * Lists tokens (editors: their own; admins and owners: the org's), never a secret.
     *
     * @param limit 1..1000
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} below editor or without the admin scope
     */
    public Page<ApiToken> list(Principal caller, int limit, @Nullable String cursor) {
        caller.require(Role.EDITOR, Scope.ADMIN);
        if (limit < 1 || limit > 1000) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "limit must be between 1 and 1000");
        }
        String createdBy = caller.role().atLeast(Role.ADMIN) ? null : caller.subject();
        String after = cursor == null ? null : a.cursors.decode(caller.org(), "tokens", cursor);
        List<ApiToken> rows = a.database.inTransaction(tx ->
                a.apiTokenStore.list(tx, caller.org(), createdBy, after, limit + 1));
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<ApiToken> page = rows.subList(0, limit);
        return new Page<>(page, a.cursors.encode(caller.org(), "tokens", page.get(limit - 1).id()));
    }

    /**
     * Revokes a token (its creator, or an admin+ of its org).
     *
     * @throws MoleSignalException {@link ErrorCode#NOT_FOUND} (unknown, another org's, or not the caller's for an
     *         editor); {@link ErrorCode#FORBIDDEN} without the admin scope
     */
    public void revoke(Principal caller, AuditContext context, String id) {
        a.auditLog.mutate(AuditRecord.builder(caller.org(), "auth.token.revoke", context).target(id)
                .outcome(Outcome.SUCCESS, 204), (tx, entry) -> {
            caller.require(Role.VIEWER, Scope.ADMIN);
            StoredApiToken row = a.apiTokenStore.findById(tx, id)
                    .filter(t -> t.token().org().equals(caller.org()))
                    .filter(t -> caller.role().atLeast(Role.ADMIN) || t.token().createdBy().equals(caller.subject()))
                    .orElseThrow(() -> new MoleSignalException(ErrorCode.NOT_FOUND, "no such token"));
            a.apiTokenStore.revoke(tx, id, Sql.micros(a.clock.instant()));
            entry.detail("prefix", row.token().prefix());
            tx.afterCommit(() -> a.authenticator().forgetApiToken(row.token().prefix()));
            return null;
        });
    }
}
