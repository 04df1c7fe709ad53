package io.molesignal.query.internal;

import java.util.List;

import io.molesignal.query.ResultColumn;

/**
 * A cached, org-independent plan: the generated SQL, what to bind to each {@code ?} in text order, the result
 * columns and the columns to decrypt in Java. It holds no per-org fact: the org, the key kind and candidate
 * ciphertexts are bound at execution.
 *
 * @param sql the SQL for the target dialect
 * @param slots one entry per {@code ?} of {@code sql}, in text order
 * @param columns the result columns
 * @param decrypts columns of the result that hold ciphertext to decrypt in Java
 * @param userParamCount the number of positional parameters the query text has
 * @param userParamTypes the SQL type name of each positional parameter
 */
public record Plan(String sql, List<Slot> slots, List<ResultColumn> columns, List<DecryptColumn> decrypts,
                   int userParamCount, List<String> userParamTypes) {
    public Plan {
        slots = List.copyOf(slots);
        columns = List.copyOf(columns);
        decrypts = List.copyOf(decrypts);
        userParamTypes = List.copyOf(userParamTypes);
    }

    /** What one {@code ?} of the generated SQL is bound to. */
    public sealed interface Slot permits OrgSlot, UserSlot, CandidatesSlot {
    }

    /** The caller's org id. */
    public record OrgSlot() implements Slot {
    }

    /** The caller's positional parameter {@code index} (0-based). */
    public record UserSlot(int index) implements Slot {
    }

    /** The candidate ciphertexts of {@code plaintexts} under the caller's deterministic key (an array). */
    public record CandidatesSlot(String keyName, String field, List<String> plaintexts, int line, int column)
            implements Slot {
        public CandidatesSlot {
            plaintexts = List.copyOf(plaintexts);
        }
    }

    /**
     * A result column holding ciphertext, decrypted in Java with the caller's key.
     *
     * @param index 0-based result column
     * @param keyName the key name literal
     * @param field the associated-data field
     * @param lenient {@code try_decrypt}: NULL instead of an error
     */
    public record DecryptColumn(int index, String keyName, String field, boolean lenient) {
    }
}
