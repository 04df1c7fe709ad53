package io.molesignal.core.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.core.OrgId;
import io.molesignal.core.Ticker;

/**
 * Coalesces floods of identical rejections into audit entries with exact counts: the first rejection of an episode
 * is written at once, then at most one entry per second per (org, action, target, outcome) carrying the count since the
 * previous entry. An episode starts at the first rejection after {@link #EPISODE_GAP_NANOS} without one. A failed
 * write keeps its count pending for the next flush, so the sum of counts equals the number of rejections.
 *
 * <p>A rejection only counts: the entry's record comes from the latest rejection's {@link Supplier}, called when an
 * entry is written (on the writer thread), so a flood costs a map update per rejection, not a record.
 */
final class RejectionCoalescer {
    private static final Logger LOG = LoggerFactory.getLogger(RejectionCoalescer.class);
    static final long EPISODE_GAP_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final long MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    record Key(OrgId org, String action, String target, Outcome outcome) {
        /** The key a record is counted under. */
        static Key of(AuditRecord r) {
            return new Key(r.org(), r.action(), r.target(), r.outcome());
        }
    }

    private static final class Episode {
        long pending;
        long lastRejection;
        long lastWrite;
        boolean writing;
        Supplier<AuditRecord> template;

        Episode(Supplier<AuditRecord> template) {
            this.template = template;
        }
    }

    private final Map<Key, Episode> episodes = new ConcurrentHashMap<>();
    private final Ticker ticker;
    private final Executor writer;
    private final Consumer<AuditRecord> sink;

    RejectionCoalescer(Ticker ticker, Executor writer, Consumer<AuditRecord> sink) {
        this.ticker = ticker;
        this.writer = writer;
        this.sink = sink;
    }

    void reject(AuditRecord record) {
        reject(Key.of(record), () -> record);
    }

    /** Counts one rejection under {@code key}; {@code record} builds its entry (count replaced) if one is written. */
    void reject(Key key, Supplier<AuditRecord> record) {
        long now = ticker.read();
        boolean[] writeNow = {false};
        episodes.compute(key, (k, e) -> {
            if (e == null) {
                e = new Episode(record);
                writeNow[0] = true;
            } else if (now - e.lastRejection >= EPISODE_GAP_NANOS) {
                writeNow[0] = !e.writing;
            }
            e.template = record;
            e.lastRejection = now;
            e.pending++;
            return e;
        });
        if (writeNow[0]) {
            writer.execute(() -> flushKey(key, true));
        }
    }

    /** Writes every key whose last entry is at least a second old (or all of them when {@code force}). */
    void flush(boolean force) {
        List<Key> keys = new ArrayList<>(episodes.keySet());
        for (Key k : keys) {
            flushKey(k, force);
        }
    }

    private void flushKey(Key key, boolean force) {
        long now = ticker.read();
        long[] take = {0};
        @SuppressWarnings("unchecked")
        Supplier<AuditRecord>[] template = new Supplier[1];
        episodes.computeIfPresent(key, (k, e) -> {
            if (e.writing) {
                return e;
            }
            if (e.pending > 0 && (force || now - e.lastWrite >= MIN_INTERVAL_NANOS)) {
                take[0] = e.pending;
                template[0] = e.template;
                e.pending = 0;
                e.lastWrite = now;
                e.writing = true;
                return e;
            }
            // Forget idle episodes so the map stays bounded by the keys rejected in the last minute.
            return e.pending == 0 && now - e.lastRejection >= EPISODE_GAP_NANOS ? null : e;
        });
        if (take[0] == 0) {
            return;
        }
        AuditRecord entry;
        try {
            entry = template[0].get();
            if (!Key.of(entry).equals(key)) {
                throw new IllegalStateException("the supplied record does not match its rejection key");
            }
        } catch (RuntimeException ex) {
            // Building it again cannot help: drop these rejections' entry (a programming error of the caller).
            LOG.warn("coalesced audit entry ({} {} {}) of {} rejections cannot be built: {}", key.action(), key.outcome(),
                    key.org(), take[0], ex.toString());
            episodes.computeIfPresent(key, (k, e) -> {
                e.writing = false;
                return e;
            });
            return;
        }
        boolean written = false;
        try {
            sink.accept(entry.withCount(take[0]));
            written = true;
        } catch (RuntimeException ex) {
            LOG.warn("coalesced audit entry ({} {} {}) not written yet, will retry: {}", key.action(), key.outcome(), key.org(),
                    ex.toString());
        } finally {
            boolean ok = written;
            episodes.compute(key, (k, e) -> {
                if (e == null) {
                    e = new Episode(template[0]);
                    e.lastRejection = now;
                }
                e.writing = false;
                if (!ok) {
                    e.pending += take[0];
                }
                return e;
            });
        }
    }

    int size() {
        return episodes.size();
    }
}
