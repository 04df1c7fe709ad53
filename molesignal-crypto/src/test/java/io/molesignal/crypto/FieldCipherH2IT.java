package io.molesignal.crypto;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class FieldCipherH2IT extends FieldCipherContract {
    @Override
    protected TestDb openDatabase(String name) {
        return TestDatabases.h2(name);
    }
}
