package io.molesignal.examples.server;

import java.util.List;

import io.molesignal.query.ColumnType;
import io.molesignal.query.TenantCatalog;
import io.molesignal.query.TenantCatalog.Column;

/** The tables a tenant may query on the example server: three tenant tables and one shared reference table. */
final class ExampleCatalog {
    private ExampleCatalog() {
    }

    static TenantCatalog catalog() {
        Column org = new Column("org_id", ColumnType.STRING);
        Column stream = new Column("stream", ColumnType.STRING);
        Column ts = new Column("ts", ColumnType.TIMESTAMP);
        Column attributes = new Column("attributes", ColumnType.JSON);
        Column size = new Column("size_bytes", ColumnType.INTEGER);
        return TenantCatalog.builder()
                .tenantTable("logs", "org_id", List.of(org, stream, ts, new Column("level", ColumnType.STRING),
                        new Column("service", ColumnType.STRING), new Column("message", ColumnType.STRING),
                        new Column("trace_id", ColumnType.STRING), new Column("span_id", ColumnType.STRING),
                        attributes, size))
                .tenantTable("spans", "org_id", List.of(org, stream, ts, new Column("trace_id", ColumnType.STRING),
                        new Column("span_id", ColumnType.STRING), new Column("parent_id", ColumnType.STRING),
                        new Column("service", ColumnType.STRING), new Column("name", ColumnType.STRING),
                        new Column("duration_ms", ColumnType.INTEGER), attributes, size))
                .tenantTable("metrics", "org_id", List.of(org, stream, ts, new Column("name", ColumnType.STRING),
                        new Column("value", ColumnType.DOUBLE), attributes, size))
                .sharedTable("severity_levels", List.of(new Column("level", ColumnType.STRING),
                        new Column("severity_number", ColumnType.INTEGER)))
                .build();
    }
}
