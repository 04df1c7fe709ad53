package io.molesignal.query;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import io.molesignal.query.internal.ShapeNormalizer;

import static org.assertj.core.api.Assertions.assertThat;

class ShapeNormalizerTest {
    @Test
    void liftsComparedLiteralsOnly() {
        ShapeNormalizer.Shape s = ShapeNormalizer.normalize(
                "SELECT 'x', json_value(a, '$.b') FROM logs WHERE level = 'it''s' AND size_bytes >= 10 "
                        + "AND ts > TIMESTAMP '2026-01-01 00:00:00' AND service IN ('a') AND message LIKE '%e%' "
                        + "AND name <> ? -- = 'comment'\n AND \"q\"\"=\" = X'ab' LIMIT 5");
        assertThat(s.text()).isEqualTo("SELECT 'x', json_value(a, '$.b') FROM logs WHERE level = ? AND size_bytes >= ? "
                + "AND ts > TIMESTAMP '2026-01-01 00:00:00' AND service IN ('a') AND message LIKE ? "
                + "AND name <> ? -- = 'comment'\n AND \"q\"\"=\" = X'ab' LIMIT 5");
        assertThat(s.sources()).containsExactly(new ShapeNormalizer.Literal("it's"),
                new ShapeNormalizer.Literal(new BigDecimal("10")), new ShapeNormalizer.Literal("%e%"), 0);
        assertThat(s.userParams()).isEqualTo(1);
    }

    @Test
    void statementsDifferingInLiteralsShareOnePlan() {
        TenantQueryPlanner p = TenantQueryPlanner.builder().catalog(Fixture.catalog())
                .dialect(TargetDialect.POSTGRESQL).build();
        PlannedQuery a = p.plan(Fixture.principal(Fixture.ACME), "SELECT count(*) FROM logs WHERE level = 'info'");
        PlannedQuery b = p.plan(Fixture.principal(Fixture.GLOBEX), "SELECT count(*) FROM logs WHERE level = 'warn'");
        assertThat(p.cacheStats().missCount()).isEqualTo(1);
        assertThat(p.cacheStats().hitCount()).isEqualTo(1);
        assertThat(a.sql()).isEqualTo(b.sql()).doesNotContain("info").doesNotContain("warn");
        assertThat(a.bindValues()).contains("info", "acme");
        assertThat(b.bindValues()).contains("warn", "globex");
        // a literal whose lifted type would differ keeps its exact-text plan: CAST semantics preserved
        PlannedQuery c = p.plan(Fixture.principal(Fixture.ACME), "SELECT count(*) FROM logs WHERE trace_id = 1001");
        assertThat(c.sql()).contains("1001");
        assertThat(c.bindValues()).containsOnly("acme");
    }
}
