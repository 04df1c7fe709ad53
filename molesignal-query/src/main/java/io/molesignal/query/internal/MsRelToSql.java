package io.molesignal.query.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.common.collect.ImmutableList;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.RepeatUnion;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.schema.TransientTable;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * Calcite's {@link RelToSqlConverter} plus {@link RepeatUnion} (a recursive {@code WITH}), which Calcite 1.42 does
 * not convert. Each recursive query becomes an item {@code __ms_rN(cols) AS (seed UNION [ALL] step)} of one
 * {@code WITH RECURSIVE} at the top of the statement ({@link #statement(SqlNode)}) — H2 accepts a recursive
 * {@code WITH} only there — and is read where it was as {@code (SELECT cols FROM __ms_rN)}. The reserved
 * {@code __ms} prefix (tenants cannot write it) keeps the hoisted name from capturing a table of the same name
 * elsewhere in the statement. A recursive query that refers to columns of an enclosing query (correlation) cannot be
 * hoisted and is refused ({@code SQL_UNSUPPORTED}), and so is a recursive member that reads the query itself more
 * than once (non-linear recursion, which PostgreSQL refuses and H2 runs until the timeout). Not thread-safe: one instance per statement.
 */
public class MsRelToSql extends RelToSqlConverter {
    private final List<SqlNode> withItems = new ArrayList<>();
    private final Map<List<String>, String> transientNames = new HashMap<>();

    public MsRelToSql(SqlDialect dialect) {
        super(dialect);
    }

    /** A recursive WITH query: hoisted into the statement's {@code WITH RECURSIVE}, read here by name. */
    public Result visit(RepeatUnion e) {
        if (!RelOptUtil.getVariablesUsed(e).isEmpty()) {
            // hoisted to the top of the statement, the query would lose the enclosing row it refers to
            throw new MoleSignalException(ErrorCode.SQL_UNSUPPORTED, "a recursive WITH query cannot refer to "
                    + "columns of an enclosing query", null);
        }
        if (reads(e.getInput(1), e.getTransientTable().getQualifiedName()) > 1) {
            // PostgreSQL refuses such a member; H2 runs it until the statement timeout
            throw new MoleSignalException(ErrorCode.SQL_UNSUPPORTED, "the recursive member of a WITH RECURSIVE "
                    + "query may read the query itself only once", null);
        }
        SqlParserPos pos = SqlParserPos.ZERO;
        String name = "__ms_r" + transientNames.size();
        transientNames.put(e.getTransientTable().getQualifiedName(), name);
        SqlNode seed = visitInput(e, 0).asStatement();
        SqlNode step = visitInput(e, 1).asStatement();
        List<SqlNode> cols = new ArrayList<>();
        List<SqlNode> items = new ArrayList<>();
        List<String> cteNames = e.getTransientTable().getRowType().getFieldNames();
        List<String> outNames = e.getRowType().getFieldNames();
        for (int i = 0; i < cteNames.size(); i++) {
            cols.add(new SqlIdentifier(cteNames.get(i), pos));
            items.add(SqlStdOperatorTable.AS.createCall(pos, new SqlIdentifier(cteNames.get(i), pos),
                    new SqlIdentifier(outNames.get(i), pos)));
        }
        SqlNode union = (e.all ? SqlStdOperatorTable.UNION_ALL : SqlStdOperatorTable.UNION).createCall(pos, seed, step);
        withItems.add(new SqlWithItem(pos, new SqlIdentifier(name, pos), new SqlNodeList(cols, pos), union,
                SqlLiteral.createBoolean(true, pos)));
        SqlSelect select = new SqlSelect(pos, null, new SqlNodeList(items, pos), new SqlIdentifier(name, pos), null,
                null, null, null, null, null, null, null, null);
        return result(select, ImmutableList.of(Clause.SELECT), e, null);
    }

    /** How often {@code rel} (with its subqueries) reads the working table {@code name}. */
    private static int reads(RelNode rel, List<String> name) {
        int[] n = {rel instanceof TableScan ts && ts.getTable().unwrap(TransientTable.class) != null
                && ts.getTable().getQualifiedName().equals(name) ? 1 : 0};
        for (RelNode in : rel.getInputs()) {
            n[0] += reads(in, name);
        }
        rel.accept(new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                n[0] += reads(subQuery.rel, name);
                return subQuery;
            }
        });
        return n[0];
    }

    /** A scan of a recursive query's working table reads the hoisted item. */
    @Override
    public Result visit(TableScan e) {
        String name = e.getTable().unwrap(TransientTable.class) == null ? null
                : transientNames.get(e.getTable().getQualifiedName());
        if (name == null) {
            return super.visit(e);
        }
        return result(new SqlIdentifier(name, SqlParserPos.ZERO), ImmutableList.of(Clause.FROM), e, null);
    }

    /** The whole statement: {@code stmt}, under one {@code WITH RECURSIVE} when it reads recursive queries. */
    public SqlNode statement(SqlNode stmt) {
        if (withItems.isEmpty()) {
            return stmt;
        }
        return new SqlWith(SqlParserPos.ZERO, new SqlNodeList(withItems, SqlParserPos.ZERO), stmt);
    }
}
