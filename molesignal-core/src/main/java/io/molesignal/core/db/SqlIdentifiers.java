package io.molesignal.core.db;

import java.util.regex.Pattern;

/**
 * Validation of the SQL identifiers a host registers (table, column and role names). MoleSignal only generates SQL
 * with identifiers that pass this check, so a registered name can never inject SQL.
 */
public final class SqlIdentifiers {
    /** Lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters. */
    public static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private SqlIdentifiers() {
    }

    /**
     * Checks an identifier.
     *
     * @param what what the identifier names, for the message ("table", "org column")
     * @return {@code name}
     * @throws IllegalArgumentException when {@code name} does not match {@link #IDENTIFIER}
     */
    public static String require(String what, String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must match " + IDENTIFIER.pattern());
        }
        return name;
    }

    /** A double-quoted identifier (the name was validated, so it contains no quote). */
    public static String quote(String name) {
        return '"' + require("identifier", name) + '"';
    }
}
