package io.molesignal.query;

import java.util.Objects;

/**
 * A column of a query result: its name (lower case unless the query quoted it) and its type (API.md).
 *
 * @param name the column name
 * @param type the column type
 */
public record ResultColumn(String name, ColumnType type) {
    public ResultColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
