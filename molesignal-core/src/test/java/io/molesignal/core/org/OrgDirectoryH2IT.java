package io.molesignal.core.org;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class OrgDirectoryH2IT extends OrgDirectoryContract {
    @Override
    TestDb open(String name) {
        return TestDatabases.h2(name);
    }
}
