package io.molesignal.core.vrl;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class StreamFunctionsH2IT extends StreamFunctionsContract {
    @Override
    protected TestDb openDatabase(String name) {
        return TestDatabases.h2(name);
    }

    @Override
    protected VrlProgramStore store() {
        return new JdbcVrlProgramStore();
    }
}
