package io.molesignal.examples.server;

import java.util.List;

import io.molesignal.core.ingest.ValueType;
import io.molesignal.core.ingest.IngestTable;

/** The example server's event tables and how event fields map onto them (API.md, "Streams, tables and fields"). */
public final class ExampleTables {
    private ExampleTables() {
    }

    public static final IngestTable LOGS = IngestTable.builder("logs")
            .column("level", ValueType.STRING, "level", "severity")
            .column("service", ValueType.STRING, "service", "service.name")
            .column("message", ValueType.STRING, "message", "msg", "log")
            .column("trace_id", ValueType.STRING)
            .column("span_id", ValueType.STRING)
            .build();

    public static final IngestTable SPANS = IngestTable.builder("spans")
            .column("trace_id", ValueType.STRING)
            .column("span_id", ValueType.STRING)
            .column("parent_id", ValueType.STRING)
            .column("service", ValueType.STRING, "service", "service.name")
            .column("name", ValueType.STRING)
            .column("duration_ms", ValueType.LONG)
            .build();

    public static final IngestTable METRICS = IngestTable.builder("metrics")
            .column("name", ValueType.STRING)
            .column("value", ValueType.DOUBLE)
            .build();

    /** The three event tables. */
    public static final List<IngestTable> ALL = List.of(LOGS, SPANS, METRICS);
}
