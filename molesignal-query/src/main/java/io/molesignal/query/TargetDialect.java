package io.molesignal.query;

/**
 * The SQL dialect the planner generates. {@link #H2} and {@link #POSTGRESQL} are run and tested for real;
 * {@link #CLICKHOUSE} and {@link #TRINO} produce text for those engines through Calcite's dialects (their tests only
 * show the text). On H2 the generated SQL quotes identifiers in upper case (H2's folding of unquoted names).
 */
public enum TargetDialect {
    H2, POSTGRESQL, CLICKHOUSE, TRINO
}
