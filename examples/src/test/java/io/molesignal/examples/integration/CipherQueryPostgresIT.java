package io.molesignal.examples.integration;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class CipherQueryPostgresIT extends CipherQueryContract {
    @Override
    TestDb open(String name) {
        return TestDatabases.postgres(name);
    }
}
