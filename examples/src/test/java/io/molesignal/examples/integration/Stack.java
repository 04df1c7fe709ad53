package io.molesignal.examples.integration;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import io.molesignal.core.CredentialKind;
import io.molesignal.core.CursorCodec;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.Dialect;
import io.molesignal.core.db.TenantSession;
import io.molesignal.core.ingest.IngestAdmission;
import io.molesignal.core.ingest.IngestPipeline;
import io.molesignal.core.vrl.StreamFunctions;
import io.molesignal.crypto.CipherRootKey;
import io.molesignal.crypto.FieldCipher;
import io.molesignal.examples.server.ExampleTables;
import io.molesignal.query.QueryExecutor;
import io.molesignal.query.TargetDialect;
import io.molesignal.query.TenantCatalog;
import io.molesignal.query.TenantQueryPlanner;

/** The library modules wired together over one database, as a host would (without HTTP). */
final class Stack implements AutoCloseable {
    final Database database;
    final AuditLog audit;
    final FieldCipher cipher;
    final StreamFunctions functions;
    final IngestPipeline pipeline;
    final TenantQueryPlanner planner;
    final QueryExecutor executor;

    Stack(Database database, CipherRootKey rootKey) {
        this.database = database;
        for (String m : List.of("core", "auth", "crypto")) {
            database.migrate(m);
        }
        database.migrate("example", "classpath:db/molesignal/example/common", "classpath:db/molesignal/example/{vendor}");
        Clock clock = Clock.systemUTC();
        audit = AuditLog.builder(database).sealer(rootKey.sealer()).build();
        CursorCodec cursors = CursorCodec.load(database, rootKey.sealer(), new SecureRandom(), clock);
        cipher = FieldCipher.builder(database, audit).rootKey(rootKey).cursorCodec(cursors).build();
        functions = StreamFunctions.builder(database, audit).cipher(cipher).build();
        pipeline = IngestPipeline.builder(TenantSession.builder(database).build(), IngestAdmission.unlimitedInsecure())
                .streamFunctions(functions, cipher).build();
        TenantCatalog catalog = TenantCatalog.fromJdbc(database.dataSource(),
                ExampleTables.ALL.stream().map(t -> t.tenantTable()).toList(), Set.of("severity_levels"));
        planner = TenantQueryPlanner.builder().catalog(catalog)
                .dialect(database.dialect() == Dialect.POSTGRESQL ? TargetDialect.POSTGRESQL : TargetDialect.H2).build();
        executor = QueryExecutor.builder().database(database).planner(planner).cipherFunctions(cipher).build();
    }

    static Principal admin(String org) {
        return new Principal(OrgId.of(org), "admin-" + org, Role.ADMIN, CredentialKind.JWT, "jti-" + org, Set.of());
    }

    static AuditContext ctx(Principal p) {
        return new AuditContext(Actor.of(p, p.subject()), null, null);
    }

    @Override
    public void close() {
        planner.close();
        functions.close();
        cipher.close();
        audit.close();
    }
}
