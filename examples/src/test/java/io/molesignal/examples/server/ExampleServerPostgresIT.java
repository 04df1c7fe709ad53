package io.molesignal.examples.server;

import org.junit.jupiter.api.AfterEach;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class ExampleServerPostgresIT extends ExampleServerContract {
    TestDb db;

    @Override
    ServerConfig config(ServerConfig base) {
        db = TestDatabases.postgres("server");
        return base.withDatabase(TestDatabases.postgresUrl() + "?currentSchema=" + db.schema(),
                TestDatabases.postgresUser(), "");
    }

    @AfterEach
    void dropSchema() {
        if (db != null) {
            db.close();
        }
    }
}
