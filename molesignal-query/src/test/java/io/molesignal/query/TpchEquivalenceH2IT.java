package io.molesignal.query;

import io.molesignal.core.testing.TestDatabases;
import io.molesignal.core.testing.TestDb;

/**
 * {@link TpchEquivalenceContract} on H2 (in memory).
 *
 * <p>H2-specific rewrites of the query text, applied to both sides (MoleSignal and the single-org database), with
 * the reason:
 * <ul>
 *   <li>Q6: {@code decimal '0.06'} → {@code 0.06}: H2 has no typed {@code DECIMAL '…'} literal (a syntax error on the
 *       single-org database).</li>
 * </ul>
 */
class TpchEquivalenceH2IT extends TpchEquivalenceContract {
    @Override
    protected TestDb newDb(String name) {
        return TestDatabases.h2(name);
    }

    @Override
    protected TargetDialect dialect() {
        return TargetDialect.H2;
    }

    @Override
    protected String text(int q) {
        return query(q).replaceAll("(?i)decimal '([0-9.]+)'", "$1");
    }
}
