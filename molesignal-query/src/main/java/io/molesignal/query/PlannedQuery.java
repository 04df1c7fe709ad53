package io.molesignal.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Principal;
import io.molesignal.core.spi.CipherFunctions;
import io.molesignal.query.internal.Plan;

/**
 * A query planned for one principal: the org-independent cached plan plus the caller and its positional
 * parameters. {@link #sql()} is the SQL for the target dialect; {@link #bindValues(CipherFunctions)} gives one value
 * per {@code ?} in text order — the org (always a bind parameter, from the principal), the caller's parameters, and
 * for a {@code decrypt(…) = 'literal'} predicate one array of candidate ciphertexts computed now.
 *
 * <p>Immutable and thread-safe.
 */
public final class PlannedQuery {
    private final Plan plan;
    private final Principal principal;
    private final List<Object> params;

    PlannedQuery(Plan plan, Principal principal, List<?> params) {
        this.plan = plan;
        this.principal = principal;
        this.params = List.copyOf(params);
        if (params.size() != plan.userParamCount()) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "the query has " + plan.userParamCount()
                    + " parameters but " + params.size() + " were given");
        }
    }

    /** The generated SQL. */
    public String sql() {
        return plan.sql();
    }

    /** The result columns. */
    public List<ResultColumn> columns() {
        return plan.columns();
    }

    /** The principal the query runs for. */
    public Principal principal() {
        return principal;
    }

    Plan plan() {
        return plan;
    }

    /**
     * The values to bind, one per {@code ?} of {@link #sql()}: a {@link String} for the org, the caller's
     * parameters as given, and a {@code String[]} of candidate ciphertexts for each decrypt predicate.
     *
     * @param cipher the field cipher, or null when none is configured
     * @throws MoleSignalException {@code CIPHER_DISABLED} when a decrypt predicate needs a cipher and there is none;
     *         {@code SQL_UNSUPPORTED} when its key is not deterministic; what the cipher throws (e.g.
     *         {@code NOT_FOUND} for a key the caller's org does not have)
     */
    public List<Object> bindValues(CipherFunctions cipher) {
        List<Object> out = new ArrayList<>();
        for (Plan.Slot s : plan.slots()) {
            if (s instanceof Plan.OrgSlot) {
                out.add(principal.org().value());
            } else if (s instanceof Plan.UserSlot u) {
                out.add(params.get(u.index()));
            } else if (s instanceof Plan.CandidatesSlot c) {
                if (cipher == null) {
                    throw new MoleSignalException(ErrorCode.CIPHER_DISABLED, "field encryption is not configured");
                }
                if (cipher.keyKind(principal.org(), c.keyName()) != CipherFunctions.KeyKind.DETERMINISTIC) {
                    throw new MoleSignalException(ErrorCode.SQL_UNSUPPORTED, "decrypt() can be compared with a "
                            + "literal only for a deterministic (aes256_siv) key", c.line(), c.column(), null);
                }
                List<String> all = new ArrayList<>();
                for (String p : c.plaintexts()) {
                    all.addAll(cipher.candidateCiphertexts(principal.org(), c.keyName(), c.field(), p));
                }
                out.add(all.toArray(new String[0]));
            }
        }
        return out;
    }

    /** {@link #bindValues(CipherFunctions)} without a cipher. */
    public List<Object> bindValues() {
        return bindValues(null);
    }

    @Override
    public String toString() {
        return "PlannedQuery[" + Objects.toString(plan.sql()) + "]";
    }
}
