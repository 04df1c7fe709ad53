package io.molesignal.query;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

/** {@link TpchEquivalenceContract} on PostgreSQL: no rewrites beyond the contract's. */
class TpchEquivalencePostgresIT extends TpchEquivalenceContract {
    @Override
    protected TestDb newDb(String name) {
        return TestDatabases.postgres(name);
    }

    @Override
    protected TargetDialect dialect() {
        return TargetDialect.POSTGRESQL;
    }
}
