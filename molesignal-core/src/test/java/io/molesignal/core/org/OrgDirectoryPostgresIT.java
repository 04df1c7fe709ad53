package io.molesignal.core.org;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.CursorCodec;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.db.Database;
import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class OrgDirectoryPostgresIT extends OrgDirectoryContract {
    @Override
    TestDb open(String name) {
        return TestDatabases.postgres(name);
    }

    @Test
    void twoInstancesStartingAtOnceOnAFreshSchemaEndWithOneMetaOrgAndOneCursorKey() throws Exception {
        try (TestDb fresh = TestDatabases.postgres("twostarts");
             HikariDataSource a = TestDatabases.pool(fresh.schema(), 4);
             HikariDataSource b = TestDatabases.pool(fresh.schema(), 4)) {
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<CursorCodec>> fs = new ArrayList<>();
            for (HikariDataSource ds : List.of(a, b)) {
                fs.add(pool.submit(() -> {
                    go.await();
                    Database d = Database.of(ds);
                    d.migrate("core");
                    AuditLog log = AuditLog.builder(d).build();
                    CursorCodec c = CursorCodec.load(d, null, new java.security.SecureRandom(), clock);
                    OrgDirectory.builder(d, log, c).build();
                    log.close();
                    return c;
                }));
            }
            go.countDown();
            CursorCodec ca = fs.get(0).get(2, TimeUnit.MINUTES);
            CursorCodec cb = fs.get(1).get(2, TimeUnit.MINUTES);
            pool.shutdown();
            assertThat(fresh.queryLong("SELECT COUNT(*) FROM ms_org")).isEqualTo(1);
            assertThat(fresh.queryLong("SELECT COUNT(*) FROM ms_secret WHERE name = 'cursor'")).isEqualTo(1);
            // Both instances hold the same cursor key: a cursor from one works on the other.
            String cur = ca.encode(io.molesignal.core.OrgId.of("acme"), "audit", "42");
            assertThat(cb.decode(io.molesignal.core.OrgId.of("acme"), "audit", cur)).isEqualTo("42");
        }
    }
}
