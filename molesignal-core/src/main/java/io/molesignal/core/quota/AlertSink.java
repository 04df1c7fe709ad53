package io.molesignal.core.quota;

/**
 * Receives the {@link QuotaAlert}s of a {@link QuotaGovernor} (SPI; the host forwards them to its paging or chat
 * system).
 *
 * <p>Called asynchronously on the governor's alert thread, never on a thread that makes a quota decision: a sink
 * that throws is logged and skipped; a sink that hangs only delays later alerts, which queue up to a bound and are
 * then dropped (and counted in {@link QuotaMetrics#alertsDropped()}). Implementations need not be thread-safe with
 * respect to themselves (one thread calls them).
 */
@FunctionalInterface
public interface AlertSink {
    /** Handles one alert. */
    void alert(QuotaAlert alert);

    /** The default sink: one WARN line per alert on the logger {@code io.molesignal.core.quota.alerts}. */
    static AlertSink logging() {
        return LoggingAlertSink.INSTANCE;
    }
}

enum LoggingAlertSink implements AlertSink {
    INSTANCE;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.molesignal.core.quota.alerts");

    @Override
    public void alert(QuotaAlert a) {
        LOG.warn("quota alert {} org={} quota={} used={} limit={}", a.type(), a.org(), a.quota(), a.used(), a.limit());
    }
}
