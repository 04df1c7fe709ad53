package io.molesignal.core.quota;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class QuotaGovernorH2IT extends QuotaGovernorContract {
    @Override
    protected TestDb openDatabase(String name) {
        return TestDatabases.h2(name);
    }
}
