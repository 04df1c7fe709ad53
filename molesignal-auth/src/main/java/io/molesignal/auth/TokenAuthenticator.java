package io.molesignal.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.molesignal.auth.internal.ApiTokenFormat;
import io.molesignal.auth.internal.Digests;
import io.molesignal.auth.internal.JwtCodec;
import io.molesignal.auth.internal.KeyRing;
import io.molesignal.auth.internal.LastUsedRecorder;
import io.molesignal.core.CredentialKind;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Ticker;
import io.molesignal.core.db.Database;
import io.molesignal.core.org.Org;
import io.molesignal.core.org.OrgStore;

/**
 * The single entry point for request authentication: {@code Authorization} header in, {@link AuthResult} out.
 *
 * <p><b>Header.</b> {@code Bearer 1*SP b64token} (RFC 6750 §2.1); the scheme name is case-insensitive (RFC 9110
 * §11.1). Anything else — no header, another scheme such as {@code Basic}, several credentials, commas, quotes,
 * tabs, non-ASCII characters, a header over 8 KiB — is rejected without parsing the token. A token starting with
 * {@code ms_} is an API token, any other a JWT; a token never falls through from one verifier to the other.
 *
 * <p><b>JWT.</b> Verified as {@code JwtCodec} describes (HS256 only, kid required and bound to the token's org,
 * typed, required claims, leeway). A bounded cache of verified tokens (evicted at {@code exp} + leeway, on key
 * retirement, on logout and on revocation) keeps the warm path to a few map lookups. The user's role and disabled
 * flag, the org's disabled flag and the session's revocation come from the database and are cached per JWT id for
 * at most the state TTL (default 30 s), so a downgrade, removal, disable or logout on another instance takes effect
 * within it; on this instance it takes effect at once.
 *
 * <p><b>API token.</b> Shape and checksum are checked before any database access; the row is found by prefix
 * (cached for the state TTL); the SHA-256 digest of the token is compared in constant time, against a dummy digest
 * when the prefix is unknown. The effective role is the lower of the token's role and its creator's current role.
 *
 * <p>{@link #authenticate(String)} never throws for any input; a database failure yields a rejection with status
 * 503. Token text is never logged. Thread-safe.
 */
public final class TokenAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(TokenAuthenticator.class);
    /** The largest token accepted, in characters (larger ones are refused before parsing). */
    public static final int MAX_TOKEN_CHARS = 8192;
    private static final String BEARER = "Bearer";
    private static final String INVALID = "Bearer error=\"invalid_token\"";
    private static final byte[] DUMMY_DIGEST = new byte[32];

    private final Database database;
    private final UserStore users;
    private final SessionStore sessions;
    private final ApiTokenStore tokens;
    private final OrgStore orgs;
    private final JwtCodec jwt;
    private final KeyRing keys;
    private final LastUsedRecorder lastUsed;
    private final Clock clock;
    private final boolean cacheVerified;
    private final Cache<String, VerifiedEntry> verified;
    private final Cache<String, State> jwtStates;
    private final Cache<String, TokenState> tokenStates;
    private final AtomicLong apiTokenLookups = new AtomicLong();
    private final AtomicLong dummyDigestCompares = new AtomicLong();

    private record VerifiedEntry(JwtCodec.Verified jwt, long expiresAtMillis) {
    }

    /** A principal, or why the credential is refused. */
    private record State(@Nullable Principal principal, @Nullable RejectionReason reason) {
    }

    private record TokenState(@Nullable StoredApiToken row, State state) {
    }

    TokenAuthenticator(Database database, UserStore users, SessionStore sessions, ApiTokenStore tokens, OrgStore orgs,
                       JwtCodec jwt, KeyRing keys, LastUsedRecorder lastUsed, Clock clock, Ticker ticker,
                       Duration stateTtl, long maxVerifiedTokens) {
        this.database = database;
        this.users = users;
        this.sessions = sessions;
        this.tokens = tokens;
        this.orgs = orgs;
        this.jwt = jwt;
        this.keys = keys;
        this.lastUsed = lastUsed;
        this.clock = clock;
        long leewayMillis = jwt.leewaySeconds() * 1000;
        this.cacheVerified = maxVerifiedTokens > 0;
        // Maintenance on the caller's thread: evictions are deterministic under a fake ticker.
        this.verified = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxVerifiedTokens)
                .ticker(ticker::read)
                .expireAfter(new Expiry<String, VerifiedEntry>() {
                    @Override
                    public long expireAfterCreate(String k, VerifiedEntry v, long currentTime) {
                        long ms = v.expiresAtMillis + leewayMillis - clock.millis();
                        return Math.max(0, ms) * 1_000_000L;
                    }

                    @Override
                    public long expireAfterUpdate(String k, VerifiedEntry v, long t, long d) {
                        return d;
                    }

                    @Override
                    public long expireAfterRead(String k, VerifiedEntry v, long t, long d) {
                        return d;
                    }
                }).build();
        this.jwtStates = Caffeine.newBuilder().executor(Runnable::run).maximumSize(100_000).ticker(ticker::read)
                .expireAfterWrite(stateTtl).build();
        this.tokenStates = Caffeine.newBuilder().executor(Runnable::run).maximumSize(100_000).ticker(ticker::read)
                .expireAfterWrite(stateTtl).build();
    }

    /**
     * Authenticates one request.
     *
     * @param authorizationHeader the value of the single {@code Authorization} header, or null when absent (a
     *        request with two such headers must be rejected by the host before calling this)
     * @return {@link AuthResult.Authenticated} or {@link AuthResult.Rejected}; never null, never throws
     */
    public AuthResult authenticate(@Nullable String authorizationHeader) {
        try {
            return doAuthenticate(authorizationHeader);
        } catch (MoleSignalException e) {
            LOG.warn("authentication could not complete: {}", e.code());
            return new AuthResult.Rejected(RejectionReason.UNAVAILABLE, 503, "");
        } catch (RuntimeException e) {
            LOG.warn("authentication failed unexpectedly: {}", e.getClass().getName());
            return reject(RejectionReason.INVALID_TOKEN, true);
        }
    }

    private AuthResult doAuthenticate(@Nullable String header) {
        if (header == null || header.isEmpty()) {
            return reject(RejectionReason.MISSING_CREDENTIALS, false);
        }
        if (header.length() > MAX_TOKEN_CHARS + 64) {
            return reject(RejectionReason.TOO_LARGE, true);
        }
        int sp = header.indexOf(' ');
        String scheme = sp < 0 ? header : header.substring(0, sp);
        if (!scheme.equalsIgnoreCase(BEARER)) {
            return reject(RejectionReason.UNSUPPORTED_SCHEME, false);
        }
        if (sp < 0) {
            return reject(RejectionReason.MISSING_CREDENTIALS, false);
        }
        int start = sp;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++;
        }
        if (start >= header.length()) {
            return reject(RejectionReason.MISSING_CREDENTIALS, false);
        }
        String token = header.substring(start);
        if (token.length() > MAX_TOKEN_CHARS) {
            return reject(RejectionReason.TOO_LARGE, true);
        }
        if (!isB64Token(token)) {
            return reject(RejectionReason.MALFORMED, true);
        }
        return ApiTokenFormat.looksLike(token) ? apiToken(token) : jwt(token);
    }

    /** RFC 6750 b64token: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    private static boolean isB64Token(String t) {
        int i = 0;
        int n = t.length();
        while (i < n) {
            char c = t.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '+' || c == '/') {
                i++;
            } else {
                break;
            }
        }
        if (i == 0) {
            return false;
        }
        while (i < n && t.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    private AuthResult jwt(String token) {
        VerifiedEntry entry = cacheVerified ? verified.getIfPresent(token) : null;
        Instant now = clock.instant();
        if (entry == null) {
            Object v = jwt.verify(token);
            if (v instanceof RejectionReason r) {
                return reject(r, true);
            }
            JwtCodec.Verified ok = (JwtCodec.Verified) v;
            entry = new VerifiedEntry(ok, ok.expiresAt().toEpochMilli());
            if (cacheVerified) {
                verified.put(token, entry);
            }
        } else {
            if (now.toEpochMilli() >= entry.expiresAtMillis + jwt.leewaySeconds() * 1000) {
                verified.invalidate(token);
                return reject(RejectionReason.EXPIRED, true);
            }
            KeyRing.Key key = keys.cached(entry.jwt().kid());
            if (key == null || !key.usableAt(now)) {
                verified.invalidate(token);
                return reject(RejectionReason.KEY_RETIRED, true);
            }
        }
        JwtCodec.Verified v = entry.jwt();
        State s = jwtStates.get(v.jti(), jti -> loadJwtState(v));
        if (s.principal() == null) {
            return reject(s.reason() == null ? RejectionReason.INVALID_TOKEN : s.reason(), true);
        }
        return new AuthResult.Authenticated(s.principal());
    }

    private State loadJwtState(JwtCodec.Verified v) {
        return database.inTransaction(tx -> {
            Optional<Session> session = sessions.find(tx, v.jti());
            if (session.isEmpty() || !session.get().userId().equals(v.userId())
                    || !session.get().org().equals(v.org()) || !session.get().kid().equals(v.kid())) {
                return new State(null, RejectionReason.INVALID_TOKEN);
            }
            if (session.get().revokedAt() != null) {
                return new State(null, RejectionReason.REVOKED);
            }
            Optional<StoredUser> user = users.findById(tx, v.userId());
            if (user.isEmpty() || user.get().user().disabled() || !user.get().user().org().equals(v.org())) {
                return new State(null, RejectionReason.DISABLED);
            }
            Optional<Org> org = orgs.find(tx, v.org());
            if (org.isEmpty() || org.get().disabled()) {
                return new State(null, RejectionReason.DISABLED);
            }
            return new State(new Principal(v.org(), v.userId(), user.get().user().role(), CredentialKind.JWT, v.jti(),
                    Set.of()), null);
        });
    }

    private AuthResult apiToken(String token) {
        Object parsed = ApiTokenFormat.parse(token);
        if (parsed == ApiTokenFormat.Failure.MALFORMED) {
            return reject(RejectionReason.MALFORMED, true);
        }
        if (parsed == ApiTokenFormat.Failure.BAD_CHECKSUM) {
            return reject(RejectionReason.BAD_CHECKSUM, true);
        }
        ApiTokenFormat.Parts parts = (ApiTokenFormat.Parts) parsed;
        TokenState ts = tokenStates.get(parts.prefix(), this::loadTokenState);
        byte[] digest = Digests.sha256(parts.token());
        boolean match;
        if (ts.row() == null) {
            dummyDigestCompares.incrementAndGet();
            // Same work as for a known prefix, so timing does not tell whether the prefix exists.
            Digests.equal(digest, DUMMY_DIGEST);
            match = false;
        } else {
            match = Digests.equal(digest, Digests.unhex(ts.row().digestHex()));
        }
        if (!match) {
            return reject(RejectionReason.INVALID_TOKEN, true);
        }
        ApiToken row = ts.row().token();
        if (ts.state().principal() == null) {
            return reject(ts.state().reason() == null ? RejectionReason.INVALID_TOKEN : ts.state().reason(), true);
        }
        if (!clock.instant().isBefore(row.expiresAt())) {
            return reject(RejectionReason.EXPIRED, true);
        }
        lastUsed.touch(row.id());
        return new AuthResult.Authenticated(ts.state().principal());
    }

    private TokenState loadTokenState(String prefix) {
        apiTokenLookups.incrementAndGet();
        return database.inTransaction(tx -> {
            Optional<StoredApiToken> row = tokens.findByPrefix(tx, prefix);
            if (row.isEmpty()) {
                return new TokenState(null, new State(null, RejectionReason.INVALID_TOKEN));
            }
            ApiToken t = row.get().token();
            if (t.revokedAt() != null) {
                return new TokenState(row.get(), new State(null, RejectionReason.REVOKED));
            }
            Optional<StoredUser> creator = users.findById(tx, t.createdBy());
            if (creator.isEmpty() || creator.get().user().disabled() || !creator.get().user().org().equals(t.org())) {
                return new TokenState(row.get(), new State(null, RejectionReason.DISABLED));
            }
            Optional<Org> org = orgs.find(tx, t.org());
            if (org.isEmpty() || org.get().disabled()) {
                return new TokenState(row.get(), new State(null, RejectionReason.DISABLED));
            }
            Role role = creator.get().user().role().atLeast(t.role()) ? t.role() : creator.get().user().role();
            return new TokenState(row.get(), new State(new Principal(t.org(), t.createdBy(), role,
                    CredentialKind.API_TOKEN, t.id(), t.scopes()), null));
        });
    }

    private static AuthResult.Rejected reject(RejectionReason reason, boolean tokenSent) {
        LOG.debug("credential rejected: {}", reason);
        return new AuthResult.Rejected(reason, 401, tokenSent ? INVALID : BEARER);
    }

    // --- invalidation, called by the services of this module after their transactions commit ---

    void forgetSession(String jti) {
        jwtStates.invalidate(jti);
        verified.asMap().values().removeIf(e -> e.jwt().jti().equals(jti));
    }

    void forgetUser(String userId) {
        jwtStates.asMap().values().removeIf(s -> s.principal() == null || s.principal().subject().equals(userId));
        tokenStates.asMap().values().removeIf(s -> s.row() == null || s.row().token().createdBy().equals(userId));
    }

    void forgetUserSessionsExcept(String userId, String keepJti) {
        forgetUser(userId);
        verified.asMap().values().removeIf(e -> e.jwt().userId().equals(userId) && !e.jwt().jti().equals(keepJti));
    }

    void forgetApiToken(String prefix) {
        tokenStates.invalidate(prefix);
    }

    void forgetOrg(OrgId org) {
        jwtStates.asMap().values().removeIf(s -> s.principal() == null || s.principal().org().equals(org));
        tokenStates.asMap().values().removeIf(s -> s.row() == null || s.row().token().org().equals(org));
    }

    void forgetKids(Set<String> kids) {
        verified.asMap().values().removeIf(e -> kids.contains(e.jwt().kid()));
    }

    /** How many times an API token row was read from the database (for tests and metrics). */
    public long apiTokenLookups() {
        return apiTokenLookups.get();
    }

    /** How many API token checks compared against the dummy digest (unknown prefix). */
    public long dummyDigestCompares() {
        return dummyDigestCompares.get();
    }

    /** The number of verified JWTs currently cached (approximate). */
    public long cachedTokens() {
        verified.cleanUp();
        return verified.estimatedSize();
    }
}
