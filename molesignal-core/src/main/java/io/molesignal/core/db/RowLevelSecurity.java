package io.molesignal.core.db;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Generates PostgreSQL row-level-security DDL for registered tenant tables: the second wall under the query
 * planner's rewrite.
 *
 * <p>For each table: {@code ENABLE} and {@code FORCE ROW LEVEL SECURITY} (so even the table owner is subject to it),
 * and one permissive policy for every command whose {@code USING} and {@code WITH CHECK} compare the org column with
 * the transaction-local setting {@link #orgSetting()} ({@code current_setting(name, true)}: an unset setting yields
 * NULL, which matches no row). The tenant role gets {@code SELECT, INSERT, DELETE} on the table and no
 * {@code BYPASSRLS}. Superusers and {@code BYPASSRLS} roles skip RLS even under {@code FORCE}, which is why
 * {@link TenantSession} switches to the tenant role with {@code SET LOCAL ROLE}.
 *
 * <p>Source: PostgreSQL 15 documentation, "Row Security Policies" (ddl-rowsecurity) and {@code CREATE POLICY}.
 *
 * <p>Immutable and thread-safe. The DDL is idempotent: running it again replaces the policy.
 */
public final class RowLevelSecurity {
    /** The default tenant role. */
    public static final String DEFAULT_TENANT_ROLE = "molesignal_tenant";
    /** The default name of the transaction-local setting that holds the org id. */
    public static final String DEFAULT_ORG_SETTING = "molesignal.org_id";
    /** The name of the generated policy on every table. */
    public static final String POLICY_NAME = "molesignal_org_isolation";

    private static final Pattern SETTING = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

    private final String tenantRole;
    private final String orgSetting;

    /**
     * @param tenantRole the role tenant work runs as ({@link SqlIdentifiers#IDENTIFIER})
     * @param orgSetting a custom setting name {@code prefix.name} holding the org id
     * @throws IllegalArgumentException for an invalid role or setting name
     */
    public RowLevelSecurity(String tenantRole, String orgSetting) {
        this.tenantRole = SqlIdentifiers.require("tenant role", tenantRole);
        if (!SETTING.matcher(Objects.requireNonNull(orgSetting, "orgSetting")).matches()) {
            throw new IllegalArgumentException("org setting must match " + SETTING.pattern());
        }
        this.orgSetting = orgSetting;
    }

    /** The defaults: role {@value #DEFAULT_TENANT_ROLE}, setting {@value #DEFAULT_ORG_SETTING}. */
    public static RowLevelSecurity defaults() {
        return new RowLevelSecurity(DEFAULT_TENANT_ROLE, DEFAULT_ORG_SETTING);
    }

    /** The tenant role. */
    public String tenantRole() {
        return tenantRole;
    }

    /** The transaction-local setting that holds the org id. */
    public String orgSetting() {
        return orgSetting;
    }

    /**
     * DDL that creates the tenant role if it is missing ({@code NOLOGIN NOBYPASSRLS}) and lets the current user
     * switch to it. Needs a role allowed to create roles.
     */
    public List<String> roleDdl() {
        String role = SqlIdentifiers.quote(tenantRole);
        return List.of(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + tenantRole + "') THEN "
                        + "CREATE ROLE " + role + " NOLOGIN NOBYPASSRLS; END IF; END $$",
                "ALTER ROLE " + role + " NOBYPASSRLS",
                "GRANT " + role + " TO CURRENT_USER",
                "GRANT USAGE ON SCHEMA " + currentSchemaPlaceholder() + " TO " + role);
    }

    /** The policy DDL for one table (see the class comment). */
    public List<String> policyDdl(TenantTable table) {
        String t = SqlIdentifiers.quote(table.table());
        String predicate = SqlIdentifiers.quote(table.orgColumn()) + " = current_setting('" + orgSetting + "', true)";
        String role = SqlIdentifiers.quote(tenantRole);
        List<String> ddl = new ArrayList<>();
        ddl.add("ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY");
        ddl.add("ALTER TABLE " + t + " FORCE ROW LEVEL SECURITY");
        ddl.add("DROP POLICY IF EXISTS " + POLICY_NAME + " ON " + t);
        ddl.add("CREATE POLICY " + POLICY_NAME + " ON " + t + " FOR ALL USING (" + predicate + ") WITH CHECK ("
                + predicate + ")");
        ddl.add("GRANT SELECT, INSERT, DELETE ON " + t + " TO " + role);
        return ddl;
    }

    /** The role DDL followed by the policy DDL of every table. */
    public List<String> ddl(Collection<TenantTable> tables) {
        List<String> all = new ArrayList<>(roleDdl());
        for (TenantTable t : tables) {
            all.addAll(policyDdl(t));
        }
        return all;
    }

    /**
     * Applies {@link #ddl(Collection)} in one transaction.
     *
     * @throws IllegalStateException when the database is not PostgreSQL
     * @throws io.molesignal.core.MoleSignalException {@link io.molesignal.core.ErrorCode#UNAVAILABLE} when the DDL fails
     */
    public void apply(Database database, Collection<TenantTable> tables) {
        if (database.dialect() != Dialect.POSTGRESQL) {
            throw new IllegalStateException("row-level security is a PostgreSQL feature");
        }
        database.inTransaction(tx -> {
            String schema;
            try (var st = tx.connection().createStatement(); var rs = st.executeQuery("SELECT current_schema()")) {
                rs.next();
                schema = SqlIdentifiers.quote(SqlIdentifiers.require("schema", rs.getString(1)));
            }
            // Roles are cluster-wide: serialise concurrent first starts (two instances, parallel test classes).
            try (var st = tx.connection().createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(7382915501)");
            }
            for (String sql : ddl(tables)) {
                try (var st = tx.connection().createStatement()) {
                    st.execute(sql.replace(currentSchemaPlaceholder(), schema));
                }
            }
            return null;
        });
    }

    private static String currentSchemaPlaceholder() {
        return "__MS_CURRENT_SCHEMA__";
    }
}
