package io.molesignal.core.vrl;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.Ticker;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.db.Database;
import io.molesignal.core.internal.vrl.Values;
import io.molesignal.core.spi.CipherFunctions;

/**
 * The VRL function of each stream: stored per (org, stream), versioned, changes audited, compiled once and cached
 * for ingest. Backs the routes {@code PUT/GET/DELETE /api/v1/streams/{stream}/function} and
 * {@code POST /api/v1/functions/test} of API.md.
 *
 * <p><b>Permissions.</b> Changing and dry-running need the {@code editor} role and the {@code admin} scope;
 * reading needs {@code viewer} and the {@code query} scope ({@link Principal#require}). The org is always the
 * principal's. A stream of another org answers {@link ErrorCode#NOT_FOUND} exactly like a missing one.
 *
 * <p><b>Audit.</b> {@link #put} and {@link #delete} run through {@link AuditLog#mutate} with the actions
 * {@code stream.function.update} and {@code stream.function.delete}, target the stream, and details
 * {@code stream} and {@code version}; denied and failed attempts (including programs that do not compile) are
 * recorded too.
 *
 * <p><b>Cache.</b> {@link #programFor} keeps compiled programs (and the absence of one) in a bounded Caffeine
 * cache. A change made through this instance invalidates its entry after commit; changes made by other instances
 * (other nodes) are seen once the entry expires ({@link Builder#cacheTtl}, default 10 s).
 *
 * <p>Thread-safe. {@link #close()} empties the cache.
 */
public final class StreamFunctions implements AutoCloseable {
    /** The stream name pattern of API.md. */
    public static final Pattern STREAM_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Most events one dry run accepts. */
    public static final int MAX_DRY_RUN_EVENTS = 1000;

    private static final String UPDATE = "stream.function.update";
    private static final String DELETE = "stream.function.delete";

    private final Database database;
    private final AuditLog audit;
    private final VrlProgramStore store;
    private final Clock clock;
    private final @Nullable CipherFunctions cipher;
    private final VrlLimits limits;
    private final Cache<Key, Cached> cache;

    private record Key(OrgId org, String stream) {
    }

    private record Cached(long version, @Nullable VrlProgram program) {
    }

    private StreamFunctions(Builder b) {
        this.database = b.database;
        this.audit = b.audit;
        this.store = b.store;
        this.clock = b.clock;
        this.cipher = b.cipher;
        this.limits = b.limits;
        Ticker ticker = b.ticker;
        this.cache = Caffeine.newBuilder().maximumSize(b.cacheMaximumSize).expireAfterWrite(b.cacheTtl)
                .ticker(ticker::read).build();
    }

    /** A builder over the host's database (core migrations run) and audit log. */
    public static Builder builder(Database database, AuditLog audit) {
        return new Builder(database, audit);
    }

    /**
     * Compiles and stores the stream's program as a new version.
     *
     * @return the stored function with its version
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} below editor or without the admin scope;
     *         {@link ErrorCode#INVALID_INPUT} for a bad stream name; {@link ErrorCode#VRL_COMPILE} (with line and
     *         column) when the program does not compile — nothing is stored; {@link ErrorCode#UNAVAILABLE}
     */
    public StreamFunction put(Principal principal, AuditContext context, String stream, String vrl) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(vrl, "vrl");
        OrgId org = principal.org();
        AuditRecord.Builder entry = AuditRecord.builder(org, UPDATE, context);
        for (int attempt = 1; ; attempt++) {
            try {
                return audit.mutate(entry, (tx, e) -> {
                    principal.require(Role.EDITOR, Scope.ADMIN);
                    checkStream(stream);
                    e.target(stream).detail("stream", stream);
                    VrlProgram.compile(vrl, limits);
                    StreamFunction stored = store.put(tx, org, stream, vrl, principal.subject(), clock.instant());
                    e.detail("version", stored.version());
                    tx.afterCommit(() -> cache.invalidate(new Key(org, stream)));
                    return stored;
                });
            } catch (MoleSignalException ex) {
                // two first writes of one stream raced on the insert: the loser retries once as an update
                if (ex.code() != ErrorCode.CONFLICT || attempt >= 2) {
                    throw ex;
                }
            }
        }
    }

    /**
     * The stream's current function.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} below viewer or without the query scope;
     *         {@link ErrorCode#NOT_FOUND} when the stream has none (or the name is not a valid stream name);
     *         {@link ErrorCode#UNAVAILABLE}
     */
    public StreamFunction get(Principal principal, String stream) {
        principal.require(Role.VIEWER, Scope.QUERY);
        if (!STREAM_NAME.matcher(stream).matches()) {
            throw notFound();
        }
        return database.inTransaction(tx -> store.find(tx, principal.org(), stream)).orElseThrow(
                StreamFunctions::notFound);
    }

    /**
     * Deletes the stream's function.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} below editor or without the admin scope;
     *         {@link ErrorCode#NOT_FOUND} when the stream has none; {@link ErrorCode#UNAVAILABLE}
     */
    public void delete(Principal principal, AuditContext context, String stream) {
        OrgId org = principal.org();
        audit.mutate(AuditRecord.builder(org, DELETE, context), (tx, e) -> {
            principal.require(Role.EDITOR, Scope.ADMIN);
            if (!STREAM_NAME.matcher(stream).matches()) {
                throw notFound();
            }
            e.target(stream).detail("stream", stream);
            long version = store.delete(tx, org, stream, principal.subject(), clock.instant())
                    .orElseThrow(StreamFunctions::notFound);
            e.detail("version", version);
            tx.afterCommit(() -> cache.invalidate(new Key(org, stream)));
            return null;
        });
    }

    /**
     * The compiled program of the caller's stream for ingest, from the cache when present. No role check: the
     * caller (the ingest pipeline) has already authorized the request; the org is the principal's.
     *
     * @return the program, or empty when the stream has none
     * @throws MoleSignalException {@link ErrorCode#VRL_COMPILE} if a stored program no longer compiles under the
     *         configured limits; {@link ErrorCode#UNAVAILABLE}
     */
    public Optional<VrlProgram> programFor(Principal principal, String stream) {
        if (!STREAM_NAME.matcher(stream).matches()) {
            return Optional.empty();
        }
        Key key = new Key(principal.org(), stream);
        Cached c = cache.get(key, k -> database.inTransaction(tx -> store.find(tx, k.org(), k.stream()))
                .map(f -> new Cached(f.version(), VrlProgram.compile(f.vrl(), limits)))
                .orElse(new Cached(0, null)));
        return Optional.ofNullable(c.program());
    }

    /**
     * Runs {@code vrl} on copies of {@code events} without storing anything (a dry run).
     *
     * @param events JSON-like values, each expected to be an object
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} below editor or without the admin scope;
     *         {@link ErrorCode#VRL_COMPILE}; {@link ErrorCode#INVALID_INPUT} for more than
     *         {@value #MAX_DRY_RUN_EVENTS} events
     */
    @SuppressWarnings("unchecked")
    public DryRun test(Principal principal, String vrl, List<?> events) {
        principal.require(Role.EDITOR, Scope.ADMIN);
        if (events.size() > MAX_DRY_RUN_EVENTS) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT,
                    "a dry run takes at most " + MAX_DRY_RUN_EVENTS + " events");
        }
        VrlProgram program = VrlProgram.compile(vrl, limits);
        VrlContext ctx = new VrlContext(principal.org(), cipher, clock);
        List<Map<String, Object>> out = new ArrayList<>();
        List<DryRun.EventError> errors = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Object e = events.get(i);
            if (!(e instanceof Map<?, ?>)) {
                errors.add(new DryRun.EventError(i, ErrorCode.INVALID_EVENT, "the event is not a JSON object"));
                continue;
            }
            VrlResult r = program.run((Map<String, Object>) Values.copy(e), ctx);
            if (r instanceof VrlResult.Ok ok) {
                out.add(ok.event());
            } else {
                VrlResult.Failed f = (VrlResult.Failed) r;
                errors.add(new DryRun.EventError(i, f.code(), f.message()));
            }
        }
        return new DryRun(out, errors);
    }

    /** Empties the cache. */
    @Override
    public void close() {
        cache.invalidateAll();
    }

    private static void checkStream(String stream) {
        if (!STREAM_NAME.matcher(stream).matches()) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "stream names match [A-Za-z0-9_-]{1,64}");
        }
    }

    private static MoleSignalException notFound() {
        return new MoleSignalException(ErrorCode.NOT_FOUND, "the stream has no function");
    }

    /** Builds {@link StreamFunctions}. Not thread-safe. */
    public static final class Builder {
        private final Database database;
        private final AuditLog audit;
        private VrlProgramStore store = new JdbcVrlProgramStore();
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.system();
        private @Nullable CipherFunctions cipher;
        private VrlLimits limits = VrlLimits.DEFAULT;
        private long cacheMaximumSize = 10_000;
        private Duration cacheTtl = Duration.ofSeconds(10);

        private Builder(Database database, AuditLog audit) {
            this.database = Objects.requireNonNull(database, "database");
            this.audit = Objects.requireNonNull(audit, "audit");
        }

        /** The store (default {@link JdbcVrlProgramStore}). */
        public Builder store(VrlProgramStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Wall time for versions and {@code now()} in dry runs (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Monotonic time for cache expiry (default {@link Ticker#system()}). */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** Field encryption for dry runs (default none: encrypt fails with a CIPHER_DISABLED reason). */
        public Builder cipher(@Nullable CipherFunctions cipher) {
            this.cipher = cipher;
            return this;
        }

        /** Limits for compiling and running (default {@link VrlLimits#DEFAULT}). */
        public Builder limits(VrlLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Most cached programs (default 10,000). @throws IllegalArgumentException when below 1 */
        public Builder cacheMaximumSize(long size) {
            if (size < 1) {
                throw new IllegalArgumentException("cacheMaximumSize must be >= 1");
            }
            this.cacheMaximumSize = size;
            return this;
        }

        /** How long a cached program (or its absence) is trusted (default 10 s). @throws IllegalArgumentException */
        public Builder cacheTtl(Duration ttl) {
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("cacheTtl must be positive");
            }
            this.cacheTtl = ttl;
            return this;
        }

        public StreamFunctions build() {
            return new StreamFunctions(this);
        }
    }
}
