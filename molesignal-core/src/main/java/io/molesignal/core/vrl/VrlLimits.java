package io.molesignal.core.vrl;

/**
 * Resource limits of a VRL program. VRL has no loops, so a program's work is bounded by its size and its data;
 * these limits bound both.
 *
 * @param maxProgramBytes largest source text, in UTF-8 bytes (default 64 KiB)
 * @param maxExpressions largest number of syntax-tree nodes (default 10,000)
 * @param maxSteps evaluation steps per event: one per expression evaluated plus one per 64 units of data a builtin
 *        processes (default 100,000); over it the event fails with {@code VRL_RUNTIME}
 * @param maxValueBytes largest string a program may produce (concatenation, repetition, encoding…), in UTF-16
 *        units, a close proxy of bytes (default 1 MiB)
 * @param maxCollectionLength most elements of an array or fields of an object a program may produce (default
 *        100,000)
 * @param maxOutputBytes largest output event, as an upper bound of its UTF-8 JSON size (default 1 MiB, the ingest
 *        event limit of API.md)
 */
public record VrlLimits(long maxProgramBytes, int maxExpressions, long maxSteps, long maxValueBytes,
                        int maxCollectionLength, long maxOutputBytes) {
    /** The defaults listed above. */
    public static final VrlLimits DEFAULT = new VrlLimits(64 * 1024, 10_000, 100_000, 1 << 20, 100_000, 1 << 20);

    /** @throws IllegalArgumentException when a limit is not positive */
    public VrlLimits {
        if (maxProgramBytes < 1 || maxExpressions < 1 || maxSteps < 1 || maxValueBytes < 1
                || maxCollectionLength < 1 || maxOutputBytes < 1) {
            throw new IllegalArgumentException("VRL limits must be positive");
        }
    }
}
