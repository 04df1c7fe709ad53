package io.molesignal.core.db;

/**
 * A table that holds rows of many orgs, distinguished by an org column.
 *
 * @param table lower-case table name ({@link SqlIdentifiers#IDENTIFIER})
 * @param orgColumn lower-case name of the column holding the org id
 */
public record TenantTable(String table, String orgColumn) {
    public TenantTable {
        SqlIdentifiers.require("table", table);
        SqlIdentifiers.require("org column", orgColumn);
    }
}
