package io.molesignal.query.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.dialect.ClickHouseSqlDialect;
import org.apache.calcite.sql.dialect.H2SqlDialect;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.dialect.TrinoSqlDialect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.util.SqlString;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.query.ColumnType;
import io.molesignal.query.ResultColumn;
import io.molesignal.query.TargetDialect;
import io.molesignal.query.TenantCatalog;

/**
 * One planning pipeline over a catalog: parse exactly one statement → gate → validate → relational plan → guard →
 * check → dialect SQL. Immutable and thread-safe (each call builds its own validator and cluster).
 */
public final class Planning {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Planning.class);
    private static final Set<String> NON_QUERY_KEYWORDS = Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT",
            "CREATE", "DROP", "ALTER", "TRUNCATE", "GRANT", "REVOKE", "EXPLAIN", "SET", "RESET", "CALL", "COPY",
            "DESCRIBE", "SHOW", "USE", "BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "LOCK", "VACUUM",
            "ANALYZE", "DO", "EXECUTE", "PREPARE", "DEALLOCATE", "LISTEN", "NOTIFY", "DECLARE", "FETCH", "CLOSE",
            "REFRESH", "COMMENT", "CLUSTER", "REINDEX", "LOAD", "IMPORT", "DISCARD");

    private final TenantCatalog catalog;
    private final SqlDialect dialect;
    private final GuardRewriter.Mutation mutation;
    private final CalciteSchema root;
    private final Map<String, String> tenantOrgColumns;
    private final SqlOperatorTable operators;

    public Planning(TenantCatalog catalog, TargetDialect target, GuardRewriter.Mutation mutation) {
        this.catalog = catalog;
        this.dialect = dialect(target);
        this.mutation = mutation;
        this.root = CalciteSchema.createRootSchema(false, false);
        Map<String, String> orgCols = new HashMap<>();
        for (TenantCatalog.Table t : catalog.tables()) {
            root.add(t.name(), new CatalogTable(t));
            t.orgColumn().ifPresent(oc -> orgCols.put(t.name(), oc));
        }
        this.tenantOrgColumns = Map.copyOf(orgCols);
        // Table functions are refused before validation (SqlPrep denies TABLE(...) and UNNEST).
        this.operators = SqlOperatorTables.chain(SqlOperatorTables.of(MsOperators.JSON_VALUE, MsOperators.CIPHER_IN),
                SqlStdOperatorTable.instance());
    }

    static SqlDialect dialect(TargetDialect t) {
        return switch (t) {
            case POSTGRESQL -> PostgresqlSqlDialect.DEFAULT;
            case H2 -> new H2SqlDialect(H2SqlDialect.DEFAULT_CONTEXT) {
                /**
                 * Calcite would drop {@code CAST(varchar AS INTEGER)} and rely on H2's implicit conversion, which
                 * compares two such strings as strings ({@code '01' <> '1'}): keep every cast the query wrote.
                 */
                @Override
                public boolean supportsImplicitTypeCoercion(org.apache.calcite.rex.RexCall call) {
                    return false;
                }

                /** H2 refuses {@code MAX(SUM(x))}: an aggregate over an aggregate becomes a derived table. */
                @Override
                public boolean supportsNestedAggregations() {
                    return false;
                }

                @Override
                public StringBuilder quoteIdentifier(StringBuilder buf, String val) {
                    return super.quoteIdentifier(buf, val.toUpperCase(Locale.ROOT));
                }

                @Override
                public String quoteIdentifier(String val) {
                    return super.quoteIdentifier(val.toUpperCase(Locale.ROOT));
                }
            };
            case CLICKHOUSE -> ClickHouseSqlDialect.DEFAULT;
            case TRINO -> TrinoSqlDialect.DEFAULT;
        };
    }

    private static final java.util.regex.Pattern POSITION_IN_MESSAGE =
            java.util.regex.Pattern.compile("line (\\d{1,9}), column (\\d{1,9})");

    /** The parser configuration: unquoted identifiers fold to lower case; quoted ones keep their case. */
    static SqlParser.Config parserConfig() {
        return SqlParser.config().withUnquotedCasing(Casing.TO_LOWER).withQuotedCasing(Casing.UNCHANGED)
                .withCaseSensitive(false).withConformance(SqlConformanceEnum.BABEL);
    }

    /**
     * Plans {@code sql}.
     *
     * @throws MoleSignalException {@code SQL_PARSE}, {@code SQL_VALIDATE} (with line and column) or
     *         {@code SQL_UNSUPPORTED}
     */
    public Plan plan(String sql) {
        StreamIdentifiers.Result quoted = StreamIdentifiers.quote(sql);
        if (quoted.rewrites().isEmpty()) {
            return planText(sql);
        }
        try {
            return planText(quoted.sql());
        } catch (MoleSignalException e) {
            if (e.line().isEmpty() || e.column().isEmpty()) {
                throw e;
            }
            int line = e.line().getAsInt();
            // the parser's message repeats the position in its text: map that one too
            String msg = POSITION_IN_MESSAGE.matcher(e.getMessage()).replaceAll(m -> "line " + m.group(1)
                    + ", column " + quoted.column(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
            throw new MoleSignalException(e.code(), msg, line,
                    quoted.column(line, e.column().getAsInt()), e.getCause());
        }
    }

    private Plan planText(String sql) {
        SqlNode stmt = parse(sql);
        int userParams = SqlPrep.countParams(stmt);
        SqlPrep prep = new SqlPrep(userParams);
        SqlNode prepared = prep.prepare(stmt);
        int orgParam = prep.nextParamIndex();

        // VALUES and set operations of string literals of different lengths are VARCHAR, not blank-padded CHAR.
        JavaTypeFactoryImpl typeFactory = new JavaTypeFactoryImpl(new org.apache.calcite.rel.type.RelDataTypeSystemImpl() {
            @Override
            public boolean shouldConvertRaggedUnionTypesToVarying() {
                return true;
            }
        });
        Properties props = new Properties();
        props.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
        CalciteCatalogReader reader = new CalciteCatalogReader(root, List.of(), typeFactory,
                new CalciteConnectionConfigImpl(props));
        SqlValidator validator = SqlValidatorUtil.newValidator(operators, reader, typeFactory,
                SqlValidator.Config.DEFAULT.withConformance(SqlConformanceEnum.BABEL)
                        .withIdentifierExpansion(true));
        SqlNode validated;
        try {
            validated = validator.validate(prepared);
        } catch (CalciteContextException e) {
            String msg = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                    : "the query does not validate";
            throw new MoleSignalException(ErrorCode.SQL_VALIDATE, clean(msg), Math.max(0, e.getPosLine()),
                    Math.max(0, e.getPosColumn()), null);
        } catch (MoleSignalException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MoleSignalException(ErrorCode.SQL_VALIDATE, "the query does not validate", null);
        }
        RelDataType rowType = validator.getValidatedNodeType(validated);
        List<List<String>> origins = validator.getFieldOrigins(validated);
        RelDataType paramTypes = validator.getParameterRowType(validated);
        List<String> userParamTypes = new ArrayList<>();
        for (int i = 0; i < userParams; i++) {
            userParamTypes.add(i < paramTypes.getFieldCount()
                    ? paramTypes.getFieldList().get(i).getType().getSqlTypeName().name() : "ANY");
        }

        VolcanoPlanner planner = new VolcanoPlanner();
        planner.addRelTraitDef(ConventionTraitDef.INSTANCE);
        RexBuilder rexBuilder = new RexBuilder(typeFactory);
        RelOptCluster cluster = RelOptCluster.create(planner, rexBuilder);
        SqlToRelConverter converter = new SqlToRelConverter(null, validator, reader, cluster,
                StandardConvertletTable.INSTANCE,
                SqlToRelConverter.config().withExpand(false).withTrimUnusedFields(false)
                        .withDecorrelationEnabled(false));
        RelRoot relRoot;
        try {
            relRoot = converter.convertQuery(validated, false, true);
        } catch (MoleSignalException e) {
            throw e;
        } catch (RuntimeException | AssertionError e) {
            LOG.debug("SqlToRel refused a plan", e);
            throw new MoleSignalException(ErrorCode.SQL_UNSUPPORTED, "this query construct is not supported", null);
        }
        RelNode rel;
        try {
            rel = JoinShaping.reshape(relRoot.project());
        } catch (RuntimeException | AssertionError e) {
            LOG.debug("join reshaping refused a plan", e);
            throw new MoleSignalException(ErrorCode.SQL_UNSUPPORTED, "this query construct is not supported", null);
        }

        RelNode guarded;
        try {
            guarded = new GuardRewriter(tenantOrgColumns, rexBuilder, orgParam, mutation).rewriteRoot(rel);
        } catch (MoleSignalException e) {
            throw e;
        } catch (RuntimeException | AssertionError e) {
            // fail closed: a plan shape the guard cannot handle is not run
            LOG.debug("guard rewrite refused a plan", e);
            throw new MoleSignalException(ErrorCode.SQL_UNSUPPORTED, "this query construct is not supported", null);
        }
        new PlanChecker(tenantOrgColumns, orgParam).check(guarded);

        SqlString out;
        try {
            MsRelToSql r2s = new MsRelToSql(dialect);
            SqlNode outNode = r2s.statement(r2s.visitRoot(guarded).asStatement());
            out = outNode.toSqlString(c -> c.withDialect(dialect).withQuoteAllIdentifiers(true)
                    .withAlwaysUseParentheses(false).withIndentation(0).withLineFolding(null));
        } catch (MoleSignalException e) {
            throw e;
        } catch (RuntimeException | AssertionError e) {
            throw new MoleSignalException(ErrorCode.SQL_UNSUPPORTED, "this query construct is not supported", null);
        }
        List<Plan.Slot> slots = new ArrayList<>();
        List<Integer> dyn = out.getDynamicParameters() == null ? List.of() : out.getDynamicParameters();
        for (int idx : dyn) {
            if (idx == orgParam) {
                slots.add(new Plan.OrgSlot());
            } else if (idx < userParams) {
                slots.add(new Plan.UserSlot(idx));
            } else {
                slots.add(prep.extraSlots().get(idx - userParams));
            }
        }

        List<ResultColumn> columns = new ArrayList<>();
        List<Plan.DecryptColumn> decrypts = new ArrayList<>();
        List<RelDataTypeField> fields = rowType.getFieldList();
        for (int i = 0; i < fields.size(); i++) {
            RelDataTypeField f = fields.get(i);
            String name = f.getName();
            SqlPrep.Pending dec = null;
            for (SqlPrep.Pending p : prep.decrypts()) {
                if (p.alias().equals(name)) {
                    dec = p;
                }
            }
            if (dec != null) {
                decrypts.add(new Plan.DecryptColumn(i, dec.keyName(), dec.field(), dec.lenient()));
                columns.add(new ResultColumn(dec.outputName(), ColumnType.STRING));
                continue;
            }
            if (name.startsWith("EXPR$")) {
                name = name.toLowerCase(Locale.ROOT);
            }
            ColumnType type = columnType(f.getType());
            List<String> origin = origins.size() > i ? origins.get(i) : null;
            if (type == ColumnType.STRING && origin != null && origin.size() >= 2) {
                String table = origin.get(origin.size() - 2);
                String col = origin.get(origin.size() - 1);
                if (catalog.table(table).flatMap(t -> t.column(col)).map(c -> c.type() == ColumnType.JSON)
                        .orElse(false)) {
                    type = ColumnType.JSON;
                }
            }
            columns.add(new ResultColumn(name, type));
        }
        return new Plan(out.getSql(), slots, columns, decrypts, userParams, userParamTypes);
    }

    private SqlNode parse(String sql) {
        String first = firstKeyword(sql);
        SqlNodeList list;
        try {
            list = SqlParser.create(sql, parserConfig()).parseStmtList();
        } catch (SqlParseException e) {
            if (NON_QUERY_KEYWORDS.contains(first)) {
                throw new MoleSignalException(ErrorCode.SQL_UNSUPPORTED,
                        "only a read-only query (SELECT, WITH, set operations, VALUES) is allowed", 1, 1, null);
            }
            var pos = e.getPos();
            String msg = e.getMessage() == null ? "syntax error" : e.getMessage();
            int cut = msg.indexOf("\nWas expecting");
            if (cut > 0) {
                msg = msg.substring(0, cut);
            }
            cut = msg.indexOf('\n');
            if (cut > 0) {
                msg = msg.substring(0, cut);
            }
            throw new MoleSignalException(ErrorCode.SQL_PARSE, clean(msg),
                    pos == null ? 0 : Math.max(0, pos.getLineNum()), pos == null ? 0 : Math.max(0, pos.getColumnNum()),
                    null);
        } catch (RuntimeException e) {
            throw new MoleSignalException(ErrorCode.SQL_PARSE, "the query cannot be parsed", null);
        }
        if (list.size() != 1) {
            throw new MoleSignalException(ErrorCode.SQL_UNSUPPORTED, list.isEmpty() ? "the query is empty"
                    : "exactly one statement is allowed", 1, 1, null);
        }
        return list.get(0);
    }

    private static String firstKeyword(String sql) {
        String s = sql.stripLeading();
        while (s.startsWith("--") || s.startsWith("/*") || s.startsWith("(")) {
            if (s.startsWith("(")) {
                s = s.substring(1).stripLeading();
                continue;
            }
            int end = s.startsWith("--") ? s.indexOf('\n') : s.indexOf("*/");
            if (end < 0) {
                return "";
            }
            s = s.substring(end + (s.startsWith("--") ? 1 : 2)).stripLeading();
        }
        int i = 0;
        while (i < s.length() && Character.isLetter(s.charAt(i))) {
            i++;
        }
        return s.substring(0, i).toUpperCase(Locale.ROOT);
    }

    private static String clean(String msg) {
        String m = msg.replace('\n', ' ').replace('\r', ' ');
        return m.length() > 300 ? m.substring(0, 300) : m;
    }

    static ColumnType columnType(RelDataType t) {
        SqlTypeName n = t.getSqlTypeName();
        return switch (n) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> ColumnType.INTEGER;
            case FLOAT, REAL, DOUBLE -> ColumnType.DOUBLE;
            case DECIMAL -> t.getScale() == 0 && t.getPrecision() <= 18 ? ColumnType.INTEGER : ColumnType.DECIMAL;
            case BOOLEAN -> ColumnType.BOOLEAN;
            case DATE, TIME, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ, TIME_TZ,
                 TIME_WITH_LOCAL_TIME_ZONE -> ColumnType.TIMESTAMP;
            default -> ColumnType.STRING;
        };
    }

    /** A registered table as Calcite sees it: all columns nullable; no statistics (they are global). */
    static final class CatalogTable extends AbstractTable {
        private final TenantCatalog.Table table;

        CatalogTable(TenantCatalog.Table table) {
            this.table = table;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory tf) {
            RelDataTypeFactory.Builder b = tf.builder();
            for (TenantCatalog.Column c : table.columns()) {
                RelDataType t = switch (c.type()) {
                    case STRING, JSON -> tf.createSqlType(SqlTypeName.VARCHAR);
                    case INTEGER -> tf.createSqlType(SqlTypeName.BIGINT);
                    case DOUBLE -> tf.createSqlType(SqlTypeName.DOUBLE);
                    case DECIMAL -> tf.createSqlType(SqlTypeName.DECIMAL, 19, 4);
                    case BOOLEAN -> tf.createSqlType(SqlTypeName.BOOLEAN);
                    case TIMESTAMP -> tf.createSqlType(SqlTypeName.TIMESTAMP, 3);
                };
                b.add(c.name(), tf.createTypeWithNullability(t, true));
            }
            return b.build();
        }
    }
}
