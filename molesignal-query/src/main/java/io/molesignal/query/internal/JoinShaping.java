package io.molesignal.query.internal;

import java.util.ArrayList;
import java.util.List;

import com.google.common.collect.ImmutableSet;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.rules.FilterJoinRule;
import org.apache.calcite.schema.TransientTable;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;

/**
 * A purely logical reshaping done before the guard: {@code WHERE} conjuncts over a join move into the join's
 * {@code ON} condition (or below it, onto the side they reference), in the statement and in every subquery plan.
 * A comma join {@code FROM a, b WHERE a.k = b.k} is otherwise written as a cross join of derived tables with the
 * predicate outside, which PostgreSQL flattens but H2 evaluates as a cross product. Conjuncts common to every
 * branch of an {@code OR} are factored out first (TPC-H Q19's {@code p_partkey = l_partkey}), and a filter that mixes
 * subquery conjuncts with plain ones is split so the plain ones can move. Nothing is evaluated; filters
 * that hold a subquery or define correlation variables stay where they are. The guard and the checker run on the
 * result, so a moved predicate is guarded wherever it ends up. In the recursive member of a recursive {@code WITH},
 * a filter over an inner join with the working table joins the {@code ON} condition whole (H2 resolves the working
 * table only in the member's own {@code FROM}, not inside a derived table).
 */
final class JoinShaping {
    private static final HepProgram PROGRAM = new HepProgramBuilder()
            .addRuleInstance(FilterJoinRule.FilterIntoJoinRule.FilterIntoJoinRuleConfig.SMART_FALSE
                    .withOperandSupplier(b0 -> b0.operand(Filter.class)
                            .predicate(f -> f.getVariablesSet().isEmpty()
                                    && !RexUtil.SubQueryFinder.containsSubQuery(f))
                            .oneInput(b1 -> b1.operand(Join.class)
                                    .predicate(j -> j.getVariablesSet().isEmpty() && !readsWorkingTable(j))
                                    .anyInputs()))
                    .as(FilterJoinRule.FilterIntoJoinRule.FilterIntoJoinRuleConfig.class)
                    .toRule())
            .build();

    private JoinShaping() {
    }

    /**
     * A filter whose condition mixes subquery conjuncts with plain ones becomes two filters: the plain conjuncts
     * below (free to move into a join), the subquery conjuncts (and the correlation variables) above.
     */
    private static RelNode split(RelNode rel) {
        if (!(rel instanceof Filter f)) {
            return rel;
        }
        if (f.getInput() instanceof Join j && j.getJoinType() == JoinRelType.INNER && readsWorkingTable(j)
                && f.getVariablesSet().isEmpty() && !RexUtil.SubQueryFinder.containsSubQuery(f)) {
            // the recursive member of a recursive WITH: H2 resolves the working table only in the member's own
            // FROM, never inside a derived table, so its filters join the ON condition instead of moving below
            RexNode on = RexUtil.composeConjunction(f.getCluster().getRexBuilder(),
                    List.of(j.getCondition(), f.getCondition()));
            return j.copy(j.getTraitSet(), on, j.getLeft(), j.getRight(), j.getJoinType(), j.isSemiJoinDone());
        }
        if (!RexUtil.SubQueryFinder.containsSubQuery(f)) {
            // (k = j AND a) OR (k = j AND b) → k = j AND (a OR b): the join predicate becomes a conjunct
            RexNode factored = RexUtil.pullFactors(f.getCluster().getRexBuilder(), f.getCondition());
            return factored.equals(f.getCondition()) ? rel
                    : LogicalFilter.create(f.getInput(), factored, ImmutableSet.copyOf(f.getVariablesSet()));
        }
        List<RexNode> plain = new ArrayList<>();
        List<RexNode> withSub = new ArrayList<>();
        for (RexNode c : RelOptUtil.conjunctions(f.getCondition())) {
            (RexUtil.SubQueryFinder.find(c) == null ? plain : withSub).add(c);
        }
        if (plain.isEmpty() || withSub.isEmpty()) {
            return rel;
        }
        RexBuilder rex = f.getCluster().getRexBuilder();
        RelNode below = LogicalFilter.create(f.getInput(), RexUtil.composeConjunction(rex, plain));
        return LogicalFilter.create(below, RexUtil.composeConjunction(rex, withSub),
                ImmutableSet.copyOf(f.getVariablesSet()));
    }

    /** Whether a join reads a recursive WITH's working table directly. */
    private static boolean readsWorkingTable(Join j) {
        for (RelNode in : j.getInputs()) {
            RelNode r = in instanceof org.apache.calcite.plan.hep.HepRelVertex v ? v.getCurrentRel() : in;
            if (r instanceof TableScan ts && ts.getTable().unwrap(TransientTable.class) != null) {
                return true;
            }
        }
        return false;
    }

    /** Reshapes {@code rel} and the plans of its subqueries. */
    static RelNode reshape(RelNode rel) {
        RelNode inner = rel.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = split(super.visit(other));
                return visited.accept(new RexShuttle() {
                    @Override
                    public RexNode visitSubQuery(RexSubQuery subQuery) {
                        RexSubQuery s = (RexSubQuery) super.visitSubQuery(subQuery);
                        return s.clone(reshape(s.rel));
                    }
                });
            }
        });
        HepPlanner hep = new HepPlanner(PROGRAM);
        hep.setRoot(inner);
        return hep.findBestExp();
    }
}
