package io.molesignal.core.internal.vrl;

import java.time.Clock;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.OrgId;
import io.molesignal.core.spi.CipherFunctions;

/** The entry points the public {@code VrlProgram} uses. Immutable and thread-safe once built. */
public final class Interpreter {
    private final Node.Block root;
    private final int localCount;

    private Interpreter(Parser.Compiled compiled) {
        this.root = compiled.root();
        this.localCount = compiled.localCount();
    }

    /** @throws io.molesignal.core.MoleSignalException VRL_COMPILE with line and column */
    public static Interpreter compile(String source, int maxNodes) {
        return new Interpreter(Parser.compile(source, maxNodes));
    }

    /** What one run produced: the new root and the last expression's value, or a failure. */
    public record Outcome(@Nullable Object root, @Nullable Object value, @Nullable ErrorCode code,
                          @Nullable String message, long steps) {
    }

    /**
     * Runs on {@code event} (modified in place).
     *
     * @throws io.molesignal.core.MoleSignalException UNAVAILABLE when the cipher's backing store is unreachable
     */
    public Outcome run(Map<String, Object> event, OrgId org, @Nullable CipherFunctions cipher, Clock clock,
                       long maxSteps, long maxValueBytes, int maxCollectionLength, long maxOutputBytes) {
        Frame f = new Frame(event, localCount, maxSteps, maxValueBytes, maxCollectionLength, org, cipher, clock);
        try {
            Object value = root.eval(f);
            if (!(f.root instanceof Map)) {
                return new Outcome(null, null, ErrorCode.VRL_RUNTIME, "the event root must remain an object",
                        f.steps());
            }
            Values.finish(f.root, maxOutputBytes);
            return new Outcome(f.root, value, null, null, f.steps());
        } catch (VrlFailure e) {
            return new Outcome(null, null, e.code(), e.getMessage(), f.steps());
        } catch (StackOverflowError e) {
            return new Outcome(null, null, ErrorCode.VRL_RUNTIME, "the event is nested too deeply", f.steps());
        }
    }
}
