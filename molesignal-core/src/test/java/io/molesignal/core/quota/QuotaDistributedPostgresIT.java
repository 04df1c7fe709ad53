package io.molesignal.core.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.db.Database;
import io.molesignal.core.testing.TestDatabases;

class QuotaDistributedPostgresIT extends DistributedQuotaContract {
    @Override
    protected RateStore newStore(Database database) {
        return PostgresRateStore.create(database);
    }

    @Override
    protected void requireStore() {
        TestDatabases.requirePostgres();
    }

    @Test
    void anUnreachableStoreFallsBackToTheLocalShareAndAlerts() throws Exception {
        HikariDataSource storePool = TestDatabases.pool(db.schema(), 2);
        Instance a = new Instance(PostgresRateStore.create(Database.of(storePool)), false);
        HikariDataSource openPool = TestDatabases.pool(db.schema(), 2);
        Instance open = new Instance(PostgresRateStore.create(Database.of(openPool)), true);
        try {
            a.governor.updateLimits(ROOT, CTX, ACME, QuotaLimits.builder().ingestQps(RATE).ingestBurst(BURST).build());
            open.governor.refreshLimits();
            storePool.close();
            openPool.close();
            long admitted = 0;
            for (int i = 0; i < 500; i++) {
                admitted += a.governor.tryAcquireIngest(EDITOR, 1).allowed() ? 1 : 0;
            }
            // The local share: burst / N at once, fake time standing still.
            assertThat(admitted).isEqualTo(BURST / N);
            assertThat(a.governor.metrics().storeDegraded()).isTrue();
            assertThat(a.governor.metrics().storeErrors()).isGreaterThanOrEqualTo(1);
            a.sink.await(QuotaAlert.Type.STORE_UNREACHABLE, 1);
            assertThat(a.sink.count(QuotaAlert.Type.STORE_UNREACHABLE)).isEqualTo(1);
            // Failing open is an explicit, insecure choice.
            for (int i = 0; i < 500; i++) {
                assertThat(open.governor.tryAcquireIngest(EDITOR, 1).allowed()).isTrue();
            }
            assertThat(open.governor.metrics().storeDegraded()).isTrue();
        } finally {
            a.close();
            open.close();
        }
    }

    @Test
    void theStoreRefusesH2() {
        try (var h2 = TestDatabases.h2("pgstore")) {
            assertThatThrownBy(() -> PostgresRateStore.create(h2.database()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
