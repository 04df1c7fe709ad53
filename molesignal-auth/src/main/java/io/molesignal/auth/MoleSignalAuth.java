package io.molesignal.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.molesignal.auth.internal.Base62;
import io.molesignal.auth.internal.Emails;
import io.molesignal.auth.internal.JdbcApiTokenStore;
import io.molesignal.auth.internal.JdbcSessionStore;
import io.molesignal.auth.internal.JdbcSigningKeyStore;
import io.molesignal.auth.internal.JdbcUserStore;
import io.molesignal.auth.internal.JwtCodec;
import io.molesignal.auth.internal.KeyRing;
import io.molesignal.auth.internal.LastUsedRecorder;
import io.molesignal.auth.internal.LoginThrottle;
import io.molesignal.auth.internal.PasswordHasher;
import io.molesignal.auth.internal.Sql;
import io.molesignal.core.CursorCodec;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Ticker;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.audit.Outcome;
import io.molesignal.core.db.Database;
import io.molesignal.core.org.JdbcOrgStore;
import io.molesignal.core.org.OrgDirectory;
import io.molesignal.core.org.OrgStore;
import io.molesignal.core.spi.SecretSealer;

/**
 * MoleSignal's authentication module: users, login, per-org JWT signing keys, API tokens and the
 * {@link TokenAuthenticator}. Build one per application instance with {@link #builder}; it owns caches and one
 * background thread (last-used writes, unless an executor is given), so {@link #close()} it.
 *
 * <p><b>Start-up.</b> The core and auth migrations must have run ({@code database.migrate("core")},
 * {@code database.migrate("auth")}). {@link Builder#build()} seals or re-seals stored signing keys as the
 * {@link SecretSealer} requires and makes sure {@code _meta} has a signing key; several instances starting at once
 * end with exactly one active key per org. Then call {@link #bootstrapRoot} once.
 *
 * <p><b>Signing keys at rest.</b> With a {@link SecretSealer} (molesignal-crypto's, when {@code MS_CIPHER_KEY} is
 * set) every stored signing key is sealed, bound to its org and kid. <em>Without a sealer the keys are stored in
 * clear: anyone who can read the {@code ms_auth_signing_key} table can forge login tokens for every org.</em>
 * Once keys are sealed, a start without the sealer fails with {@link ErrorCode#CIPHER_DISABLED}.
 *
 * <p><b>Services.</b> {@link #authenticator()}, {@link #logins()}, {@link #users()}, {@link #apiTokens()},
 * {@link #orgs()} and {@link #signingKeys()}. Every mutation writes its audit entry in the same transaction.
 *
 * <p>Immutable after {@code build()} and thread-safe.
 */
public final class MoleSignalAuth implements AutoCloseable {
    final Database database;
    final AuditLog auditLog;
    final OrgDirectory orgDirectory;
    final CursorCodec cursors;
    final UserStore userStore;
    final SessionStore sessionStore;
    final ApiTokenStore apiTokenStore;
    final OrgStore orgStore;
    final Clock clock;
    final SecureRandom random;
    final PasswordHasher hasher;
    final Semaphore hashPermits;
    final Duration hashWait;
    final @Nullable LoginThrottle accountThrottle;
    final @Nullable LoginThrottle sourceThrottle;
    final KeyRing keyRing;
    final JwtCodec jwtCodec;
    final Duration jwtLifetime;
    final Duration defaultTokenExpiry;
    final Duration maxTokenExpiry;
    final long maxPasswordBytes;
    private final @Nullable ExecutorService ownedExecutor;
    private final LastUsedRecorder lastUsed;
    private final TokenAuthenticator authenticator;
    private final LoginService logins;
    private final UserService users;
    private final ApiTokenService apiTokens;
    private final OrgAdmin orgs;
    private final SigningKeyService signingKeys;

    private MoleSignalAuth(Builder b) {
        this.database = b.database;
        this.auditLog = b.auditLog;
        this.orgDirectory = b.orgDirectory;
        this.cursors = b.cursors;
        this.userStore = b.userStore;
        this.sessionStore = b.sessionStore;
        this.apiTokenStore = b.apiTokenStore;
        this.orgStore = b.orgStore;
        this.clock = b.clock;
        this.random = b.random;
        this.hasher = new PasswordHasher(b.argon2MemoryKiB, b.argon2Iterations, 1, b.random);
        this.hashPermits = new Semaphore(b.maxConcurrentHashes, true);
        this.hashWait = b.hashWait;
        this.accountThrottle = b.throttle ? new LoginThrottle(b.accountFailures, b.throttleWindow, b.throttleWindow,
                b.maxBackoff, b.ticker, 1_000_000) : null;
        this.sourceThrottle = b.throttle ? new LoginThrottle(b.sourceFailures, b.throttleWindow, b.throttleWindow,
                b.maxBackoff, b.ticker, 1_000_000) : null;
        this.jwtLifetime = b.jwtLifetime;
        this.defaultTokenExpiry = b.defaultTokenExpiry;
        this.maxTokenExpiry = b.maxTokenExpiry;
        this.maxPasswordBytes = b.maxPasswordBytes;
        TokenAuthenticator[] self = new TokenAuthenticator[1];
        this.keyRing = new KeyRing(b.database, b.signingKeyStore, b.sealer, b.random, b.clock, b.ticker, b.stateTtl,
                Duration.ofSeconds(1), kids -> {
                    if (self[0] != null) {
                        self[0].forgetKids(kids);
                    }
                });
        this.jwtCodec = new JwtCodec(keyRing, b.issuer, b.audience, b.clock, b.leeway, Duration.ofHours(24));
        Executor executor = b.executor;
        if (executor == null) {
            this.ownedExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "molesignal-auth-last-used");
                t.setDaemon(true);
                return t;
            });
            executor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
        }
        this.lastUsed = new LastUsedRecorder(b.database, b.apiTokenStore, b.clock, b.ticker, executor,
                b.lastUsedInterval);
        this.authenticator = new TokenAuthenticator(b.database, b.userStore, b.sessionStore, b.apiTokenStore,
                b.orgStore, jwtCodec, keyRing, lastUsed, b.clock, b.ticker, b.stateTtl, b.maxVerifiedTokens);
        self[0] = authenticator;
        keyRing.start();
        this.logins = new LoginService(this);
        this.users = new UserService(this);
        this.apiTokens = new ApiTokenService(this);
        this.orgs = new OrgAdmin(this);
        this.signingKeys = new SigningKeyService(this);
    }

    /**
     * A builder.
     *
     * @param database the host's database (core and auth migrations applied)
     * @param auditLog the audit log every mutation is written to
     * @param orgDirectory the org directory (org creation and disable go through it)
     * @param cursors the cursor codec for list pages
     */
    public static Builder builder(Database database, AuditLog auditLog, OrgDirectory orgDirectory,
                                  CursorCodec cursors) {
        return new Builder(database, auditLog, orgDirectory, cursors);
    }

    /** Authenticates requests. */
    public TokenAuthenticator authenticator() {
        return authenticator;
    }

    /** Login, logout, password change. */
    public LoginService logins() {
        return logins;
    }

    /** User management within the caller's org. */
    public UserService users() {
        return users;
    }

    /** API tokens. */
    public ApiTokenService apiTokens() {
        return apiTokens;
    }

    /** Org creation (with the first owner and the signing key), listing, disabling; platform root only. */
    public OrgAdmin orgs() {
        return orgs;
    }

    /** Signing-key rotation. */
    public SigningKeyService signingKeys() {
        return signingKeys;
    }

    /**
     * Creates the platform root user (owner of {@code _meta}) unless {@code _meta} already has an owner.
     *
     * @param email the root's e-mail
     * @param password the root's password, or null to generate a random one (24 base62 characters, ≈ 143 bits)
     * @return the generated password, only when one was generated and the user created now (show it once; it is
     *         never logged); empty otherwise
     * @throws MoleSignalException {@link ErrorCode#INVALID_INPUT} for an invalid e-mail or password
     */
    public Optional<SecretText> bootstrapRoot(String email, @Nullable SecretText password) {
        String norm = Emails.normalize(email).orElseThrow(() ->
                new MoleSignalException(ErrorCode.INVALID_INPUT, "invalid root e-mail"));
        boolean exists = database.inTransaction(tx -> userStore.hasOwner(tx, OrgId.META));
        if (exists) {
            return Optional.empty();
        }
        SecretText pw = password != null ? password : SecretText.of(Base62.random(random, 24));
        checkNewPassword(pw);
        String hash = hashNewPassword(pw);
        User user = new User(newId("u_"), OrgId.META, norm, Role.OWNER, false, Sql.micros(clock.instant()));
        boolean created = database.inTransaction(tx -> {
            if (userStore.hasOwner(tx, OrgId.META) || !userStore.insert(tx, new StoredUser(user, hash))) {
                return false;
            }
            auditLog.append(tx, AuditRecord.builder(OrgId.META, "user.create", AuditContext.system("bootstrap"))
                    .target(user.id()).detail("email", norm).detail("role", "owner")
                    .outcome(Outcome.SUCCESS, 201).build());
            return true;
        });
        return created && password == null ? Optional.of(pw) : Optional.empty();
    }

    /**
     * An audit context for a request by {@code principal} (actor: the user, or the API token).
     *
     * @param requestId the request id, or null
     * @param sourceAddress the client address, or null
     */
    public static AuditContext auditContext(Principal principal, @Nullable String requestId,
                                            @Nullable String sourceAddress) {
        return new AuditContext(Actor.of(principal, principal.subject()), requestId, sourceAddress);
    }

    /**
     * Deletes login sessions that expired more than a day ago (a host calls this periodically, e.g. hourly).
     *
     * @return how many rows were deleted
     */
    public int purgeExpiredSessions() {
        Instant cutoff = clock.instant().minus(Duration.ofDays(1));
        return database.inTransaction(tx -> sessionStore.deleteExpired(tx, cutoff));
    }

    /** How many logins ran the dummy hash (unknown account). */
    public long dummyHashCount() {
        return hasher.dummyVerifications();
    }

    /** How many password verifications ran (real and dummy). */
    public long passwordVerifications() {
        return hasher.verifications();
    }

    /** How many times signing keys were read from the database. */
    public long signingKeyReloads() {
        return keyRing.reloads();
    }

    /** How many API-token last-used writes completed. */
    public long lastUsedWrites() {
        return lastUsed.writes();
    }

    /** Stops the background thread (if owned). Pending last-used writes are dropped. */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            try {
                ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // --- shared helpers for the services ---

    String newId(String prefix) {
        return prefix + Base62.random(random, 22);
    }

    void checkNewPassword(SecretText pw) {
        int bytes = pw.utf8Bytes();
        if (bytes > maxPasswordBytes) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "password longer than " + maxPasswordBytes + " bytes");
        }
        if (pw.reveal().codePointCount(0, pw.reveal().length()) < 8) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "password shorter than 8 characters");
        }
    }

    String hashNewPassword(SecretText pw) {
        acquireHashPermit();
        try {
            return hasher.hash(pw.reveal());
        } finally {
            hashPermits.release();
        }
    }

    void acquireHashPermit() {
        boolean ok;
        try {
            ok = hashPermits.tryAcquire(hashWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        if (!ok) {
            throw new LoginThrottledException(Duration.ofSeconds(1));
        }
    }

    Instant now() {
        return Sql.micros(clock.instant());
    }

    /** Builds a {@link MoleSignalAuth}. Setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final Database database;
        private final AuditLog auditLog;
        private final OrgDirectory orgDirectory;
        private final CursorCodec cursors;
        private UserStore userStore = new JdbcUserStore();
        private SessionStore sessionStore = new JdbcSessionStore();
        private ApiTokenStore apiTokenStore = new JdbcApiTokenStore();
        private SigningKeyStore signingKeyStore = new JdbcSigningKeyStore();
        private OrgStore orgStore = new JdbcOrgStore();
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.system();
        private SecureRandom random = new SecureRandom();
        private @Nullable SecretSealer sealer;
        private @Nullable Executor executor;
        private String issuer = "molesignal";
        private String audience = "molesignal-api";
        private Duration jwtLifetime = Duration.ofHours(1);
        private Duration leeway = Duration.ofSeconds(30);
        private Duration stateTtl = Duration.ofSeconds(30);
        private long maxVerifiedTokens = 100_000;
        private Duration defaultTokenExpiry = Duration.ofDays(90);
        private Duration maxTokenExpiry = Duration.ofDays(365);
        private Duration lastUsedInterval = Duration.ofMinutes(5);
        private int maxConcurrentHashes = Math.max(2, Runtime.getRuntime().availableProcessors());
        private Duration hashWait = Duration.ofSeconds(5);
        private boolean throttle = true;
        private int accountFailures = 5;
        private int sourceFailures = 50;
        private Duration throttleWindow = Duration.ofMinutes(5);
        private Duration maxBackoff = Duration.ofMinutes(15);
        private int argon2MemoryKiB = 19_456;
        private int argon2Iterations = 2;
        private long maxPasswordBytes = 1024;

        private Builder(Database database, AuditLog auditLog, OrgDirectory orgDirectory, CursorCodec cursors) {
            this.database = Objects.requireNonNull(database, "database");
            this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
            this.orgDirectory = Objects.requireNonNull(orgDirectory, "orgDirectory");
            this.cursors = Objects.requireNonNull(cursors, "cursors");
        }

        public Builder userStore(UserStore s) {
            this.userStore = Objects.requireNonNull(s, "userStore");
            return this;
        }

        public Builder sessionStore(SessionStore s) {
            this.sessionStore = Objects.requireNonNull(s, "sessionStore");
            return this;
        }

        public Builder apiTokenStore(ApiTokenStore s) {
            this.apiTokenStore = Objects.requireNonNull(s, "apiTokenStore");
            return this;
        }

        public Builder signingKeyStore(SigningKeyStore s) {
            this.signingKeyStore = Objects.requireNonNull(s, "signingKeyStore");
            return this;
        }

        /** The org store used to read org state (default {@link JdbcOrgStore}). */
        public Builder orgStore(OrgStore s) {
            this.orgStore = Objects.requireNonNull(s, "orgStore");
            return this;
        }

        /** Wall time for token times, expiry and grace periods (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Monotonic time for caches, throttling and reload intervals (default {@link Ticker#system()}). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Randomness for keys, token secrets, salts and ids (default a new {@link SecureRandom}). */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Seals stored signing keys (strongly recommended; see the class documentation). */
        public Builder sealer(@Nullable SecretSealer sealer) {
            this.sealer = sealer;
            return this;
        }

        /** Where last-used writes run (default: a daemon thread owned by this instance). */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The JWT {@code iss} (default {@code molesignal}). */
        public Builder issuer(String issuer) {
            if (issuer.isBlank()) {
                throw new IllegalArgumentException("issuer must not be blank");
            }
            this.issuer = issuer;
            return this;
        }

        /** The JWT {@code aud} (default {@code molesignal-api}). */
        public Builder audience(String audience) {
            if (audience.isBlank()) {
                throw new IllegalArgumentException("audience must not be blank");
            }
            this.audience = audience;
            return this;
        }

        /** Login JWT lifetime: 1 minute .. 24 hours (default 1 hour). */
        public Builder jwtLifetime(Duration d) {
            if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("jwtLifetime must be between 1 minute and 24 hours");
            }
            this.jwtLifetime = d;
            return this;
        }

        /** Clock-skew leeway for {@code exp}, {@code nbf} and {@code iat}: 0 .. 60 s (default 30 s). */
        public Builder leeway(Duration d) {
            if (d.isNegative() || d.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("leeway must be between 0 and 60 seconds");
            }
            this.leeway = d;
            return this;
        }

        /** How long role, disabled and revocation state is cached: 1 .. 30 s (default 30 s). */
        public Builder stateTtl(Duration d) {
            if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofSeconds(30)) > 0) {
                throw new IllegalArgumentException("stateTtl must be between 1 and 30 seconds");
            }
            this.stateTtl = d;
            return this;
        }

        /** The bound of the verified-JWT cache: 0 (no cache) .. 10,000,000 (default 100,000). */
        public Builder maxVerifiedTokens(long n) {
            if (n < 0 || n > 10_000_000) {
                throw new IllegalArgumentException("maxVerifiedTokens must be between 0 and 10000000");
            }
            this.maxVerifiedTokens = n;
            return this;
        }

        /** The API token expiry when none is asked for (default 90 days; at most the maximum). */
        public Builder defaultTokenExpiry(Duration d) {
            if (d.compareTo(Duration.ofDays(1)) < 0 || d.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException("defaultTokenExpiry must be between 1 and 365 days");
            }
            this.defaultTokenExpiry = d;
            return this;
        }

        /** How often a token's last-used time is written at most: ≥ 1 minute (default 5 minutes). */
        public Builder lastUsedInterval(Duration d) {
            if (d.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("lastUsedInterval must be at least 1 minute");
            }
            this.lastUsedInterval = d;
            return this;
        }

        /** How many password hashes may run at once: 1 .. 256 (default the number of processors, at least 2). */
        public Builder maxConcurrentHashes(int n) {
            if (n < 1 || n > 256) {
                throw new IllegalArgumentException("maxConcurrentHashes must be between 1 and 256");
            }
            this.maxConcurrentHashes = n;
            return this;
        }

        /** How long a login waits for a hashing slot before a 429: 0 .. 60 s (default 5 s). */
        public Builder hashWait(Duration d) {
            if (d.isNegative() || d.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("hashWait must be between 0 and 60 seconds");
            }
            this.hashWait = d;
            return this;
        }

        /**
         * Login throttling: failures per account and per source address within a window, then a block that starts
         * at the window and doubles up to {@code maxBackoff} (defaults 5, 50, 5 minutes, 15 minutes; API.md).
         */
        public Builder loginThrottle(int perAccount, int perSource, Duration window, Duration maxBackoff) {
            if (perAccount < 1 || perSource < 1 || window.compareTo(Duration.ofSeconds(1)) < 0
                    || maxBackoff.compareTo(window) < 0) {
                throw new IllegalArgumentException("invalid login throttle settings");
            }
            this.accountFailures = perAccount;
            this.sourceFailures = perSource;
            this.throttleWindow = window;
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** Turns login throttling off. For tests only ({@code --login-throttle off}). */
        public Builder disableLoginThrottleForTests() {
            this.throttle = false;
            return this;
        }

        /**
         * Weaker Argon2id parameters than OWASP's m=19 MiB, t=2, p=1, so bulk tests run fast. Never in production:
         * hashes made with them stay weak.
         */
        public Builder insecureArgon2ForTests(int memoryKiB, int iterations) {
            if (memoryKiB < 8 || iterations < 1) {
                throw new IllegalArgumentException("Argon2 needs memory >= 8 KiB and iterations >= 1");
            }
            this.argon2MemoryKiB = memoryKiB;
            this.argon2Iterations = iterations;
            return this;
        }

        /**
         * Builds: seals or re-seals stored signing keys, makes sure {@code _meta} has one, loads them.
         *
         * @throws MoleSignalException {@link ErrorCode#CIPHER_DISABLED} when keys are sealed and no sealer was
         *         given; {@link ErrorCode#UNAVAILABLE} on a database failure
         */
        public MoleSignalAuth build() {
            if (defaultTokenExpiry.compareTo(maxTokenExpiry) > 0) {
                throw new IllegalStateException("defaultTokenExpiry exceeds the maximum of 365 days");
            }
            return new MoleSignalAuth(this);
        }
    }
}
