package io.molesignal.core.ingest;

import java.util.List;
import java.util.Objects;

import io.molesignal.core.db.SqlIdentifiers;

/**
 * A typed column of an event table and the event fields it is filled from, in order of preference. A source field
 * with dots ({@code service.name}) matches a literal dotted key or the nested path.
 *
 * @param name the column name ({@link SqlIdentifiers#IDENTIFIER})
 * @param type its type
 * @param sourceFields the event fields, first present wins (at least one)
 */
public record EventColumn(String name, ValueType type, List<String> sourceFields) {
    public EventColumn {
        SqlIdentifiers.require("column", name);
        Objects.requireNonNull(type, "type");
        sourceFields = List.copyOf(sourceFields);
        if (sourceFields.isEmpty()) {
            throw new IllegalArgumentException("a column needs at least one source field");
        }
    }

    /** A column filled from the field of the same name. */
    public static EventColumn of(String name, ValueType type) {
        return new EventColumn(name, type, List.of(name));
    }
}
