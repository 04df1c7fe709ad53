package io.molesignal.query.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.sql.SqlKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * The fail-closed plan checker (research note R5): walks the final relational plan — including the plans inside
 * every {@link RexSubQuery} — and refuses it unless
 * <ul>
 *   <li>every operator is one of the known kinds (scan, project, filter, join, correlate, aggregate, sort, values,
 *       union, intersect, minus, repeat-union of a recursive WITH);</li>
 *   <li>every scan of a tenant table sits in the exact tenant-scan pattern of {@link GuardRewriter} bound to the
 *       reserved org parameter;</li>
 *   <li>every operator over tenant rows carries a correctly derived guard column, and every predicate conjunct over
 *       tenant rows that is not {@link Leakproof} is wrapped in {@code CASE WHEN <guard ok> THEN … ELSE FALSE END}
 *       over exactly those guard columns.</li>
 * </ul>
 * It shares no state with the rewriter; a rewrite that misses a node type is caught here.
 */
public final class PlanChecker {
    private static final Logger LOG = LoggerFactory.getLogger(PlanChecker.class);

    private final Map<String, String> tenantOrgColumns;
    private final int orgParamIndex;
    private final Map<CorrelationId, boolean[]> correlSafe = new HashMap<>();

    /** What the checker knows about a node's output. */
    private record Info(boolean tainted, int[] guards, boolean[] safe) {
    }

    public PlanChecker(Map<String, String> tenantOrgColumns, int orgParamIndex) {
        this.tenantOrgColumns = Map.copyOf(tenantOrgColumns);
        this.orgParamIndex = orgParamIndex;
    }

    /**
     * Checks a plan.
     *
     * @throws MoleSignalException {@link ErrorCode#SQL_UNSUPPORTED} when the plan has an unguarded tenant access
     */
    public void check(RelNode root) {
        visit(root);
    }

    private MoleSignalException violation(String what) {
        LOG.error("tenant isolation check refused a plan: {}", what);
        return new MoleSignalException(ErrorCode.SQL_UNSUPPORTED,
                "the query plan failed the tenant isolation check and was not run");
    }

    private Info visit(RelNode n) {
        if (n instanceof org.apache.calcite.rel.core.RepeatUnion ru) {
            // recursive WITH: both parts must pass; its output is a fence no database inlines into
            visit(ru.getSeedRel());
            visit(ru.getIterativeRel());
            return new Info(false, new int[0], allTrue(ru.getRowType().getFieldCount()));
        }
        if (n instanceof TableScan ts) {
            if (ts.getTable().unwrap(org.apache.calcite.schema.TransientTable.class) != null) {
                return new Info(false, new int[0], allTrue(ts.getRowType().getFieldCount()));
            }
            if (tenantOrgColumns.containsKey(tableName(ts))) {
                throw violation("unguarded scan of a tenant table");
            }
            return new Info(false, new int[0], allTrue(ts.getRowType().getFieldCount()));
        }
        if (n instanceof Project p) {
            if (isTenantScan(p)) {
                int cnt = p.getProjects().size();
                return new Info(true, new int[] {cnt - 1}, allTrue(cnt));
            }
            Info in = visit(p.getInput());
            for (CorrelationId id : p.getVariablesSet()) {
                correlSafe.put(id, in.safe());
            }
            boolean[] safe = new boolean[p.getProjects().size()];
            int guard = -1;
            for (int i = 0; i < p.getProjects().size(); i++) {
                RexNode e = p.getProjects().get(i);
                checkSubQueries(e);
                safe[i] = Leakproof.isLeakproof(e, in.safe(), correlSafe);
                if (in.tainted() && guard < 0 && derivesGuard(e, in.guards())) {
                    guard = i;
                }
            }
            return new Info(in.tainted(), guard < 0 ? new int[0] : new int[] {guard}, safe);
        }
        if (n instanceof Filter f) {
            Info in = visit(f.getInput());
            for (CorrelationId id : f.getVariablesSet()) {
                correlSafe.put(id, in.safe());
            }
            checkCondition(f.getCondition(), in.tainted(), in.guards(), in.safe());
            return in;
        }
        if (n instanceof Join j) {
            Info l = visit(j.getLeft());
            Info r = visit(j.getRight());
            int nl = j.getLeft().getRowType().getFieldCount();
            boolean[] safe = concat(l.safe(), r.safe());
            for (CorrelationId id : j.getVariablesSet()) {
                correlSafe.put(id, safe);
            }
            int[] guards = concatGuards(l.guards(), r.guards(), nl);
            boolean tainted = l.tainted() || r.tainted();
            if (l.tainted() && l.guards().length == 0 || r.tainted() && r.guards().length == 0) {
                guards = new int[0];
            }
            checkCondition(j.getCondition(), tainted, guards, safe);
            if (!j.getJoinType().projectsRight()) {
                return new Info(tainted, l.guards(), l.safe());
            }
            return new Info(tainted, guards, safe);
        }
        if (n instanceof Correlate c) {
            Info l = visit(c.getLeft());
            correlSafe.put(c.getCorrelationId(), l.safe());
            Info r = visit(c.getRight());
            int nl = c.getLeft().getRowType().getFieldCount();
            boolean tainted = l.tainted() || r.tainted();
            int[] guards = concatGuards(l.guards(), r.guards(), nl);
            if (l.tainted() && l.guards().length == 0 || r.tainted() && r.guards().length == 0) {
                guards = new int[0];
            }
            if (!c.getJoinType().projectsRight()) {
                return new Info(tainted, l.guards(), l.safe());
            }
            return new Info(tainted, guards, concat(l.safe(), r.safe()));
        }
        if (n instanceof Aggregate a) {
            Info in = visit(a.getInput());
            int cnt = a.getRowType().getFieldCount();
            boolean[] safe = allTrue(cnt);
            List<Integer> keys = a.getGroupSet().asList();
            for (int i = 0; i < a.getGroupCount(); i++) {
                safe[i] = in.safe()[keys.get(i)];
            }
            int guard = -1;
            if (in.tainted() && in.guards().length == 1) {
                List<AggregateCall> calls = a.getAggCallList();
                for (int i = 0; i < calls.size(); i++) {
                    AggregateCall call = calls.get(i);
                    if (call.getAggregation().getKind() == SqlKind.MIN && call.getArgList().size() == 1
                            && call.getArgList().get(0) == in.guards()[0] && call.filterArg < 0) {
                        guard = a.getGroupCount() + i;
                        break;
                    }
                }
            }
            return new Info(in.tainted(), guard < 0 ? new int[0] : new int[] {guard}, safe);
        }
        if (n instanceof Sort s) {
            return visit(s.getInput());
        }
        if (n instanceof Values v) {
            return new Info(false, new int[0], allTrue(v.getRowType().getFieldCount()));
        }
        if (n instanceof Union || n instanceof Intersect || n instanceof Minus) {
            SetOp s = (SetOp) n;
            int cnt = s.getRowType().getFieldCount();
            boolean tainted = false;
            boolean guardOk = true;
            boolean[] safe = allTrue(cnt);
            for (RelNode in : s.getInputs()) {
                Info i = visit(in);
                tainted |= i.tainted();
                for (int k = 0; k < cnt; k++) {
                    safe[k] &= i.safe()[k];
                }
                if (i.tainted() && !(i.guards().length == 1 && i.guards()[0] == cnt - 1)) {
                    guardOk = false;
                }
            }
            return new Info(tainted, tainted && guardOk ? new int[] {cnt - 1} : new int[0], safe);
        }
        throw violation("unknown relational operator " + n.getRelTypeName());
    }

    /** Whether {@code e} is a correct derivation of the guard from the input guards. */
    private static boolean derivesGuard(RexNode e, int[] guards) {
        if (guards.length == 1 && e instanceof RexInputRef ref && ref.getIndex() == guards[0]) {
            return true;
        }
        if (e instanceof RexCall c && c.getKind() == SqlKind.CASE && c.getOperands().size() == 3
                && isIntLiteral(c.getOperands().get(1), 1) && isIntLiteral(c.getOperands().get(2), 0)) {
            return isOkTest(c.getOperands().get(0), guards);
        }
        return false;
    }

    private void checkCondition(RexNode condition, boolean tainted, int[] guards, boolean[] safe) {
        checkSubQueries(condition);
        if (!tainted) {
            return;
        }
        for (RexNode c : RelOptUtil.conjunctions(condition)) {
            if (Leakproof.isLeakproof(c, safe, correlSafe)) {
                continue;
            }
            if (guards.length == 0) {
                throw violation("a predicate that can fail runs over tenant rows without a guard column");
            }
            if (!(c instanceof RexCall call && call.getKind() == SqlKind.CASE && call.getOperands().size() == 3
                    && isOkTest(call.getOperands().get(0), guards)
                    && call.getOperands().get(2) instanceof RexLiteral lit && Boolean.FALSE.equals(lit.getValue()))) {
                throw violation("a predicate that can fail is not guarded");
            }
        }
    }

    /** {@code AND(OR(IS NULL($g), =($g, 1)), …)} over exactly the given guard fields. */
    private static boolean isOkTest(RexNode e, int[] guards) {
        List<RexNode> parts = e instanceof RexCall c && c.getKind() == SqlKind.AND ? c.getOperands() : List.of(e);
        if (parts.size() != guards.length || guards.length == 0) {
            return false;
        }
        Set<Integer> seen = new HashSet<>();
        for (RexNode p : parts) {
            if (!(p instanceof RexCall or && or.getKind() == SqlKind.OR && or.getOperands().size() == 2)) {
                return false;
            }
            RexNode isNull = or.getOperands().get(0);
            RexNode eq = or.getOperands().get(1);
            if (!(isNull instanceof RexCall in && in.getKind() == SqlKind.IS_NULL
                    && in.getOperands().get(0) instanceof RexInputRef g1)) {
                return false;
            }
            if (!(eq instanceof RexCall ec && ec.getKind() == SqlKind.EQUALS
                    && ec.getOperands().get(0) instanceof RexInputRef g2 && g2.getIndex() == g1.getIndex()
                    && isIntLiteral(ec.getOperands().get(1), 1))) {
                return false;
            }
            seen.add(g1.getIndex());
        }
        for (int g : guards) {
            if (!seen.contains(g)) {
                return false;
            }
        }
        return true;
    }

    private boolean isTenantScan(Project p) {
        if (!(p.getInput() instanceof Filter f) || !(f.getInput() instanceof TableScan ts)) {
            return false;
        }
        String org = tenantOrgColumns.get(tableName(ts));
        if (org == null) {
            return false;
        }
        int orgIdx = ts.getRowType().getFieldNames().indexOf(org);
        int cnt = ts.getRowType().getFieldCount();
        if (!isOrgEquals(f.getCondition(), orgIdx) || p.getProjects().size() != cnt + 1) {
            return false;
        }
        for (int i = 0; i < cnt; i++) {
            if (!(p.getProjects().get(i) instanceof RexInputRef ref && ref.getIndex() == i)) {
                return false;
            }
        }
        RexNode g = p.getProjects().get(cnt);
        return g instanceof RexCall c && c.getKind() == SqlKind.CASE && c.getOperands().size() == 3
                && isOrgEquals(c.getOperands().get(0), orgIdx) && isIntLiteral(c.getOperands().get(1), 1)
                && isIntLiteral(c.getOperands().get(2), 0);
    }

    private boolean isOrgEquals(RexNode e, int orgIdx) {
        return e instanceof RexCall c && c.getKind() == SqlKind.EQUALS
                && c.getOperands().get(0) instanceof RexInputRef ref && ref.getIndex() == orgIdx
                && c.getOperands().get(1) instanceof RexDynamicParam dp && dp.getIndex() == orgParamIndex;
    }

    private static boolean isIntLiteral(RexNode e, int v) {
        return e instanceof RexLiteral lit && lit.getValueAs(BigDecimal.class) != null
                && lit.getValueAs(BigDecimal.class).compareTo(BigDecimal.valueOf(v)) == 0;
    }

    private void checkSubQueries(RexNode e) {
        List<RexSubQuery> subs = new ArrayList<>();
        e.accept(new RexVisitorImpl<Void>(true) {
            @Override
            public Void visitSubQuery(RexSubQuery subQuery) {
                subs.add(subQuery);
                return super.visitSubQuery(subQuery);
            }
        });
        for (RexSubQuery s : subs) {
            visit(s.rel);
        }
    }

    private static String tableName(TableScan ts) {
        List<String> qn = ts.getTable().getQualifiedName();
        return qn.get(qn.size() - 1);
    }

    private static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    private static boolean[] concat(boolean[] a, boolean[] b) {
        boolean[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static int[] concatGuards(int[] l, int[] r, int shift) {
        int[] out = Arrays.copyOf(l, l.length + r.length);
        for (int i = 0; i < r.length; i++) {
            out[l.length + i] = r[i] + shift;
        }
        return out;
    }
}
