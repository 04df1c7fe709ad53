package io.molesignal.core.ingest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.molesignal.core.db.SqlIdentifiers;
import io.molesignal.core.db.TenantTable;

/**
 * How events map onto a tenant table: the org, stream, timestamp, attributes and size columns, and the typed
 * columns filled from event fields. Every event field no typed column takes goes to the attributes column as a JSON
 * object. The org column is always the caller's org, whatever the event says.
 *
 * <p>Immutable and thread-safe. Built with {@link #builder(String)}.
 */
public final class IngestTable {
    private final String table;
    private final String orgColumn;
    private final String streamColumn;
    private final EventColumn timestamp;
    private final List<EventColumn> columns;
    private final String attributesColumn;
    private final String sizeColumn;

    private IngestTable(Builder b) {
        this.table = b.table;
        this.orgColumn = b.orgColumn;
        this.streamColumn = b.streamColumn;
        this.timestamp = b.timestamp;
        this.columns = List.copyOf(b.columns);
        this.attributesColumn = b.attributesColumn;
        this.sizeColumn = b.sizeColumn;
    }

    /** A builder for the table {@code table}. */
    public static Builder builder(String table) {
        return new Builder(table);
    }

    public String table() {
        return table;
    }

    public String orgColumn() {
        return orgColumn;
    }

    public String streamColumn() {
        return streamColumn;
    }

    /** The timestamp column and its source fields. */
    public EventColumn timestamp() {
        return timestamp;
    }

    /** The typed columns other than the timestamp. */
    public List<EventColumn> columns() {
        return columns;
    }

    public String attributesColumn() {
        return attributesColumn;
    }

    public String sizeColumn() {
        return sizeColumn;
    }

    /** The table as a tenant table (for row-level security and the query catalog). */
    public TenantTable tenantTable() {
        return new TenantTable(table, orgColumn);
    }

    /** The table as the quota governor registers it (storage, retention and stream deletion work on it). */
    public io.molesignal.core.quota.EventTable quotaTable() {
        return io.molesignal.core.quota.EventTable.of(table, orgColumn, timestamp.name(), sizeColumn)
                .withStreamColumn(streamColumn);
    }

    /** All column names in insert order: org, stream, timestamp, typed columns, attributes, size. */
    public List<String> insertColumns() {
        List<String> out = new ArrayList<>();
        out.add(orgColumn);
        out.add(streamColumn);
        out.add(timestamp.name());
        columns.forEach(c -> out.add(c.name()));
        out.add(attributesColumn);
        out.add(sizeColumn);
        return out;
    }

    /** Builds an {@link IngestTable}. Not thread-safe. */
    public static final class Builder {
        private final String table;
        private String orgColumn = "org_id";
        private String streamColumn = "stream";
        private EventColumn timestamp = new EventColumn("ts", ValueType.TIMESTAMP,
                List.of("ts", "timestamp", "@timestamp", "_timestamp"));
        private final List<EventColumn> columns = new ArrayList<>();
        private String attributesColumn = "attributes";
        private String sizeColumn = "size_bytes";

        private Builder(String table) {
            this.table = SqlIdentifiers.require("table", table);
        }

        public Builder orgColumn(String name) {
            this.orgColumn = SqlIdentifiers.require("org column", name);
            return this;
        }

        public Builder streamColumn(String name) {
            this.streamColumn = SqlIdentifiers.require("stream column", name);
            return this;
        }

        /** The timestamp column and its source fields (default {@code ts} from ts, timestamp, @timestamp, _timestamp). */
        public Builder timestamp(String name, String... sourceFields) {
            this.timestamp = new EventColumn(name, ValueType.TIMESTAMP, List.of(sourceFields));
            return this;
        }

        /** Adds a typed column. */
        public Builder column(String name, ValueType type, String... sourceFields) {
            columns.add(sourceFields.length == 0 ? EventColumn.of(name, type)
                    : new EventColumn(name, type, List.of(sourceFields)));
            return this;
        }

        public Builder attributesColumn(String name) {
            this.attributesColumn = SqlIdentifiers.require("attributes column", name);
            return this;
        }

        public Builder sizeColumn(String name) {
            this.sizeColumn = SqlIdentifiers.require("size column", name);
            return this;
        }

        /** @throws IllegalStateException when two columns share a name */
        public IngestTable build() {
            Set<String> names = new LinkedHashSet<>();
            List<String> all = new ArrayList<>(List.of(orgColumn, streamColumn, timestamp.name(), attributesColumn,
                    sizeColumn));
            columns.forEach(c -> all.add(c.name()));
            for (String n : all) {
                if (!names.add(n)) {
                    throw new IllegalStateException("column " + n + " is used twice");
                }
            }
            Objects.requireNonNull(timestamp);
            return new IngestTable(this);
        }
    }
}
