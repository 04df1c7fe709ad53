package io.molesignal.examples.integration;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class LoghubIngestH2IT extends LoghubIngestContract {
    @Override
    TestDb open(String name) {
        return TestDatabases.h2(name);
    }
}
