package io.molesignal.core.internal.quota;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.core.quota.AlertSink;
import io.molesignal.core.quota.QuotaAlert;

/**
 * Delivers alerts to the {@link AlertSink} on one daemon thread through a bounded queue: {@link #offer} never
 * blocks, a full queue drops (and counts) the alert, a throwing sink is logged and skipped.
 */
public final class AlertDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);

    private final AlertSink sink;
    private final BlockingQueue<QuotaAlert> queue;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean closed;

    public AlertDispatcher(AlertSink sink, int capacity) {
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "molesignal-quota-alerts");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues an alert without blocking. */
    public void offer(QuotaAlert alert) {
        if (closed || !queue.offer(alert)) {
            dropped.incrementAndGet();
        }
    }

    public long dropped() {
        return dropped.get();
    }

    public long delivered() {
        return delivered.get();
    }

    private void run() {
        while (!closed || !queue.isEmpty()) {
            QuotaAlert a;
            try {
                a = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (a == null) {
                continue;
            }
            try {
                sink.alert(a);
                delivered.incrementAndGet();
            } catch (RuntimeException e) {
                LOG.warn("quota alert sink failed for {} ({}): {}", a.type(), a.quota(), e.getClass().getName());
            }
        }
    }

    /** Delivers what is queued (waiting up to 2 s for a slow sink), then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
