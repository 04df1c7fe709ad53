package io.molesignal.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.db.Database;
import io.molesignal.core.testing.AuditLogContract;
import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class AuditLogPostgresIT extends AuditLogContract {
    @Override
    protected TestDb openDatabase(String name) {
        return TestDatabases.postgres(name);
    }

    @Override
    protected AuditStore store() {
        return new JdbcAuditStore();
    }

    @Test
    void twoPoolsOnOnePostgresKeepOneValidChain() throws Exception {
        try (HikariDataSource second = TestDatabases.pool(db.schema(), 8);
             AuditLog other = AuditLog.builder(Database.of(second)).clock(clock).ticker(ticker).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                AuditLog target = t % 2 == 0 ? log : other;
                int id = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        target.record(rec(ACME, "user.update", "i" + id + "-" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            assertThat(log.verify(ACME)).isEqualTo(new VerifyResult(true, 2000, 2000, 0));
            assertThat(other.verify(ACME).ok()).isTrue();
        }
    }
}
