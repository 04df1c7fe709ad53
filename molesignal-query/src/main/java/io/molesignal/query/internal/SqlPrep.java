package io.molesignal.query.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * The statement gate and the syntactic rewrites done before validation: one allowed statement kind, a deny walk
 * (hints, {@code EXTEND}, time travel, table functions, {@code UNNEST}, {@code MATCH_RECOGNIZE}, {@code PIVOT},
 * sampling, sequences, session-identity functions, reserved names), {@code json_value} to {@link MsOperators#JSON_VALUE}
 * with a checked path, and {@code decrypt}/{@code try_decrypt} in the positions API.md allows.
 */
public final class SqlPrep {
    private static final Set<SqlKind> QUERY_KINDS = Set.of(SqlKind.SELECT, SqlKind.UNION, SqlKind.INTERSECT,
            SqlKind.EXCEPT, SqlKind.VALUES, SqlKind.WITH, SqlKind.ORDER_BY);
    private static final Set<SqlKind> DENIED_KINDS = Set.of(SqlKind.TABLE_REF, SqlKind.EXTEND, SqlKind.SNAPSHOT,
            SqlKind.MATCH_RECOGNIZE, SqlKind.PIVOT, SqlKind.UNPIVOT, SqlKind.TABLESAMPLE, SqlKind.COLLECTION_TABLE,
            SqlKind.UNNEST, SqlKind.ARRAY_QUERY_CONSTRUCTOR, SqlKind.MULTISET_QUERY_CONSTRUCTOR,
            SqlKind.MULTISET_VALUE_CONSTRUCTOR, SqlKind.MAP_QUERY_CONSTRUCTOR, SqlKind.NEXT_VALUE,
            SqlKind.CURRENT_VALUE, SqlKind.DESCRIPTOR, SqlKind.TUMBLE, SqlKind.HOP, SqlKind.SESSION,
            SqlKind.LAMBDA, SqlKind.SET_SEMANTICS_TABLE, SqlKind.WITHIN_DISTINCT, SqlKind.PROCEDURE_CALL,
            SqlKind.CURSOR);
    private static final Set<String> DENIED_FUNCTIONS = Set.of("CURRENT_USER", "USER", "SESSION_USER",
            "SYSTEM_USER", "CURRENT_ROLE", "CURRENT_PATH", "CURRENT_CATALOG", "CURRENT_SCHEMA", "MS_JSON_VALUE",
            "MS_CIPHER_IN");

    private final List<Plan.Slot> extraSlots = new ArrayList<>();
    private final List<Pending> decrypts = new ArrayList<>();
    private int nextParam;

    /** A decrypt select item awaiting its final column index (known after validation). */
    public record Pending(String alias, String outputName, String keyName, String field, boolean lenient) {
    }

    /**
     * @param userParamCount the number of {@code ?} in the text; new parameters are numbered after them
     */
    public SqlPrep(int userParamCount) {
        this.nextParam = userParamCount;
    }

    /** Slots of the parameters this prep added (indices {@code userParamCount…}). */
    public List<Plan.Slot> extraSlots() {
        return extraSlots;
    }

    /** The decrypt select items. */
    public List<Pending> decrypts() {
        return decrypts;
    }

    /** The index the next parameter gets (after all user and added parameters): the org parameter. */
    public int nextParamIndex() {
        return nextParam;
    }

    /** Counts the positional parameters of a statement. */
    public static int countParams(SqlNode node) {
        int[] max = {-1};
        walk(node, n -> {
            if (n instanceof SqlDynamicParam p) {
                max[0] = Math.max(max[0], p.getIndex());
            }
        });
        return max[0] + 1;
    }

    /**
     * Gates and rewrites one parsed statement; returns the statement to validate.
     *
     * @throws MoleSignalException {@code SQL_UNSUPPORTED} or {@code SQL_VALIDATE} with the position
     */
    public SqlNode prepare(SqlNode stmt) {
        if (!QUERY_KINDS.contains(stmt.getKind())) {
            throw unsupported("only a read-only query (SELECT, WITH, set operations, VALUES) is allowed",
                    stmt.getParserPosition());
        }
        walk(stmt, this::deny);
        refuseShadowedRecursiveNames(stmt);
        SqlSelect outer = outermostSelect(stmt);
        if (outer != null) {
            List<SqlNode> before = new ArrayList<>(outer.getSelectList().getList());
            rewriteDecryptSelect(outer);
            if (!decrypts.isEmpty()) {
                refuseUsesOfDecryptItems(stmt, outer, before);
            }
            rewriteDecryptWhere(outer);
        }
        walk(stmt, n -> {
            if (n instanceof SqlCall c && isDecrypt(c)) {
                throw unsupported("decrypt() and try_decrypt() may appear only in the outermost SELECT list, "
                        + "or compared with literals in its WHERE clause", c.getParserPosition());
            }
        });
        return rewriteJson(stmt);
    }

    private void deny(SqlNode n) {
        if (n instanceof SqlSelect s && s.getHints() != null && s.getHints().size() > 0) {
            throw unsupported("query hints are not allowed", s.getHints().getParserPosition());
        }
        if (n instanceof SqlSelect s && s.isKeywordPresent(org.apache.calcite.sql.SqlSelectKeyword.STREAM)) {
            throw unsupported("streaming queries (SELECT STREAM) are not supported; to read the column stream "
                    + "right after SELECT, follow it with a comma, AS or FROM", s.getParserPosition());
        }
        if (n instanceof SqlIdentifier id) {
            if (id.names.size() == 1 && DENIED_FUNCTIONS.contains(id.names.get(0).toUpperCase(Locale.ROOT))) {
                throw unsupported("function " + id.names.get(0).toLowerCase(Locale.ROOT) + " is not supported",
                        id.getParserPosition());
            }
            for (String part : id.names) {
                if (part.toLowerCase(Locale.ROOT).startsWith("__ms")) {
                    throw unsupported("names starting with __ms are reserved", id.getParserPosition());
                }
            }
        }
        if (n instanceof SqlCall c) {
            if (DENIED_KINDS.contains(c.getKind())) {
                throw unsupported("this construct is not supported: " + c.getKind().sql.toLowerCase(Locale.ROOT),
                        c.getParserPosition());
            }
            String name = c.getOperator().getName().toUpperCase(Locale.ROOT);
            if (DENIED_FUNCTIONS.contains(name)) {
                throw unsupported("function " + name.toLowerCase(Locale.ROOT) + " is not supported",
                        c.getParserPosition());
            }
        }
    }

    /**
     * A recursive {@code WITH} query's working table is found by name when the plan is built, so a second
     * {@code WITH} item of the same name anywhere in the statement (nested in the recursive member, or a sibling
     * subquery) could be read in its place and silently change the result. Such statements are refused.
     */
    private static void refuseShadowedRecursiveNames(SqlNode stmt) {
        List<org.apache.calcite.sql.SqlWithItem> items = new ArrayList<>();
        walk(stmt, n -> {
            if (n instanceof org.apache.calcite.sql.SqlWithItem w) {
                items.add(w);
            }
        });
        Set<String> recursive = new java.util.HashSet<>();
        for (org.apache.calcite.sql.SqlWithItem w : items) {
            if (w.recursive != null && w.recursive.booleanValue()) {
                recursive.add(w.name.getSimple().toLowerCase(Locale.ROOT));
            }
        }
        Set<String> seen = new java.util.HashSet<>();
        for (org.apache.calcite.sql.SqlWithItem w : items) {
            String name = w.name.getSimple().toLowerCase(Locale.ROOT);
            if (!seen.add(name) && recursive.contains(name)) {
                throw unsupported("the name of a WITH RECURSIVE query must not be declared again in the same "
                        + "statement: " + w.name.getSimple(), w.name.getParserPosition());
            }
        }
    }

    private static SqlSelect outermostSelect(SqlNode stmt) {
        SqlNode n = stmt;
        while (true) {
            if (n instanceof SqlOrderBy ob) {
                n = ob.query;
            } else if (n instanceof SqlWith w) {
                n = w.body;
            } else {
                break;
            }
        }
        return n instanceof SqlSelect s ? s : null;
    }

    /**
     * A decrypt select item is plaintext only in the result: the query itself sees its ciphertext. So it may not be
     * used where its value would matter in the database — {@code DISTINCT}, or named by alias or ordinal in
     * {@code GROUP BY}, {@code HAVING}, {@code ORDER BY} or {@code QUALIFY} — where the query would silently compare
     * ciphertexts (of randomized keys, different for equal plaintexts).
     */
    private static void refuseUsesOfDecryptItems(SqlNode stmt, SqlSelect outer, List<SqlNode> items) {
        Set<String> aliases = new java.util.HashSet<>();
        Set<Integer> ordinals = new java.util.HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            SqlNode item = items.get(i);
            SqlNode expr = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
            if (expr instanceof SqlCall c && isDecrypt(c)) {
                ordinals.add(i + 1);
                if (item.getKind() == SqlKind.AS) {
                    aliases.add(((SqlIdentifier) ((SqlCall) item).operand(1)).getSimple().toLowerCase(Locale.ROOT));
                }
            }
        }
        if (outer.isDistinct()) {
            throw unsupported("decrypt() cannot be combined with SELECT DISTINCT: the database would compare "
                    + "ciphertexts", outer.getParserPosition());
        }
        refuseReferences(outer.getGroup(), "GROUP BY", aliases, ordinals);
        refuseReferences(outer.getHaving(), "HAVING", aliases, Set.of());
        refuseReferences(outer.getQualify(), "QUALIFY", aliases, Set.of());
        refuseReferences(outer.getOrderList(), "ORDER BY", aliases, ordinals);
        if (stmt instanceof SqlOrderBy ob) {
            refuseReferences(ob.orderList, "ORDER BY", aliases, ordinals);
        } else if (stmt instanceof SqlWith w && w.body instanceof SqlOrderBy ob) {
            refuseReferences(ob.orderList, "ORDER BY", aliases, ordinals);
        }
    }

    private static void refuseReferences(SqlNode clause, String name, Set<String> aliases, Set<Integer> ordinals) {
        if (clause == null) {
            return;
        }
        List<SqlNode> items = clause instanceof SqlNodeList nl ? nl.getList() : List.of(clause);
        for (SqlNode item : items) {
            for (SqlNode top : ordinalPositions(item, new ArrayList<>())) {
                if (top instanceof SqlLiteral lit && lit.getTypeName().getFamily()
                        == org.apache.calcite.sql.type.SqlTypeFamily.NUMERIC
                        && ordinals.contains(lit.intValue(false))) {
                    throw unsupported("decrypt() results cannot be used in " + name
                            + ": the database would use the ciphertext", lit.getParserPosition());
                }
            }
            walk(item, n -> {
                if (n instanceof SqlIdentifier id && id.isSimple()
                        && aliases.contains(id.getSimple().toLowerCase(Locale.ROOT))) {
                    throw unsupported("decrypt() results cannot be used in " + name
                            + ": the database would use the ciphertext", id.getParserPosition());
                }
            });
        }
    }

    /**
     * The expressions of a GROUP BY or ORDER BY item where a bare number is a select-list ordinal: the item itself
     * (under DESC / NULLS FIRST / NULLS LAST) and each element of ROLLUP, CUBE, GROUPING SETS and their rows.
     */
    private static List<SqlNode> ordinalPositions(SqlNode item, List<SqlNode> out) {
        SqlNode top = item;
        while (top instanceof SqlCall c && (c.getKind() == SqlKind.DESCENDING
                || c.getKind() == SqlKind.NULLS_FIRST || c.getKind() == SqlKind.NULLS_LAST)) {
            top = c.operand(0);
        }
        if (top instanceof SqlCall c && (c.getKind() == SqlKind.ROLLUP || c.getKind() == SqlKind.CUBE
                || c.getKind() == SqlKind.GROUPING_SETS || c.getKind() == SqlKind.ROW)) {
            for (SqlNode op : c.getOperandList()) {
                ordinalPositions(op, out);
            }
        } else if (top instanceof SqlNodeList nl) {
            for (SqlNode op : nl) {
                ordinalPositions(op, out);
            }
        } else if (top != null) {
            out.add(top);
        }
        return out;
    }

    private static boolean isDecrypt(SqlCall c) {
        if (c.getOperator() instanceof SqlFunction f && f.getSqlIdentifier() != null) {
            String name = c.getOperator().getName().toLowerCase(Locale.ROOT);
            return name.equals("decrypt") || name.equals("try_decrypt");
        }
        return false;
    }

    private void rewriteDecryptSelect(SqlSelect s) {
        SqlNodeList list = s.getSelectList();
        for (int i = 0; i < list.size(); i++) {
            SqlNode item = list.get(i);
            String alias = null;
            SqlNode expr = item;
            if (item.getKind() == SqlKind.AS) {
                SqlCall as = (SqlCall) item;
                expr = as.operand(0);
                alias = ((SqlIdentifier) as.operand(1)).getSimple();
            }
            if (expr instanceof SqlCall c && isDecrypt(c)) {
                Decrypt d = decryptArgs(c);
                String marker = "__ms_dec" + decrypts.size();
                decrypts.add(new Pending(marker, alias != null ? alias : c.getOperator().getName()
                        .toLowerCase(Locale.ROOT), d.key, d.field, d.lenient));
                list.set(i, SqlStdOperatorTable.AS.createCall(item.getParserPosition(), d.arg,
                        new SqlIdentifier(marker, SqlParserPos.ZERO)));
            }
        }
    }

    private void rewriteDecryptWhere(SqlSelect s) {
        SqlNode where = s.getWhere();
        if (where == null) {
            return;
        }
        s.setWhere(rewriteConjuncts(where));
    }

    private SqlNode rewriteConjuncts(SqlNode e) {
        if (e instanceof SqlCall c && c.getKind() == SqlKind.AND) {
            for (int i = 0; i < c.operandCount(); i++) {
                c.setOperand(i, rewriteConjuncts(c.operand(i)));
            }
            return c;
        }
        if (e instanceof SqlCall c && (c.getKind() == SqlKind.EQUALS || c.getKind() == SqlKind.IN)) {
            SqlNode a = c.operand(0);
            SqlNode b = c.operand(1);
            if (c.getKind() == SqlKind.EQUALS && b instanceof SqlCall bc && isDecrypt(bc)) {
                SqlNode t = a;
                a = b;
                b = t;
            }
            if (a instanceof SqlCall dc && isDecrypt(dc)) {
                List<String> plain = new ArrayList<>();
                if (b instanceof SqlCharStringLiteral lit) {
                    plain.add(lit.getValueAs(String.class));
                } else if (c.getKind() == SqlKind.IN && b instanceof SqlNodeList nl) {
                    for (SqlNode x : nl) {
                        if (!(x instanceof SqlCharStringLiteral l)) {
                            throw unsupported("decrypt() can only be compared with string literals",
                                    x.getParserPosition());
                        }
                        plain.add(l.getValueAs(String.class));
                    }
                } else {
                    throw unsupported("decrypt() can only be compared with string literals", b.getParserPosition());
                }
                Decrypt d = decryptArgs(dc);
                int idx = nextParam++;
                extraSlots.add(new Plan.CandidatesSlot(d.key, d.field, plain, dc.getParserPosition().getLineNum(),
                        dc.getParserPosition().getColumnNum()));
                return MsOperators.CIPHER_IN.createCall(c.getParserPosition(), d.arg,
                        new SqlDynamicParam(idx, c.getParserPosition()));
            }
        }
        return e;
    }

    private record Decrypt(SqlNode arg, String key, String field, boolean lenient) {
    }

    private static Decrypt decryptArgs(SqlCall c) {
        boolean lenient = c.getOperator().getName().equalsIgnoreCase("try_decrypt");
        if (c.operandCount() < 2 || c.operandCount() > 3) {
            throw validate("decrypt() takes an expression, a key name and an optional field", c.getParserPosition());
        }
        if (!(c.operand(1) instanceof SqlCharStringLiteral k)) {
            throw validate("the key name of decrypt() must be a string literal", c.operand(1).getParserPosition());
        }
        String field;
        SqlNode arg = c.operand(0);
        if (c.operandCount() == 3) {
            if (!(c.operand(2) instanceof SqlCharStringLiteral f)) {
                throw validate("the field of decrypt() must be a string literal", c.operand(2).getParserPosition());
            }
            field = f.getValueAs(String.class);
        } else if (arg instanceof SqlIdentifier id) {
            field = id.names.get(id.names.size() - 1);
        } else if (arg instanceof SqlCall jc && jc.getOperator().getName().equalsIgnoreCase("JSON_VALUE")
                && jc.operand(1) instanceof SqlCharStringLiteral p) {
            field = JsonPath.parse(p.getValueAs(String.class))
                    .orElseThrow(() -> validate("invalid json_value path", p.getParserPosition())).fieldName();
        } else {
            throw validate("decrypt() needs a field (third argument) for this expression", c.getParserPosition());
        }
        return new Decrypt(arg, k.getValueAs(String.class), field, lenient);
    }

    private static SqlNode rewriteJson(SqlNode root) {
        if (root instanceof SqlCall c) {
            if (c.getOperator().getName().equalsIgnoreCase("JSON_VALUE")) {
                return jsonCall(c);
            }
            List<SqlNode> ops = c.getOperandList();
            for (int i = 0; i < ops.size(); i++) {
                SqlNode op = ops.get(i);
                if (op != null) {
                    SqlNode r = rewriteJson(op);
                    if (r != op) {
                        c.setOperand(i, r);
                    }
                }
            }
        } else if (root instanceof SqlNodeList nl) {
            for (int i = 0; i < nl.size(); i++) {
                SqlNode op = nl.get(i);
                if (op != null) {
                    SqlNode r = rewriteJson(op);
                    if (r != op) {
                        nl.set(i, r);
                    }
                }
            }
        }
        return root;
    }

    private static SqlNode jsonCall(SqlCall c) {
        SqlNode expr = c.operand(0);
        if (expr instanceof SqlCall wrap && wrap.getKind() == SqlKind.JSON_VALUE_EXPRESSION) {
            expr = wrap.operand(0);
        }
        if (c.operandCount() < 2 || !(c.operand(1) instanceof SqlCharStringLiteral p)) {
            throw validate("the path of json_value() must be a string literal", c.getParserPosition());
        }
        for (int i = 2; i < c.operandCount(); i++) {
            SqlNode extra = c.operand(i);
            if (extra != null && !(extra instanceof SqlLiteral)) {
                throw unsupported("json_value() takes only an expression and a path", extra.getParserPosition());
            }
        }
        JsonPath path = JsonPath.parse(p.getValueAs(String.class))
                .orElseThrow(() -> validate("invalid json_value path: use $ followed by .name, [\"name\"] or [n] steps",
                        p.getParserPosition()));
        SqlNode inner = rewriteJson(expr);
        return MsOperators.JSON_VALUE.createCall(c.getParserPosition(), inner,
                SqlLiteral.createCharString(path.text(), p.getParserPosition()));
    }

    /** Visits every node of a statement, including select lists, FROM items and subqueries. */
    static void walk(SqlNode n, java.util.function.Consumer<SqlNode> f) {
        if (n == null) {
            return;
        }
        f.accept(n);
        if (n instanceof SqlCall c) {
            for (SqlNode op : c.getOperandList()) {
                walk(op, f);
            }
        } else if (n instanceof SqlNodeList nl) {
            for (SqlNode x : nl) {
                walk(x, f);
            }
        }
    }

    static MoleSignalException unsupported(String msg, SqlParserPos pos) {
        return new MoleSignalException(ErrorCode.SQL_UNSUPPORTED, msg, Math.max(0, pos.getLineNum()),
                Math.max(0, pos.getColumnNum()), null);
    }

    static MoleSignalException validate(String msg, SqlParserPos pos) {
        return new MoleSignalException(ErrorCode.SQL_VALIDATE, msg, Math.max(0, pos.getLineNum()),
                Math.max(0, pos.getColumnNum()), null);
    }
}
