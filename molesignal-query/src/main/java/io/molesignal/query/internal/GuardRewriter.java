package io.molesignal.query.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.common.collect.ImmutableSet;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelCollations;
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
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalIntersect;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalMinus;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * The tenant guard: rewrites a validated relational plan so that every scan of a tenant table — wherever it is,
 * including inside scalar, {@code EXISTS}, {@code IN} and {@code ANY} subqueries ({@link RexSubQuery}, which a plain
 * {@code RelShuttle} does not visit) — yields only the caller's rows before any expression that can fail or leak is
 * evaluated on them, in the database as well as in Calcite.
 *
 * <p><b>Mechanism.</b> (1) Each tenant scan becomes the <em>tenant scan</em> pattern
 * {@code Project[cols…, __ms_g := CASE WHEN org = ? THEN 1 ELSE 0 END](Filter[org = ?](Scan))}: the plain
 * {@code org = ?} predicate stays where the database can use its {@code (org, …)} index. (2) The guard column
 * {@code __ms_g} is carried through every operator (projects, joins — merged —, aggregates as {@code MIN},
 * set operations, sorts). (3) Every predicate conjunct (WHERE, ON, HAVING) that is not {@link Leakproof} is
 * rewritten to {@code CASE WHEN <guard is 1 or NULL> THEN p ELSE FALSE END}. A database that inlines the query and
 * evaluates that predicate beside the org predicate — on another org's row — sees the guard expression inline
 * ({@code CASE WHEN org = ? …}), takes the {@code ELSE} branch and never evaluates {@code p}; SQL's CASE evaluates
 * only the branch it selects (PostgreSQL documents this, with the exception of constant folding, which is
 * data-independent). NULL guards come from outer-join null extension and from a global aggregate over no rows;
 * such rows carry no other org's data. Leakproof conjuncts stay unwrapped, so range and equality predicates keep
 * their index plans.
 *
 * <p>The org is a single reserved {@link RexDynamicParam}; the rewritten plan holds no per-org fact. Unknown
 * relational operators are refused ({@code SQL_UNSUPPORTED}): fail closed. {@link PlanChecker} independently
 * verifies the result.
 *
 * <p>Not thread-safe: one instance per planning.
 */
public final class GuardRewriter {
    /** The name of the guard column. */
    public static final String GUARD = "__ms_g";

    /** Test hook: disables the guard for one operator type (mutation testing of the checker). */
    public enum Mutation { NONE, SCAN, FILTER, JOIN, SUBQUERY, AGGREGATE, PROJECT, SET_OP, CORRELATE }

    private final Map<String, String> tenantOrgColumns;
    private final RexBuilder rex;
    private final int orgParamIndex;
    private final Mutation mutation;
    private final Map<CorrelationId, boolean[]> correlSafe = new HashMap<>();

    /** The result of rewriting one node: its guard field (or -1) and the safety of each original field. */
    record Out(RelNode rel, int guard, boolean[] safe) {
        boolean guarded() {
            return guard >= 0;
        }
    }

    public GuardRewriter(Map<String, String> tenantOrgColumns, RexBuilder rex, int orgParamIndex, Mutation mutation) {
        this.tenantOrgColumns = Map.copyOf(tenantOrgColumns);
        this.rex = rex;
        this.orgParamIndex = orgParamIndex;
        this.mutation = mutation;
    }

    /** Rewrites a whole plan; the result has the original row type (the guard column is projected away). */
    public RelNode rewriteRoot(RelNode root) {
        Out o = rewrite(root);
        if (!o.guarded()) {
            return o.rel();
        }
        List<RexNode> exprs = new ArrayList<>();
        List<String> names = root.getRowType().getFieldNames();
        for (int i = 0; i < names.size(); i++) {
            exprs.add(RexInputRef.of(i, o.rel().getRowType()));
        }
        return LogicalProject.create(o.rel(), List.of(), exprs, names, Set.of());
    }

    private Out rewrite(RelNode node) {
        if (node instanceof TableScan ts) {
            return scan(ts);
        }
        if (node instanceof Filter f) {
            return filter(f);
        }
        if (node instanceof Project p) {
            return project(p);
        }
        if (node instanceof Join j) {
            return join(j);
        }
        if (node instanceof Correlate c) {
            return correlate(c);
        }
        if (node instanceof Aggregate a) {
            return aggregate(a);
        }
        if (node instanceof Sort s) {
            Out in = rewrite(s.getInput());
            return new Out(LogicalSort.create(in.rel(), s.getCollation(), s.offset, s.fetch), in.guard(), in.safe());
        }
        if (node instanceof Values v) {
            return new Out(v, -1, allTrue(v.getRowType().getFieldCount()));
        }
        if (node instanceof Union || node instanceof Intersect || node instanceof Minus) {
            return setOp((SetOp) node);
        }
        if (node instanceof org.apache.calcite.rel.core.RepeatUnion ru) {
            // A recursive WITH: both parts are guarded; databases evaluate a recursive CTE as a whole before any
            // outer predicate (it is never inlined), so its output carries only the caller's rows.
            RelNode seedIn = unspool(ru.getSeedRel());
            RelNode stepIn = unspool(ru.getIterativeRel());
            Out seed = rewrite(seedIn);
            Out step = rewrite(stepIn);
            RelNode s0 = seed.guarded() ? dropGuard(seed, seedIn.getRowType()) : seed.rel();
            RelNode s1 = step.guarded() ? dropGuard(step, stepIn.getRowType()) : step.rel();
            int n = ru.getRowType().getFieldCount();
            boolean[] safe = new boolean[n];
            for (int k = 0; k < n; k++) {
                safe[k] = seed.safe()[k] && step.safe()[k];
            }
            return new Out(org.apache.calcite.rel.logical.LogicalRepeatUnion.create(s0, s1, ru.all,
                    ru.iterationLimit, ru.getTransientTable()), -1, safe);
        }
        org.slf4j.LoggerFactory.getLogger(GuardRewriter.class).debug("no guard for operator {}",
                node.getRelTypeName());
        throw new MoleSignalException(ErrorCode.SQL_UNSUPPORTED, "this query construct is not supported");
    }

    private Out scan(TableScan ts) {
        List<String> qn = ts.getTable().getQualifiedName();
        String table = qn.get(qn.size() - 1);
        boolean transientTable = ts.getTable().unwrap(org.apache.calcite.schema.TransientTable.class) != null;
        String orgColumn = transientTable ? null : tenantOrgColumns.get(table);
        int n = ts.getRowType().getFieldCount();
        if (orgColumn == null || mutation == Mutation.SCAN) {
            return new Out(ts, -1, allTrue(n));
        }
        int orgIdx = ts.getRowType().getFieldNames().indexOf(orgColumn);
        if (orgIdx < 0) {
            throw new IllegalStateException("org column missing from the scan");
        }
        RelDataType orgType = ts.getRowType().getFieldList().get(orgIdx).getType();
        RexNode orgRef = RexInputRef.of(orgIdx, ts.getRowType());
        RexNode cond = rex.makeCall(SqlStdOperatorTable.EQUALS, orgRef, orgParam(orgType));
        LogicalFilter filter = LogicalFilter.create(ts, cond);
        List<RexNode> exprs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            exprs.add(RexInputRef.of(i, ts.getRowType()));
        }
        exprs.add(guardValue(rex.makeCall(SqlStdOperatorTable.EQUALS, orgRef, orgParam(orgType))));
        List<String> names = new ArrayList<>(ts.getRowType().getFieldNames());
        names.add(GUARD);
        return new Out(LogicalProject.create(filter, List.of(), exprs, names, Set.of()), n, allTrue(n));
    }

    private RexNode orgParam(RelDataType orgType) {
        RelDataType t = rex.getTypeFactory().createTypeWithNullability(
                rex.getTypeFactory().createSqlType(SqlTypeName.VARCHAR), orgType.isNullable());
        return new RexDynamicParam(t, orgParamIndex);
    }

    private RexNode guardValue(RexNode cond) {
        RelDataType intType = rex.getTypeFactory().createSqlType(SqlTypeName.INTEGER);
        return rex.makeCall(SqlStdOperatorTable.CASE, cond, rex.makeExactLiteral(java.math.BigDecimal.ONE, intType),
                rex.makeExactLiteral(java.math.BigDecimal.ZERO, intType));
    }

    /** {@code g IS NULL OR g = 1}: the row carries no other org's data. */
    RexNode guardOk(RexNode g) {
        RelDataType intType = rex.getTypeFactory().createSqlType(SqlTypeName.INTEGER);
        return rex.makeCall(SqlStdOperatorTable.OR, rex.makeCall(SqlStdOperatorTable.IS_NULL, g),
                rex.makeCall(SqlStdOperatorTable.EQUALS, g,
                        rex.makeExactLiteral(java.math.BigDecimal.ONE, intType)));
    }

    private RexNode okAll(List<RexNode> guards) {
        List<RexNode> oks = new ArrayList<>();
        for (RexNode g : guards) {
            oks.add(guardOk(g));
        }
        return oks.size() == 1 ? oks.get(0) : rex.makeCall(SqlStdOperatorTable.AND, oks);
    }

    private RexNode guardCondition(RexNode condition, boolean[] safe, List<RexNode> guards, boolean skip) {
        List<RexNode> out = new ArrayList<>();
        for (RexNode c : RelOptUtil.conjunctions(condition)) {
            if (skip || guards.isEmpty() || Leakproof.isLeakproof(c, safe, correlSafe)) {
                out.add(c);
            } else {
                out.add(rex.makeCall(SqlStdOperatorTable.CASE, okAll(guards), c, rex.makeLiteral(false)));
            }
        }
        return RexUtil.composeConjunction(rex, out);
    }

    private Out filter(Filter f) {
        Out in = rewrite(f.getInput());
        for (CorrelationId id : f.getVariablesSet()) {
            correlSafe.put(id, in.safe());
        }
        RexNode cond = subQueries(f.getCondition());
        List<RexNode> guards = in.guarded() ? List.of(RexInputRef.of(in.guard(), in.rel().getRowType())) : List.of();
        boolean[] safe = Arrays.copyOf(in.safe(), in.rel().getRowType().getFieldCount());
        cond = guardCondition(cond, safe, guards, mutation == Mutation.FILTER);
        return new Out(LogicalFilter.create(in.rel(), cond, ImmutableSet.copyOf(f.getVariablesSet())), in.guard(),
                in.safe());
    }

    private Out project(Project p) {
        Out in = rewrite(p.getInput());
        for (CorrelationId id : p.getVariablesSet()) {
            correlSafe.put(id, in.safe());
        }
        List<RexNode> exprs = new ArrayList<>();
        boolean[] safe = new boolean[p.getProjects().size()];
        boolean[] inSafe = Arrays.copyOf(in.safe(), in.rel().getRowType().getFieldCount());
        for (int i = 0; i < p.getProjects().size(); i++) {
            RexNode e = subQueries(p.getProjects().get(i));
            exprs.add(e);
            safe[i] = Leakproof.isLeakproof(e, inSafe, correlSafe);
        }
        List<String> names = new ArrayList<>(p.getRowType().getFieldNames());
        int guard = -1;
        if (in.guarded() && mutation != Mutation.PROJECT) {
            exprs.add(RexInputRef.of(in.guard(), in.rel().getRowType()));
            names.add(GUARD);
            guard = exprs.size() - 1;
        }
        return new Out(LogicalProject.create(in.rel(), p.getHints(), exprs, names, p.getVariablesSet()), guard, safe);
    }

    private Out join(Join j) {
        Out l = rewrite(j.getLeft());
        Out r = rewrite(j.getRight());
        int nL = j.getLeft().getRowType().getFieldCount();
        int nR = j.getRight().getRowType().getFieldCount();
        int newLeft = l.rel().getRowType().getFieldCount();
        int shift = newLeft - nL;
        RexNode cond = j.getCondition();
        if (shift != 0) {
            cond = cond.accept(new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    return ref.getIndex() >= nL ? new RexInputRef(ref.getIndex() + shift, ref.getType()) : ref;
                }
            });
        }
        int total = newLeft + r.rel().getRowType().getFieldCount();
        boolean[] safe = new boolean[total];
        System.arraycopy(l.safe(), 0, safe, 0, nL);
        System.arraycopy(r.safe(), 0, safe, newLeft, nR);
        for (CorrelationId id : j.getVariablesSet()) {
            correlSafe.put(id, safe);
        }
        cond = subQueries(cond);
        List<RexNode> guards = new ArrayList<>();
        RelNode tmp = LogicalJoin.create(l.rel(), r.rel(), j.getHints(), rex.makeLiteral(true), Set.of(),
                j.getJoinType());
        RelDataType both = RelOptUtilJoin.bothSides(l.rel(), r.rel(), rex);
        if (l.guarded()) {
            guards.add(new RexInputRef(l.guard(), both.getFieldList().get(l.guard()).getType()));
        }
        if (r.guarded()) {
            int gi = newLeft + r.guard();
            guards.add(new RexInputRef(gi, both.getFieldList().get(gi).getType()));
        }
        cond = guardCondition(cond, safe, guards, mutation == Mutation.JOIN);
        LogicalJoin join = LogicalJoin.create(l.rel(), r.rel(), j.getHints(), cond,
                ImmutableSet.copyOf(j.getVariablesSet()), j.getJoinType());
        assert tmp != null;
        return mergeGuards(join, l, r, nL, nR, newLeft, j.getJoinType().projectsRight(),
                j.getRowType().getFieldNames());
    }

    private Out correlate(Correlate c) {
        Out l = rewrite(c.getLeft());
        correlSafe.put(c.getCorrelationId(), l.safe());
        Out r = rewrite(c.getRight());
        int nL = c.getLeft().getRowType().getFieldCount();
        int nR = c.getRight().getRowType().getFieldCount();
        int newLeft = l.rel().getRowType().getFieldCount();
        LogicalCorrelate corr = LogicalCorrelate.create(l.rel(), r.rel(), c.getHints(), c.getCorrelationId(),
                c.getRequiredColumns(), c.getJoinType());
        if (mutation == Mutation.CORRELATE) {
            return mergeGuards(corr, l, new Out(r.rel(), -1, r.safe()), nL, nR, newLeft,
                    c.getJoinType().projectsRight(), c.getRowType().getFieldNames());
        }
        return mergeGuards(corr, l, r, nL, nR, newLeft, c.getJoinType().projectsRight(),
                c.getRowType().getFieldNames());
    }

    /** Projects a join's output back to its original fields plus one merged guard. */
    private Out mergeGuards(RelNode join, Out l, Out r, int nL, int nR, int newLeft, boolean projectsRight,
                            List<String> originalNames) {
        RelDataType rt = join.getRowType();
        List<RexNode> exprs = new ArrayList<>();
        for (int i = 0; i < nL; i++) {
            exprs.add(RexInputRef.of(i, rt));
        }
        boolean[] safe;
        List<RexNode> guards = new ArrayList<>();
        if (l.guarded()) {
            guards.add(RexInputRef.of(l.guard(), rt));
        }
        if (projectsRight) {
            for (int i = 0; i < nR; i++) {
                exprs.add(RexInputRef.of(newLeft + i, rt));
            }
            if (r.guarded()) {
                guards.add(RexInputRef.of(newLeft + r.guard(), rt));
            }
            safe = new boolean[nL + nR];
            System.arraycopy(l.safe(), 0, safe, 0, nL);
            System.arraycopy(r.safe(), 0, safe, nL, nR);
        } else {
            safe = Arrays.copyOf(l.safe(), nL);
        }
        List<String> names = new ArrayList<>(originalNames);
        int guard = -1;
        if (!guards.isEmpty()) {
            exprs.add(guardValue(okAll(guards)));
            names.add(GUARD);
            guard = exprs.size() - 1;
        }
        return new Out(LogicalProject.create(join, List.of(), exprs, names, Set.of()), guard, safe);
    }

    private Out aggregate(Aggregate a) {
        Out in = rewrite(a.getInput());
        List<AggregateCall> calls = new ArrayList<>(a.getAggCallList());
        int groupCount = a.getGroupCount();
        int n = a.getRowType().getFieldCount();
        boolean[] safe = new boolean[n];
        List<Integer> keys = a.getGroupSet().asList();
        for (int i = 0; i < groupCount; i++) {
            safe[i] = in.safe()[keys.get(i)];
        }
        for (int i = groupCount; i < n; i++) {
            safe[i] = true;
        }
        int guard = -1;
        if (in.guarded() && mutation != Mutation.AGGREGATE) {
            boolean emptyGroup = a.getGroupSets().stream().anyMatch(org.apache.calcite.util.ImmutableBitSet::isEmpty);
            RelDataType gt = in.rel().getRowType().getFieldList().get(in.guard()).getType();
            gt = rex.getTypeFactory().createTypeWithNullability(gt, emptyGroup || gt.isNullable());
            calls.add(AggregateCall.create(SqlStdOperatorTable.MIN, false, false, false, List.of(),
                    List.of(in.guard()), -1, null, RelCollations.EMPTY, groupCount, in.rel(), gt, GUARD));
            guard = n;
        }
        LogicalAggregate agg = LogicalAggregate.create(in.rel(), a.getHints(), a.getGroupSet(), a.getGroupSets(),
                calls);
        return new Out(agg, guard, safe);
    }

    private Out setOp(SetOp s) {
        List<Out> ins = new ArrayList<>();
        boolean any = false;
        for (RelNode i : s.getInputs()) {
            Out o = rewrite(i);
            ins.add(o);
            any |= o.guarded();
        }
        int n = s.getRowType().getFieldCount();
        boolean[] safe = allTrue(n);
        for (Out o : ins) {
            for (int k = 0; k < n; k++) {
                safe[k] &= o.safe()[k];
            }
        }
        List<RelNode> inputs = new ArrayList<>();
        if (!any || mutation == Mutation.SET_OP) {
            for (Out o : ins) {
                inputs.add(o.guarded() ? dropGuard(o, s.getInputs().get(ins.indexOf(o)).getRowType()) : o.rel());
            }
            return new Out(copySetOp(s, inputs), -1, safe);
        }
        RelDataType intType = rex.getTypeFactory().createSqlType(SqlTypeName.INTEGER);
        for (Out o : ins) {
            RelDataType rt = o.rel().getRowType();
            List<RexNode> exprs = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                exprs.add(RexInputRef.of(k, rt));
            }
            exprs.add(o.guarded() ? guardValue(guardOk(RexInputRef.of(o.guard(), rt)))
                    : rex.makeExactLiteral(java.math.BigDecimal.ONE, intType));
            List<String> names = new ArrayList<>(s.getRowType().getFieldNames());
            names.add(GUARD);
            inputs.add(LogicalProject.create(o.rel(), List.of(), exprs, names, Set.of()));
        }
        return new Out(copySetOp(s, inputs), n, safe);
    }

    /** The input of a table spool (a recursive WITH's working table is written by the SQL WITH itself). */
    private static RelNode unspool(RelNode r) {
        return r instanceof org.apache.calcite.rel.core.TableSpool sp ? sp.getInput() : r;
    }

    private RelNode dropGuard(Out o, RelDataType original) {
        List<RexNode> exprs = new ArrayList<>();
        for (int k = 0; k < original.getFieldCount(); k++) {
            exprs.add(RexInputRef.of(k, o.rel().getRowType()));
        }
        return LogicalProject.create(o.rel(), List.of(), exprs, original.getFieldNames(), Set.of());
    }

    private static RelNode copySetOp(SetOp s, List<RelNode> inputs) {
        if (s instanceof Union) {
            return LogicalUnion.create(inputs, s.all);
        }
        if (s instanceof Intersect) {
            return LogicalIntersect.create(inputs, s.all);
        }
        return LogicalMinus.create(inputs, s.all);
    }

    private RexNode subQueries(RexNode e) {
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                RexSubQuery withOperands = (RexSubQuery) super.visitSubQuery(subQuery);
                if (mutation == Mutation.SUBQUERY) {
                    return withOperands;
                }
                return withOperands.clone(rewriteRoot(subQuery.rel));
            }
        });
    }

    private static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        Arrays.fill(b, true);
        return b;
    }

    /** Row type helper for a join's combined input. */
    static final class RelOptUtilJoin {
        private RelOptUtilJoin() {
        }

        static RelDataType bothSides(RelNode l, RelNode r, RexBuilder rex) {
            return rex.getTypeFactory().builder().addAll(l.getRowType().getFieldList())
                    .addAll(r.getRowType().getFieldList()).uniquify().build();
        }
    }
}
