package io.molesignal.query;

import java.util.List;
import org.junit.jupiter.api.Test;
import static io.molesignal.query.ColumnType.*;

class ScratchTest {
    @Test
    void show() throws Exception {
        TenantCatalog cat = TenantCatalog.builder().tenantTable("logs", "org_id", List.of(new TenantCatalog.Column("org_id", STRING),
            new TenantCatalog.Column("ts", TIMESTAMP), new TenantCatalog.Column("level", STRING), new TenantCatalog.Column("service", STRING),
            new TenantCatalog.Column("message", STRING), new TenantCatalog.Column("attributes", STRING))).build();
        TenantQueryPlanner p = TenantQueryPlanner.builder().catalog(cat).dialect(TargetDialect.POSTGRESQL).build();
        java.time.Instant d = java.time.Instant.parse("2026-11-20T00:00:00Z");
        for (Object[] q : new Object[][] {{"SELECT level, count(*) FROM logs WHERE ts >= ? AND ts < ? GROUP BY level", List.of(d, d.plusSeconds(86400))},
                {"SELECT ts, message FROM logs WHERE message LIKE '%error%' ORDER BY ts DESC LIMIT 100", List.of()},
                {"SELECT service, count(*) FROM logs GROUP BY service", List.of()}}) {
            PlannedQuery pq = p.plan(Fixture.principal(Fixture.ACME), (String) q[0], (List<?>) q[1]);
            System.out.println("SQL: " + pq.sql().replace('\n', ' '));
            System.out.println("BINDS: " + pq.bindValues() + " " + pq.bindValues().stream().map(o -> o.getClass().getSimpleName()).toList());
        }
    }
}
