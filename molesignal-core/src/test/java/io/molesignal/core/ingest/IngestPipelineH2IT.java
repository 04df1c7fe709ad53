package io.molesignal.core.ingest;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

class IngestPipelineH2IT extends IngestPipelineContract {
    @Override
    TestDb open(String name) {
        return TestDatabases.h2(name);
    }

    @Override
    String attributesType() {
        return "VARCHAR(1048576)";
    }
}
