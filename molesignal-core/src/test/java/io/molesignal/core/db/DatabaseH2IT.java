package io.molesignal.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class DatabaseH2IT {

    @Test
    void detectsTheDialectAndRunsModuleMigrationsWithTheirOwnHistoryTable() {
        try (TestDb db = TestDatabases.h2("dialect")) {
            assertThat(db.dialect()).isEqualTo(Dialect.H2);
            db.database().migrate("core");
            db.database().migrate("core");
            assertThat(db.queryLong("SELECT COUNT(*) FROM \"molesignal_core_schema_history\" WHERE \"success\""))
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aClosedDataSourceGivesUnavailableAndWritesNothing() {
        try (TestDb db = TestDatabases.h2("closed")) {
            db.database().migrate("core");
            AuditLog log = AuditLog.builder(db.database()).build();
            ((HikariDataSource) db.dataSource()).close();
            AuditContext ctx = new AuditContext(Actor.system("test"), null, null);
            assertThatThrownBy(() -> log.record(AuditRecord.builder(OrgId.of("acme"), "user.create", ctx).build()))
                    .isInstanceOf(MoleSignalException.class)
                    .hasMessageNotContaining("jdbc:")
                    .extracting(e -> ((MoleSignalException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
            log.close();
        }
    }

    @Test
    void onH2TheTenantSessionIsAPlainTransactionAndRollsBackOnFailure() {
        try (TestDb db = TestDatabases.h2("session")) {
            db.exec("CREATE TABLE t (org_id VARCHAR(64), v INT)");
            TenantSession s = TenantSession.builder(db.database()).rowLevelSecurity(RowLevelSecurity.defaults())
                    .build();
            assertThat(s.rowLevelSecurityActive()).isFalse();
            assertThatThrownBy(() -> s.run(OrgId.of("acme"), tx -> {
                try (var st = tx.connection().createStatement()) {
                    st.executeUpdate("INSERT INTO t VALUES ('acme', 1)");
                }
                throw new MoleSignalException(ErrorCode.CONFLICT, "boom");
            })).isInstanceOf(MoleSignalException.class);
            assertThat(db.queryLong("SELECT COUNT(*) FROM t")).isZero();
            List<Integer> after = s.run(OrgId.of("acme"), tx -> {
                tx.afterCommit(() -> { });
                return List.of(1);
            });
            assertThat(after).containsExactly(1);
        }
    }
}
