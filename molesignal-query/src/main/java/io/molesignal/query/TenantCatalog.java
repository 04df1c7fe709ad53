package io.molesignal.query;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.db.SqlIdentifiers;
import io.molesignal.core.db.TenantTable;

/**
 * The deny-by-default table registry of the query API: every table a tenant can name is registered here as
 * {@link TableKind#TENANT} (rows of many orgs, told apart by an org column) or {@link TableKind#SHARED} (read-only
 * reference data visible to every org). Anything else — unregistered tables and schemas, Calcite's {@code metadata}
 * schema, the database's system catalogs, table functions — does not exist for the planner and fails validation as
 * "not found", exactly like a name that exists nowhere.
 *
 * <p>Names are lower-case identifiers ({@link SqlIdentifiers#IDENTIFIER}). The catalog has a {@link #version()}
 * derived from its content; plan caches key on it, so a changed catalog never reuses an old plan.
 *
 * <p>Immutable and thread-safe.
 */
public final class TenantCatalog {

    /** How a table is shared between orgs. */
    public enum TableKind {
        /** Each row belongs to the org in the table's org column; a tenant sees only its own rows. */
        TENANT,
        /** Reference data readable by every org; never written through the query API. */
        SHARED
    }

    /**
     * A column.
     *
     * @param name lower-case column name
     * @param type the type a tenant sees
     */
    public record Column(String name, ColumnType type) {
        public Column {
            SqlIdentifiers.require("column", name);
            Objects.requireNonNull(type, "type");
        }
    }

    /**
     * A registered table.
     *
     * @param name lower-case table name
     * @param kind tenant or shared
     * @param orgColumn the org column of a tenant table, empty for a shared one
     * @param columns the columns in table order
     */
    public record Table(String name, TableKind kind, Optional<String> orgColumn, List<Column> columns) {
        public Table {
            SqlIdentifiers.require("table", name);
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(orgColumn, "orgColumn");
            columns = List.copyOf(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("table " + name + " has no columns");
            }
            if ((kind == TableKind.TENANT) != orgColumn.isPresent()) {
                throw new IllegalArgumentException("a tenant table (and only a tenant table) has an org column");
            }
            if (orgColumn.isPresent()) {
                String oc = orgColumn.get();
                Column c = columns.stream().filter(x -> x.name().equals(oc)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("org column " + oc + " is not a column of "
                                + name));
                if (c.type() != ColumnType.STRING) {
                    throw new IllegalArgumentException("org column " + oc + " must be a string column");
                }
            }
            long distinct = columns.stream().map(Column::name).distinct().count();
            if (distinct != columns.size()) {
                throw new IllegalArgumentException("duplicate column in " + name);
            }
        }

        /** The column named {@code column}, if any. */
        public Optional<Column> column(String column) {
            return columns.stream().filter(c -> c.name().equals(column)).findFirst();
        }
    }

    private final Map<String, Table> tables;
    private final String version;

    private TenantCatalog(Map<String, Table> tables) {
        this.tables = Map.copyOf(tables);
        StringBuilder sb = new StringBuilder();
        tables.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(t -> {
            sb.append(t.name()).append('|').append(t.kind()).append('|').append(t.orgColumn().orElse(""));
            t.columns().forEach(c -> sb.append('|').append(c.name()).append(':').append(c.type()));
            sb.append('\n');
        });
        this.version = Integer.toHexString(sb.toString().hashCode()) + "-" + sb.length();
    }

    /** A builder for a catalog declared in code. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a catalog from the JDBC metadata of the host's current schema: {@code tenantTables} maps each tenant
     * table to its org column, {@code sharedTables} lists the shared ones; every other table stays invisible.
     * Column types map as: character types → string (json/jsonb, and H2 JSON → json), integer types → integer,
     * float/real/double → double, numeric/decimal → decimal, boolean → boolean, date/time/timestamp → timestamp.
     * Columns of other types are left out (a tenant cannot name them).
     *
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} when the metadata cannot be read
     * @throws IllegalArgumentException when a registered table does not exist
     */
    public static TenantCatalog fromJdbc(DataSource dataSource, Collection<TenantTable> tenantTables,
                                         Set<String> sharedTables) {
        Builder b = builder();
        try (Connection c = dataSource.getConnection()) {
            for (TenantTable t : tenantTables) {
                b.table(new Table(t.table(), TableKind.TENANT, Optional.of(t.orgColumn()), columns(c, t.table())));
            }
            for (String s : sharedTables) {
                b.table(new Table(s, TableKind.SHARED, Optional.empty(), columns(c, s)));
            }
        } catch (SQLException e) {
            throw new MoleSignalException(ErrorCode.UNAVAILABLE, "cannot read the database metadata", e);
        }
        return b.build();
    }

    private static List<Column> columns(Connection c, String table) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        String schema = c.getSchema();
        List<Column> cols = new ArrayList<>();
        for (String candidate : List.of(table, table.toUpperCase(Locale.ROOT))) {
            try (ResultSet rs = md.getColumns(c.getCatalog(), schema, candidate, null)) {
                while (rs.next()) {
                    String name = rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT);
                    ColumnType type = map(rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME"));
                    if (type != null && SqlIdentifiers.IDENTIFIER.matcher(name).matches()) {
                        cols.add(new Column(name, type));
                    }
                }
            }
            if (!cols.isEmpty()) {
                return cols;
            }
        }
        throw new IllegalArgumentException("table " + table + " does not exist in the current schema");
    }

    private static ColumnType map(int jdbcType, String typeName) {
        String tn = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (tn.equals("json") || tn.equals("jsonb")) {
            return ColumnType.JSON;
        }
        return switch (jdbcType) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB -> ColumnType.STRING;
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> ColumnType.INTEGER;
            case Types.FLOAT, Types.REAL, Types.DOUBLE -> ColumnType.DOUBLE;
            case Types.NUMERIC, Types.DECIMAL -> ColumnType.DECIMAL;
            case Types.BOOLEAN, Types.BIT -> ColumnType.BOOLEAN;
            case Types.DATE, Types.TIME, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> ColumnType.TIMESTAMP;
            case Types.OTHER -> tn.equals("json") || tn.equals("jsonb") ? ColumnType.JSON : null;
            default -> null;
        };
    }

    /** The table named {@code name} (lower case), if registered. */
    public Optional<Table> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    /** All registered tables, by name. */
    public Collection<Table> tables() {
        return tables.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    /** The registered tenant tables, in the form core's {@link io.molesignal.core.db.RowLevelSecurity} takes. */
    public List<TenantTable> tenantTables() {
        return tables().stream().filter(t -> t.kind() == TableKind.TENANT)
                .map(t -> new TenantTable(t.name(), t.orgColumn().orElseThrow())).toList();
    }

    /**
     * The tables and columns {@code principal} may query (for the schema route): every registered table, the same
     * for every org, since the catalog holds no per-org fact.
     *
     * @throws MoleSignalException {@link ErrorCode#FORBIDDEN} when the principal lacks the viewer role or the
     *         {@code query} scope
     */
    public List<Table> queryableBy(Principal principal) {
        principal.require(Role.VIEWER, Scope.QUERY);
        return List.copyOf(tables());
    }

    /** A content-derived version; plan caches key on it. */
    public String version() {
        return version;
    }

    /** Builds a {@link TenantCatalog}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Table> tables = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Registers a tenant table.
         *
         * @throws IllegalArgumentException for invalid names or an org column that is not a string column
         * @throws IllegalStateException when the table is already registered
         */
        public Builder tenantTable(String name, String orgColumn, List<Column> columns) {
            return table(new Table(name, TableKind.TENANT, Optional.of(orgColumn), columns));
        }

        /**
         * Registers a shared read-only table.
         *
         * @throws IllegalStateException when the table is already registered
         */
        public Builder sharedTable(String name, List<Column> columns) {
            return table(new Table(name, TableKind.SHARED, Optional.empty(), columns));
        }

        /** Registers a table. @throws IllegalStateException when a table of that name is registered */
        public Builder table(Table table) {
            Objects.requireNonNull(table, "table");
            if (tables.containsKey(table.name())) {
                throw new IllegalStateException("table " + table.name() + " is already registered");
            }
            tables.put(table.name(), table);
            return this;
        }

        /** @throws IllegalStateException when no table is registered */
        public TenantCatalog build() {
            if (tables.isEmpty()) {
                throw new IllegalStateException("the catalog has no table");
            }
            return new TenantCatalog(tables);
        }
    }
}
