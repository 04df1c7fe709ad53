package io.molesignal.examples.integration;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class CipherQueryH2IT extends CipherQueryContract {
    @Override
    TestDb open(String name) {
        return TestDatabases.h2(name);
    }
}
