package io.molesignal.core.vrl;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class StreamFunctionsPostgresIT extends StreamFunctionsContract {
    @Override
    protected TestDb openDatabase(String name) {
        return TestDatabases.postgres(name);
    }

    @Override
    protected VrlProgramStore store() {
        return new JdbcVrlProgramStore();
    }
}
