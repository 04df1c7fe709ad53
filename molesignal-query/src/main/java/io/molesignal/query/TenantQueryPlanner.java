package io.molesignal.query;

import java.util.List;
import java.util.Objects;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;

import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.query.internal.GuardRewriter;
import io.molesignal.query.internal.Plan;
import io.molesignal.query.internal.Planning;
import io.molesignal.query.internal.ShapeNormalizer;
import io.molesignal.core.MoleSignalException;
import java.util.ArrayList;

/**
 * Plans tenant SQL with planner-level org isolation (DESIGN.md "Tenant isolation"): SQL text + principal
 * (+ positional parameters) → {@link PlannedQuery} (SQL for the target dialect, bind values, typed columns).
 *
 * <p>Pipeline: parse exactly one statement (Calcite's parser; unquoted identifiers fold to lower case) → gate the
 * statement kind (SELECT, WITH, set operations, VALUES; everything else {@code SQL_UNSUPPORTED}) → validate against
 * the {@link TenantCatalog} only ({@code SQL_VALIDATE} with line and column; an unknown name reads the same whether
 * or not it exists anywhere) → relational plan → the tenant guard on every tenant scan (see
 * {@code io.molesignal.query.internal.GuardRewriter}) → the fail-closed plan checker → dialect SQL with the org as a
 * bind parameter.
 *
 * <p><b>Plan cache.</b> A bounded Caffeine cache keyed by the catalog version and the statement's shape — string and
 * numeric literals compared with {@code = <> < <= > >= LIKE} become parameters
 * ({@code io.molesignal.query.internal.ShapeNormalizer}) — never by the org: a plan holds no per-org fact, so one
 * plan serves every org and every such literal. A shape whose lifted parameters would change types falls back to a
 * plan of the exact text. {@link #cacheStats()} tells what was run; it must
 * not be exposed on unauthenticated metrics.
 *
 * <p>Thread-safe. Close it to drop the cache.
 */
public final class TenantQueryPlanner implements AutoCloseable {
    private final TenantCatalog catalog;
    private final TargetDialect dialect;
    private final Planning planning;
    private final Cache<String, Object> cache;
    /** Exact text → its resolved plan, so a repeated statement is not parsed again to find its shape. */
    private final Cache<String, Resolved> texts;

    private TenantQueryPlanner(Builder b) {
        this.catalog = b.catalog;
        this.dialect = b.dialect;
        this.planning = new Planning(b.catalog, b.dialect, b.mutation);
        this.cache = Caffeine.newBuilder().maximumSize(b.maxCachedPlans).recordStats().build();
        this.texts = Caffeine.newBuilder().maximumSize(b.maxCachedPlans).build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The catalog. */
    public TenantCatalog catalog() {
        return catalog;
    }

    /** The target dialect. */
    public TargetDialect dialect() {
        return dialect;
    }

    /**
     * Plans {@code sql} for {@code principal}.
     *
     * @param params the positional parameters ({@code ?} in the text), in order
     * @throws io.molesignal.core.MoleSignalException {@code FORBIDDEN} when the principal lacks the viewer role or
     *         the query scope; {@code SQL_PARSE}, {@code SQL_VALIDATE}, {@code SQL_UNSUPPORTED}; {@code INVALID_INPUT}
     *         for a wrong number of parameters
     */
    public PlannedQuery plan(Principal principal, String sql, List<?> params) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(params, "params");
        principal.require(Role.VIEWER, Scope.QUERY);
        // Fast path: the exact text seen before resolves to its plan (and its lifted literals) without parsing.
        String textKey = key(sql);
        Resolved r = texts.getIfPresent(textKey);
        // The plan-cache lookup counts the hit and ties the fast path to the plan still being cached.
        if (r != null && (r.shape() == null || r.shape().userParams() == params.size())
                && cache.getIfPresent(r.planKey()) == r.plan()) {
            return r.shape() == null ? new PlannedQuery(r.plan(), principal, params)
                    : new PlannedQuery(r.plan(), principal, merge(r.shape(), r.plan(), params));
        }
        ShapeNormalizer.Shape shape = ShapeNormalizer.normalize(sql);
        if (shape.lifted() && shape.userParams() == params.size()) {
            String shapeKey = key("shape\u0000" + shape.text());
            Object entry = cache.getIfPresent(shapeKey);
            if (entry == null) {
                try {
                    Plan p = planning.plan(shape.text());
                    entry = ShapeNormalizer.typesFit(shape, p.userParamTypes()) ? p : FALLBACK;
                } catch (MoleSignalException e) {
                    entry = FALLBACK; // the exact text reports the error at the user's own positions
                }
                cache.put(shapeKey, entry);
            }
            if (entry instanceof Plan p) {
                texts.put(textKey, new Resolved(p, shape, shapeKey));
                return new PlannedQuery(p, principal, merge(shape, p, params));
            }
        }
        Object entry = cache.getIfPresent(key(sql));
        Plan plan;
        if (entry instanceof Plan p) {
            plan = p;
        } else {
            plan = planning.plan(sql);
            cache.put(key(sql), plan);
        }
        texts.put(textKey, new Resolved(plan, null, key(sql)));
        return new PlannedQuery(plan, principal, params);
    }

    /** An exact text's plan, with the shape whose lifted literals it binds (null: the text was planned as it is). */
    private record Resolved(Plan plan, ShapeNormalizer.@org.jspecify.annotations.Nullable Shape shape, String planKey) {
    }

    private static List<Object> merge(ShapeNormalizer.Shape shape, Plan p, List<?> params) {
        List<Object> merged = new ArrayList<>(shape.sources().size());
        for (int i = 0; i < shape.sources().size(); i++) {
            Object src = shape.sources().get(i);
            merged.add(src instanceof ShapeNormalizer.Literal lit
                    ? ShapeNormalizer.bindValue(lit, p.userParamTypes().get(i)) : params.get((Integer) src));
        }
        return merged;
    }

    /** Cache marker: this shape does not plan with lifted literals; plan the exact text. */
    private static final Object FALLBACK = new Object();

    /** {@link #plan(Principal, String, List)} without parameters. */
    public PlannedQuery plan(Principal principal, String sql) {
        return plan(principal, sql, List.of());
    }

    /**
     * Warms the planner up at start-up (the first plan in a fresh JVM costs seconds): plans a few statements over
     * the catalog's tables without caching them.
     */
    public void warmUp() {
        for (TenantCatalog.Table t : catalog.tables()) {
            String c = t.columns().get(0).name();
            for (String sql : List.of("SELECT * FROM " + t.name() + " WHERE " + c + " IS NOT NULL ORDER BY 1 LIMIT 1",
                    "SELECT " + c + ", COUNT(*) FROM " + t.name() + " GROUP BY " + c,
                    "SELECT * FROM " + t.name() + " a WHERE EXISTS (SELECT 1 FROM " + t.name() + " b WHERE b." + c
                            + " = a." + c + ")")) {
                try {
                    planning.plan(sql);
                } catch (RuntimeException e) {
                    // a column type that cannot be ordered or grouped: nothing to warm
                }
            }
        }
    }

    /**
     * Hit and miss counters of the plan cache. They reveal which statements were run: never expose them on an
     * unauthenticated metrics endpoint.
     */
    public CacheStats cacheStats() {
        return cache.stats();
    }

    private String key(String sql) {
        return catalog.version() + '\u0000' + sql;
    }

    @Override
    public void close() {
        cache.invalidateAll();
        texts.invalidateAll();
    }

    /** Builds a {@link TenantQueryPlanner}. Not thread-safe. */
    public static final class Builder {
        private TenantCatalog catalog;
        private TargetDialect dialect;
        private long maxCachedPlans = 10_000;
        private GuardRewriter.Mutation mutation = GuardRewriter.Mutation.NONE;

        private Builder() {
        }

        /** The catalog (required). @throws IllegalStateException when set twice */
        public Builder catalog(TenantCatalog catalog) {
            if (this.catalog != null) {
                throw new IllegalStateException("catalog already set");
            }
            this.catalog = Objects.requireNonNull(catalog, "catalog");
            return this;
        }

        /** The target dialect (required). @throws IllegalStateException when set twice */
        public Builder dialect(TargetDialect dialect) {
            if (this.dialect != null) {
                throw new IllegalStateException("dialect already set");
            }
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /** The plan cache bound (default 10,000 plans). @throws IllegalArgumentException when not positive */
        public Builder maxCachedPlans(long maxCachedPlans) {
            if (maxCachedPlans <= 0) {
                throw new IllegalArgumentException("maxCachedPlans must be positive");
            }
            this.maxCachedPlans = maxCachedPlans;
            return this;
        }

        /** Test hook (package-private): disables the guard for one operator type. */
        Builder guardMutationForTesting(GuardRewriter.Mutation mutation) {
            this.mutation = Objects.requireNonNull(mutation, "mutation");
            return this;
        }

        /** @throws IllegalStateException when the catalog or the dialect is missing */
        public TenantQueryPlanner build() {
            if (catalog == null || dialect == null) {
                throw new IllegalStateException("catalog and dialect are required");
            }
            return new TenantQueryPlanner(this);
        }
    }
}
