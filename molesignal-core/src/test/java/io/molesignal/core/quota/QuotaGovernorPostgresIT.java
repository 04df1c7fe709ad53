package io.molesignal.core.quota;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class QuotaGovernorPostgresIT extends QuotaGovernorContract {
    @Override
    protected TestDb openDatabase(String name) {
        return TestDatabases.postgres(name);
    }
}
