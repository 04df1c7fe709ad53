package io.molesignal.query;

import java.util.List;

/**
 * The result of a query.
 *
 * @param columns the result columns
 * @param rows the rows (empty when the rows were streamed to a sink); values are {@link String} (string, json),
 *             {@link Long} (integer), {@link Double}, {@link java.math.BigDecimal} (decimal), {@link Boolean},
 *             {@link java.time.Instant} (timestamp, UTC) or null
 * @param rowCount how many rows were returned
 * @param truncated whether the row limit cut the result
 */
public record QueryResult(List<ResultColumn> columns, List<List<Object>> rows, long rowCount, boolean truncated) {
    public QueryResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
