package io.molesignal.query.internal;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.sql.SqlKind;

/**
 * Decides whether an expression is <em>leakproof</em>: it cannot fail, and so cannot reveal anything through an
 * error, whatever row it is evaluated on. Only leakproof predicates may sit beside the org predicate where a
 * database may evaluate them on rows of other orgs (PostgreSQL's {@code LEAKPROOF} idea, "Row Security Policies",
 * and the allow-list of {@code research/isolation.md} R4): column references, literals, parameters,
 * comparisons, {@code AND/OR/NOT}, {@code IS [NOT] NULL}, {@code SEARCH} (IN lists and ranges), {@code LIKE} with a
 * constant pattern, {@code CASE}/{@code COALESCE} of leakproof parts, and any expression that reads no row at all
 * (its failure cannot depend on data). Division, {@code CAST} of data, regular expressions, arithmetic (overflow),
 * string and JSON functions, subqueries and every other function are not.
 *
 * <p>A column reference is leakproof only when the column's definition is (a projected {@code 1/x} referenced by an
 * outer predicate would otherwise be inlined by the database beside the org predicate): callers pass the safety of
 * each input field.
 */
public final class Leakproof {
    private static final Set<SqlKind> SAFE_KINDS = EnumSet.of(
            SqlKind.EQUALS, SqlKind.NOT_EQUALS, SqlKind.LESS_THAN, SqlKind.LESS_THAN_OR_EQUAL,
            SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL, SqlKind.AND, SqlKind.OR, SqlKind.NOT,
            SqlKind.IS_NULL, SqlKind.IS_NOT_NULL, SqlKind.IS_TRUE, SqlKind.IS_FALSE, SqlKind.IS_NOT_TRUE,
            SqlKind.IS_NOT_FALSE, SqlKind.IS_DISTINCT_FROM, SqlKind.IS_NOT_DISTINCT_FROM, SqlKind.SEARCH,
            SqlKind.CASE, SqlKind.COALESCE);

    private Leakproof() {
    }

    /**
     * Whether {@code e} is leakproof over an input whose fields have the given safety.
     *
     * @param fieldSafe safety of each input field (true = its value is a column or a leakproof expression of columns)
     * @param correlSafe safety of the fields of each correlation variable in scope
     */
    public static boolean isLeakproof(RexNode e, boolean[] fieldSafe, Map<CorrelationId, boolean[]> correlSafe) {
        if (!readsData(e)) {
            return !containsSubQuery(e);
        }
        if (e instanceof RexInputRef ref) {
            return ref.getIndex() < fieldSafe.length && fieldSafe[ref.getIndex()];
        }
        if (e instanceof RexLiteral || e instanceof RexDynamicParam) {
            return true;
        }
        if (e instanceof RexFieldAccess fa) {
            if (fa.getReferenceExpr() instanceof RexCorrelVariable cv) {
                boolean[] s = correlSafe.get(cv.id);
                int i = fa.getField().getIndex();
                return s != null && i < s.length && s[i];
            }
            return false;
        }
        if (e instanceof RexSubQuery || e instanceof RexOver) {
            return false;
        }
        if (e instanceof RexCall call) {
            if (call.getOperator() == MsOperators.CIPHER_IN) {
                return isLeakproof(call.getOperands().get(0), fieldSafe, correlSafe)
                        && !readsData(call.getOperands().get(1));
            }
            if (call.getKind() == SqlKind.LIKE) {
                List<RexNode> ops = call.getOperands();
                for (int i = 1; i < ops.size(); i++) {
                    if (readsData(ops.get(i))) {
                        return false;
                    }
                }
                return isLeakproof(ops.get(0), fieldSafe, correlSafe);
            }
            if (!SAFE_KINDS.contains(call.getKind())) {
                return false;
            }
            for (RexNode op : call.getOperands()) {
                if (!isLeakproof(op, fieldSafe, correlSafe)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Whether {@code e} reads any row value (an input field, a correlation variable or a subquery). */
    public static boolean readsData(RexNode e) {
        Boolean[] found = {false};
        e.accept(new RexVisitorImpl<Void>(true) {
            @Override
            public Void visitInputRef(RexInputRef inputRef) {
                found[0] = true;
                return null;
            }

            @Override
            public Void visitCorrelVariable(RexCorrelVariable correlVariable) {
                found[0] = true;
                return null;
            }

            @Override
            public Void visitSubQuery(RexSubQuery subQuery) {
                found[0] = true;
                return null;
            }
        });
        return found[0];
    }

    static boolean containsSubQuery(RexNode e) {
        Boolean[] found = {false};
        e.accept(new RexVisitorImpl<Void>(true) {
            @Override
            public Void visitSubQuery(RexSubQuery subQuery) {
                found[0] = true;
                return null;
            }
        });
        return found[0];
    }
}
