package io.molesignal.examples.server;

import java.util.List;

import io.molesignal.core.ingest.ColumnType;
import io.molesignal.core.ingest.EventTable;

/** The example server's event tables and how event fields map onto them (API.md, "Streams, tables and fields"). */
public final class ExampleTables {
    private ExampleTables() {
    }

    public static final EventTable LOGS = EventTable.builder("logs")
            .column("level", ColumnType.STRING, "level", "severity")
            .column("service", ColumnType.STRING, "service", "service.name")
            .column("message", ColumnType.STRING, "message", "msg", "log")
            .column("trace_id", ColumnType.STRING)
            .column("span_id", ColumnType.STRING)
            .build();

    public static final EventTable SPANS = EventTable.builder("spans")
            .column("trace_id", ColumnType.STRING)
            .column("span_id", ColumnType.STRING)
            .column("parent_id", ColumnType.STRING)
            .column("service", ColumnType.STRING, "service", "service.name")
            .column("name", ColumnType.STRING)
            .column("duration_ms", ColumnType.LONG)
            .build();

    public static final EventTable METRICS = EventTable.builder("metrics")
            .column("name", ColumnType.STRING)
            .column("value", ColumnType.DOUBLE)
            .build();

    /** The three event tables. */
    public static final List<EventTable> ALL = List.of(LOGS, SPANS, METRICS);
}
