package io.molesignal.auth.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.molesignal.auth.ApiTokenStore;
import io.molesignal.core.Ticker;
import io.molesignal.core.db.Database;

/**
 * Writes an API token's {@code last_used_at} at most once per interval per token (per instance), on a background
 * executor, so heavy API use does not turn into a write per request (GitLab's {@code LastUsedService} does the
 * same). Thread-safe.
 */
public final class LastUsedRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(LastUsedRecorder.class);

    private final Database database;
    private final ApiTokenStore store;
    private final Clock clock;
    private final Executor executor;
    private final Cache<String, Boolean> recent;
    private final AtomicLong writes = new AtomicLong();

    public LastUsedRecorder(Database database, ApiTokenStore store, Clock clock, Ticker ticker, Executor executor,
                            Duration interval) {
        this.database = database;
        this.store = store;
        this.clock = clock;
        this.executor = executor;
        this.recent = Caffeine.newBuilder().ticker(ticker::read).expireAfterWrite(interval).maximumSize(1_000_000)
                .build();
    }

    /** Records a successful use of token {@code tokenId}. Never blocks on the database. */
    public void touch(String tokenId) {
        if (recent.asMap().putIfAbsent(tokenId, Boolean.TRUE) != null) {
            return;
        }
        var at = clock.instant();
        try {
            executor.execute(() -> {
                try {
                    database.inTransaction(tx -> {
                        store.touchLastUsed(tx, tokenId, Sql.micros(at));
                        return null;
                    });
                    writes.incrementAndGet();
                } catch (RuntimeException e) {
                    recent.invalidate(tokenId); // retry on the next use
                    LOG.warn("last-used time of an API token not written: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            recent.invalidate(tokenId);
        }
    }

    /** How many last-used writes completed. */
    public long writes() {
        return writes.get();
    }
}
