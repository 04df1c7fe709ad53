package io.molesignal.crypto;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class FieldCipherPostgresIT extends FieldCipherContract {
    @Override
    protected TestDb openDatabase(String name) {
        return TestDatabases.postgres(name);
    }
}
