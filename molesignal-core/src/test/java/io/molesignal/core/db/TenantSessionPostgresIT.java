package io.molesignal.core.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

/** The generated RLS policies and the tenant session hold work to one org inside PostgreSQL itself. */
class TenantSessionPostgresIT {
    static final OrgId A = OrgId.of("acme");
    static final OrgId B = OrgId.of("beta");
    TestDb db;
    TenantSession session;

    @BeforeEach
    void setUp() {
        db = TestDatabases.postgres("tenantsession");
        db.exec("CREATE TABLE events (org_id VARCHAR(64) NOT NULL, v INTEGER NOT NULL)");
        db.exec("INSERT INTO events VALUES ('acme', 1), ('acme', 2), ('beta', 3), ('Acme', 4), ('acme ', 5)");
        RowLevelSecurity rls = RowLevelSecurity.defaults();
        rls.apply(db.database(), List.of(new TenantTable("events", "org_id")));
        session = TenantSession.builder(db.database()).rowLevelSecurity(rls).build();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private long sum(Tx tx) throws java.sql.SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("SELECT COALESCE(SUM(v), 0) FROM events");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void tenantWorkSeesOnlyItsOrgsRowsWithoutAnyPredicate() {
        assertThat(session.rowLevelSecurityActive()).isTrue();
        assertThat(session.run(A, this::sum)).isEqualTo(3);
        assertThat(session.run(B, this::sum)).isEqualTo(3);
        assertThat(session.run(OrgId.of("nobody"), this::sum)).isZero();
        // The role and the setting end with the transaction: the owner sees everything again.
        assertThat(db.queryLong("SELECT SUM(v) FROM events")).isEqualTo(15);
    }

    @Test
    void tenantWorkCannotWriteOrDeleteAnotherOrgsRows() {
        assertThatThrownBy(() -> session.run(A, tx -> {
            try (var st = tx.connection().createStatement()) {
                return st.executeUpdate("INSERT INTO events VALUES ('beta', 100)");
            }
        })).isInstanceOf(MoleSignalException.class);
        int deleted = session.run(A, tx -> {
            try (var st = tx.connection().createStatement()) {
                return st.executeUpdate("DELETE FROM events WHERE org_id = 'beta'");
            }
        });
        assertThat(deleted).isZero();
        assertThat(db.queryLong("SELECT COUNT(*) FROM events WHERE org_id = 'beta'")).isEqualTo(1);
    }

    @Test
    void theSessionCannotEscapeItsRoleOrSetting() {
        // A statement inside tenant work that tries to reset the role or the org setting cannot see more rows:
        // RESET ROLE is refused after SET LOCAL ROLE to a role that is not a member of the session user.
        long seen = session.run(A, tx -> {
            try (var st = tx.connection().createStatement()) {
                st.execute("SELECT set_config('molesignal.org_id', 'beta', true)");
            }
            return sum(tx);
        });
        assertThat(seen).isEqualTo(3); // beta's own rows (3), never acme's and beta's together
        assertThatThrownBy(() -> session.run(A, tx -> {
            try (var st = tx.connection().createStatement()) {
                st.execute("ALTER TABLE events DISABLE ROW LEVEL SECURITY");
            }
            return null;
        })).isInstanceOf(MoleSignalException.class);
    }

    @Test
    void theDdlIsIdempotentAndQuotesIdentifiers() {
        RowLevelSecurity rls = RowLevelSecurity.defaults();
        rls.apply(db.database(), List.of(new TenantTable("events", "org_id")));
        assertThat(rls.policyDdl(new TenantTable("events", "org_id")))
                .anyMatch(s -> s.contains("FORCE ROW LEVEL SECURITY"))
                .anyMatch(s -> s.contains("current_setting('molesignal.org_id', true)"));
        assertThatThrownBy(() -> new TenantTable("events; DROP TABLE x", "org_id"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RowLevelSecurity("molesignal_tenant", "x'; --"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
