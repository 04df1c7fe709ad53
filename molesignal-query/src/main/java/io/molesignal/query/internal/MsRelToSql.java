package io.molesignal.query.internal;

import java.util.ArrayList;
import java.util.List;

import com.google.common.collect.ImmutableList;
import org.apache.calcite.rel.core.RepeatUnion;
import org.apache.calcite.rel.rel2sql.RelToSqlConverter;
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

/**
 * Calcite's {@link RelToSqlConverter} plus {@link RepeatUnion} (a recursive {@code WITH}), which Calcite 1.42 does
 * not convert: written as a derived table {@code (WITH RECURSIVE t(cols) AS (seed UNION [ALL] step) SELECT * FROM
 * t)}, which PostgreSQL and H2 both accept.
 */
public class MsRelToSql extends RelToSqlConverter {
    public MsRelToSql(SqlDialect dialect) {
        super(dialect);
    }

    /** A recursive WITH query. */
    public Result visit(RepeatUnion e) {
        SqlParserPos pos = SqlParserPos.ZERO;
        SqlNode seed = visitInput(e, 0).asStatement();
        SqlNode step = visitInput(e, 1).asStatement();
        List<String> qn = e.getTransientTable().getQualifiedName();
        String name = qn.get(qn.size() - 1);
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
        SqlWithItem item = new SqlWithItem(pos, new SqlIdentifier(name, pos), new SqlNodeList(cols, pos), union,
                SqlLiteral.createBoolean(true, pos));
        SqlSelect select = new SqlSelect(pos, null, new SqlNodeList(items, pos), new SqlIdentifier(name, pos), null,
                null, null, null, null, null, null, null, null);
        SqlWith with = new SqlWith(pos, SqlNodeList.of(item), select);
        return result(with, ImmutableList.of(Clause.SELECT), e, null);
    }
}
