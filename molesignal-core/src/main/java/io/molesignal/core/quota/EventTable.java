package io.molesignal.core.quota;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.db.SqlIdentifiers;

/**
 * A host table that holds events, registered with the {@link QuotaGovernor} so that storage reconciliation,
 * retention and stream deletion work on it.
 *
 * <p>Every name is checked with {@link SqlIdentifiers#require} (lower-case letters, digits, underscores), so a
 * registered name can never inject SQL; a bad name throws {@link IllegalArgumentException}. The timestamp column is
 * compared with a {@link java.sql.Timestamp} (a {@code TIMESTAMP [WITH TIME ZONE]} column); the size column holds
 * each event's size in bytes (API.md: the UTF-8 length of its JSON after the VRL program ran).
 *
 * @param table the table
 * @param orgColumn the column holding the org id
 * @param timestampColumn the event time, used by retention
 * @param sizeColumn the event size in bytes, summed by reconciliation
 * @param streamColumn the stream name, used by stream deletion; null when the table has no streams
 */
public record EventTable(String table, String orgColumn, String timestampColumn, String sizeColumn,
                         @Nullable String streamColumn) {
    public EventTable {
        SqlIdentifiers.require("table", table);
        SqlIdentifiers.require("org column", orgColumn);
        SqlIdentifiers.require("timestamp column", timestampColumn);
        SqlIdentifiers.require("size column", sizeColumn);
        if (streamColumn != null) {
            SqlIdentifiers.require("stream column", streamColumn);
        }
    }

    /** A table without a stream column. */
    public static EventTable of(String table, String orgColumn, String timestampColumn, String sizeColumn) {
        return new EventTable(table, orgColumn, timestampColumn, sizeColumn, null);
    }

    /** This table with a stream column. */
    public EventTable withStreamColumn(String column) {
        return new EventTable(table, orgColumn, timestampColumn, sizeColumn, column);
    }

    /** The stream column, if any. */
    public Optional<String> stream() {
        return Optional.ofNullable(streamColumn);
    }
}
