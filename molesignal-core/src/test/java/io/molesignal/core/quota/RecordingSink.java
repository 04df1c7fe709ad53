package io.molesignal.core.quota;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An alert sink that keeps what it receives. */
final class RecordingSink implements AlertSink {
    final List<QuotaAlert> alerts = new CopyOnWriteArrayList<>();

    @Override
    public void alert(QuotaAlert alert) {
        alerts.add(alert);
    }

    long count(QuotaAlert.Type type) {
        return alerts.stream().filter(a -> a.type() == type).count();
    }

    /** Waits (up to 5 s) until at least {@code n} alerts of {@code type} arrived; delivery is asynchronous. */
    void await(QuotaAlert.Type type, long n) throws InterruptedException {
        for (int i = 0; i < 500 && count(type) < n; i++) {
            Thread.sleep(10);
        }
    }
}
