package io.molesignal.core.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.internal.quota.Gcra;
import io.molesignal.core.internal.quota.RateParams;
import io.molesignal.core.testing.FakeTicker;

/** The GCRA bucket on a fake ticker: exact admission counts, clock jumps, live parameter changes, extremes. */
class GcraTest {
    private final FakeTicker ticker = new FakeTicker();
    private final Gcra bucket = new Gcra();

    private boolean take(RateParams p, long cost) {
        return bucket.tryAcquire(ticker, p, QuotaKind.INGEST, cost).allowed();
    }

    private int drain(RateParams p) {
        int n = 0;
        while (take(p, 1)) {
            n++;
        }
        return n;
    }

    @Test
    void thousandConcurrentCallsAtHundredPerSecondBurstHundredAdmitExactlyHundred() throws Exception {
        RateParams p = new RateParams(100, 100);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admitted = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            fs.add(pool.submit(() -> {
                start.await();
                if (take(p, 1)) {
                    admitted.incrementAndGet();
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) {
            f.get(1, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(admitted).hasValue(100);
    }

    /**
     * Four threads on the system ticker, each passing a reading taken a random while before the decision (as the
     * governor passes the one it took before the org lookup): a reading that another thread's commit has overtaken
     * must not be taken for a backwards clock (which would clamp the bucket at an older time and mint tokens).
     */
    @Test
    void racingThreadsWithStaleReadingsNeverAdmitMoreThanRateTimesTimePlusBurst() throws Exception {
        RateParams p = new RateParams(200_000, 1_000);
        io.molesignal.core.Ticker system = io.molesignal.core.Ticker.system();
        Gcra b = new Gcra();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        long t0 = system.read();
        long end = t0 + TimeUnit.MILLISECONDS.toNanos(300);
        List<Future<Long>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit(() -> {
                start.await();
                java.util.SplittableRandom rnd = new java.util.SplittableRandom();
                long admitted = 0;
                long now;
                while ((now = system.read()) - end < 0) {
                    for (int spin = rnd.nextInt(200); spin > 0; spin--) {
                        Thread.onSpinWait();
                    }
                    if (b.acquire(system, p, 1, now) > 0) {
                        admitted++;
                    }
                }
                return admitted;
            }));
        }
        start.countDown();
        long admitted = 0;
        for (Future<Long> f : fs) {
            admitted += f.get(1, TimeUnit.MINUTES);
        }
        long elapsed = system.read() - t0;
        pool.shutdown();
        long bound = elapsed * p.rate() / 1_000_000_000L + p.burst();
        assertThat(admitted).isEqualTo(b.admitted()).isLessThanOrEqualTo(bound)
                // and the bucket was really exercised: most of the rate was admitted
                .isGreaterThan(bound / 2);
    }

    @Test
    void overTenSecondsOfFakeTimeAdmittedIsRateTimesTimePlusBurstExactly() {
        assertThat(admittedOverTenSeconds(new RateParams(100, 100))).isEqualTo(100 * 10 + 100);
        // Rates that do not divide 10^9 ns: no drift either.
        assertThat(admittedOverTenSeconds(new RateParams(3, 7))).isEqualTo(3 * 10 + 7);
        assertThat(admittedOverTenSeconds(new RateParams(7, 3))).isEqualTo(7 * 10 + 3);
        assertThat(admittedOverTenSeconds(new RateParams(333, 50))).isEqualTo(333 * 10 + 50);
    }

    private long admittedOverTenSeconds(RateParams p) {
        Gcra b = new Gcra();
        long admitted = 0;
        for (int ms = 0; ms <= 10_000; ms++) {
            while (b.tryAcquire(ticker, p, QuotaKind.QUERY, 1).allowed()) {
                admitted++;
            }
            if (ms < 10_000) {
                ticker.advance(Duration.ofMillis(1));
            }
        }
        return admitted;
    }

    @Test
    void aTickerStandingStillMintsNothing() {
        RateParams p = new RateParams(100, 100);
        assertThat(drain(p)).isEqualTo(100);
        for (int i = 0; i < 10_000; i++) {
            assertThat(take(p, 1)).isFalse();
        }
    }

    @Test
    void aTickerJumpingBackAnHourAdmitsNothingExtraAndForwardAtMostTheBurst() {
        RateParams p = new RateParams(100, 100);
        assertThat(drain(p)).isEqualTo(100);
        ticker.advance(Duration.ofHours(-1));
        assertThat(drain(p)).isZero();
        // After the jump the bucket refills at the rate from the new reading: no lock-out for an hour.
        ticker.advance(Duration.ofMillis(100));
        assertThat(drain(p)).isEqualTo(10);
        // Forwards two hours: at most the burst. Then back an hour: nothing extra.
        ticker.advance(Duration.ofHours(2));
        assertThat(drain(p)).isEqualTo(100);
        ticker.advance(Duration.ofHours(-1));
        assertThat(drain(p)).isZero();
        ticker.advance(Duration.ofHours(5));
        assertThat(drain(p)).isEqualTo(100);
    }

    @Test
    void aRefusalCarriesExactRetryAfterAndHeaders() {
        RateParams p = new RateParams(100, 100);
        RateDecision first = bucket.tryAcquire(ticker, p, QuotaKind.INGEST, 40);
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(60);
        assertThat(first.reset()).isEqualTo(Duration.ofMillis(400));
        assertThat(first.rateLimitPolicy()).contains("\"ingest\";q=100;w=1");
        assertThat(first.rateLimit()).contains("\"ingest\";r=60;t=1");
        assertThat(first.retryAfterHeader()).isEmpty();
        assertThat(take(p, 60)).isTrue();
        RateDecision no = bucket.tryAcquire(ticker, p, QuotaKind.INGEST, 5);
        assertThat(no.allowed()).isFalse();
        assertThat(no.code()).isEqualTo(ErrorCode.QUOTA_INGEST_RATE);
        assertThat(no.httpStatus()).isEqualTo(429);
        assertThat(no.retryAfter()).contains(Duration.ofMillis(50));
        assertThat(no.retryAfterHeader()).contains("1");
        List<String> headers = new ArrayList<>();
        no.writeHeaders((k, v) -> headers.add(k + ": " + v));
        assertThat(headers).containsExactly("RateLimit-Policy: \"ingest\";q=100;w=1",
                "RateLimit: \"ingest\";r=0;t=1", "Retry-After: 1");
        ticker.advance(Duration.ofMillis(49));
        assertThat(take(p, 5)).isFalse();
        ticker.advance(Duration.ofMillis(1));
        assertThat(take(p, 5)).isTrue();
    }

    @Test
    void aCostAboveTheBurstIsA413WithoutRetryAfterAndTakesNothing() {
        RateParams p = new RateParams(10, 20);
        RateDecision d = bucket.tryAcquire(ticker, p, QuotaKind.INGEST, 21);
        assertThat(d.allowed()).isFalse();
        assertThat(d.code()).isEqualTo(ErrorCode.QUOTA_INGEST_BATCH);
        assertThat(d.httpStatus()).isEqualTo(413);
        assertThat(d.retryAfter()).isEmpty();
        assertThat(d.retryAfterHeader()).isEmpty();
        assertThat(take(p, 20)).isTrue();
    }

    @Test
    void aLoweredLimitAppliesOnTheNextCallWithoutStaleCreditAndARaisedOneAtOnce() {
        RateParams fast = new RateParams(1000, 2000);
        RateParams slow = new RateParams(10, 20);
        assertThat(take(fast, 5)).isTrue();
        // Lowered: the 5 tokens of debt carry over; at most the new burst is available, then the new rate.
        assertThat(drain(slow)).isEqualTo(15);
        ticker.advance(Duration.ofMillis(100));
        assertThat(drain(slow)).isEqualTo(1);
        // Raised: the debt of 20 tokens carries over, the extra room is there at once.
        assertThat(drain(fast)).isEqualTo(1980);
        ticker.advance(Duration.ofSeconds(3));
        assertThat(drain(fast)).isEqualTo(2000);
        // Lowered far below the debt: nothing, and the new rate applies from now (no lock-out, no credit).
        ticker.advance(Duration.ofSeconds(3));
        assertThat(take(fast, 1500)).isTrue();
        assertThat(drain(slow)).isZero();
        ticker.advance(Duration.ofMillis(100));
        assertThat(drain(slow)).isEqualTo(1);
    }

    @Test
    void parametersOlderThanTheBucketsAreRefusedAsStaleAndTakeNothing() {
        RateParams old = new RateParams(1000, 1000, 1);
        RateParams lowered = new RateParams(10, 10, 2);
        assertThat(bucket.acquire(ticker, lowered, 10, ticker.read())).isPositive();
        // A caller still holding the old generation: nothing taken, told to re-read the limits.
        assertThat(bucket.acquire(ticker, old, 500, ticker.read())).isEqualTo(Gcra.STALE);
        RateDecision d = bucket.tryAcquire(ticker, old, QuotaKind.INGEST, 500);
        assertThat(d.allowed()).isFalse();
        assertThat(d.code()).isEqualTo(ErrorCode.QUOTA_INGEST_RATE);
        assertThat(bucket.admitted()).isEqualTo(1);
        // The same generation (or a newer one) switches as before.
        assertThat(take(lowered, 1)).isFalse();
        ticker.advance(Duration.ofMillis(100));
        assertThat(take(new RateParams(10, 10, 3), 1)).isTrue();
    }

    @Test
    void extremeRatesCostsAndTickerValuesDoNotOverflow() {
        RateParams max = new RateParams(QuotaLimits.MAX_RATE, QuotaLimits.MAX_BURST);
        ticker.set(Long.MAX_VALUE - 500_000_000L);
        assertThat(take(max, QuotaLimits.MAX_BURST)).isTrue();
        assertThat(take(max, 1)).isFalse();
        // The ticker wraps past Long.MAX_VALUE (as System.nanoTime may): one second refills the bucket exactly.
        ticker.advance(Duration.ofSeconds(1));
        assertThat(take(max, QuotaLimits.MAX_BURST)).isTrue();
        assertThat(take(max, 1)).isFalse();
        ticker.advance(Duration.ofNanos(1));
        assertThat(take(max, 1)).isTrue();

        RateParams slowest = new RateParams(1, QuotaLimits.MAX_BURST);
        Gcra b = new Gcra();
        ticker.set(Long.MIN_VALUE + 5);
        assertThat(b.tryAcquire(ticker, slowest, QuotaKind.INGEST, QuotaLimits.MAX_BURST).allowed()).isTrue();
        RateDecision no = b.tryAcquire(ticker, slowest, QuotaKind.INGEST, QuotaLimits.MAX_BURST);
        assertThat(no.allowed()).isFalse();
        assertThat(no.retryAfter()).contains(Duration.ofSeconds(QuotaLimits.MAX_BURST));
        assertThat(no.remaining()).isZero();
    }

    @Test
    void limitsValidateAndDefaultTheBurstToTwiceTheRate() {
        assertThat(QuotaLimits.DEFAULTS.ingestBurst()).isEqualTo(20_000L);
        QuotaLimits l = QuotaLimits.builder().ingestQps(500L).queryQps(null).storageBytes(10L).build();
        assertThat(l.ingestBurst()).isEqualTo(1000L);
        assertThat(l.queryBurst()).isNull();
        for (Runnable bad : List.<Runnable>of(
                () -> QuotaLimits.builder().ingestQps(0L).build(),
                () -> QuotaLimits.builder().ingestQps(QuotaLimits.MAX_RATE + 1).build(),
                () -> QuotaLimits.builder().ingestBurst(0L).build(),
                () -> QuotaLimits.builder().queryQps(null).queryBurst(5L).build(),
                () -> QuotaLimits.builder().storageBytes(-1L).build(),
                () -> QuotaLimits.builder().retentionDays(0).build())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(bad::run)
                    .isInstanceOf(io.molesignal.core.MoleSignalException.class)
                    .extracting(e -> ((io.molesignal.core.MoleSignalException) e).code())
                    .isEqualTo(ErrorCode.INVALID_INPUT);
        }
    }
}
