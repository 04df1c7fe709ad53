package io.molesignal.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.db.RowLevelSecurity;
import io.molesignal.core.db.TenantSession;
import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

/** On PostgreSQL: COPY without the RLS wall (the contract), and JDBC batches as the tenant role with the wall. */
class IngestPipelinePostgresIT extends IngestPipelineContract {
    @Override
    TestDb open(String name) {
        return TestDatabases.postgres(name);
    }

    @Override
    String attributesType() {
        return "TEXT";
    }

    @Nested
    class UnderTheRowLevelSecurityWall extends IngestPipelineContract {
        @Override
        TestDb open(String name) {
            return TestDatabases.postgres(name);
        }

        @Override
        String attributesType() {
            return "TEXT";
        }

        @Override
        TenantSession session() {
            RowLevelSecurity rls = RowLevelSecurity.defaults();
            rls.apply(db.database(), List.of(LOGS.tenantTable()));
            return TenantSession.builder(db.database()).rowLevelSecurity(rls).build();
        }

        @Test
        void rowsLandUnderTheWallWithTheCallersOrg() {
            IngestPipeline p = pipeline(null);
            p.ingest(EDITOR, LOGS, "web", utf8("[{\"message\":\"a\",\"org_id\":\"beta\"}]"),
                    IngestPipeline.Format.JSON_ARRAY);
            Principal beta = new Principal(OrgId.of("beta"), "u", Role.EDITOR, CredentialKind.JWT, "j",
                    java.util.Set.of());
            p.ingest(beta, LOGS, "web", utf8("[{\"message\":\"b\"}]"), IngestPipeline.Format.JSON_ARRAY);
            assertThat(db.queryLong("SELECT COUNT(*) FROM logs WHERE org_id = 'acme' AND message = 'a'")).isEqualTo(1);
            assertThat(db.queryLong("SELECT COUNT(*) FROM logs WHERE org_id = 'beta' AND message = 'b'")).isEqualTo(1);
        }
    }
}
