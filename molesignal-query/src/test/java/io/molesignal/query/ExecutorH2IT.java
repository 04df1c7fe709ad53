package io.molesignal.query;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class ExecutorH2IT extends ExecutorContract {
    private static TestDb db;

    @BeforeAll
    static void setUp() {
        db = TestDatabases.h2("executor");
        seed(db);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Override
    protected TestDb db() {
        return db;
    }

    @Override
    protected TargetDialect dialect() {
        return TargetDialect.H2;
    }
}
