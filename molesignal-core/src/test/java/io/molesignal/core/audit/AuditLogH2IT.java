package io.molesignal.core.audit;

import io.molesignal.core.testing.AuditLogContract;
import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class AuditLogH2IT extends AuditLogContract {
    @Override
    protected TestDb openDatabase(String name) {
        return TestDatabases.h2(name);
    }

    @Override
    protected AuditStore store() {
        return new JdbcAuditStore();
    }
}
