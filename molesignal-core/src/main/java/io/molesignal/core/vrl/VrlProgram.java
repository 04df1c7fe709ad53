package io.molesignal.core.vrl;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.internal.vrl.Interpreter;

/**
 * A compiled Vector Remap Language program (the subset of the VRL reference, https://vector.dev/docs/reference/vrl/,
 * that MoleSignal supports; see {@code research/crypto_vrl.md} §5.3).
 *
 * <p><b>Language.</b> Paths ({@code .}, {@code .a.b}, {@code .a[0]}, {@code .a[-1]}, {@code ."quoted key"}),
 * local variables, {@code =} and {@code ok, err =}, string ({@code "…"} with escapes), raw string ({@code s'…'}),
 * integer, float, boolean, null, array, object, timestamp ({@code t'…'}, RFC 3339) and regex ({@code r'…'};
 * matched with {@link java.util.regex.Pattern}, whose syntax is close to but not the Rust regex crate's)
 * literals; operators, lowest precedence first: {@code ??}; {@code ||} and {@code &&} on one level,
 * left-associative (so {@code a || b && c} is {@code (a || b) && c}); {@code == !=}; {@code < <= > >=};
 * {@code + -}; {@code * /}; unary {@code !} and {@code -}; {@code if / else if / else}; {@code abort};
 * {@code #} comments; calls with positional and named arguments and the {@code !} suffix. No loops, closures,
 * {@code return}, metadata ({@code %}) or templates.
 *
 * <p><b>Fallibility.</b> As upstream, an expression that can fail for the static types of its operands (a call of
 * a fallible function, {@code +} on values of unknown type…) must be handled with {@code !} on the call,
 * {@code ??} or {@code ok, err =}; otherwise compiling fails with {@code VRL_COMPILE}. Event fields have an
 * unknown type, so {@code upcase(.name)} must be written {@code upcase!(.name)}, {@code upcase(string!(.name))}
 * or {@code upcase(.name) ?? ""}.
 *
 * <p><b>Builtins.</b> encrypt, decrypt, del, exists, is_string, is_null, is_nullish, string, to_string, to_int,
 * to_float, to_bool, encode_base64, decode_base64, parse_json, encode_json, sha2, redact, replace, contains,
 * starts_with, strlen, upcase, downcase, now, parse_timestamp, format_timestamp, split, join, merge, compact, with
 * VRL's documented behaviour. {@code encrypt(value, "key_name" [, field: "f"])} and {@code decrypt} use the org's
 * managed key through {@link io.molesignal.core.spi.CipherFunctions}; the field bound into the ciphertext
 * defaults to the value's event path ({@code encrypt(.a.b, "k")} binds {@code a.b}) and {@code field:} overrides
 * it; they are always fallible. Refused at compile time: {@code get_env_var}, {@code http_request},
 * {@code dns_lookup}, {@code log}, and upstream's raw-key {@code encrypt/decrypt(value, algorithm, key, iv)}.
 *
 * <p><b>Errors.</b> A run never throws for a problem of the event: it returns {@link VrlResult.Failed} with
 * {@code VRL_ABORT} ({@code abort}) or {@code VRL_RUNTIME} (an error asserted with {@code !}, an unhandled
 * run-time error such as integer overflow, or a {@link VrlLimits} limit). Messages never contain event values.
 *
 * <p>Immutable and thread-safe; compile once and run from any number of threads.
 */
public final class VrlProgram {
    private final String source;
    private final VrlLimits limits;
    private final Interpreter interpreter;

    private VrlProgram(String source, VrlLimits limits, Interpreter interpreter) {
        this.source = source;
        this.limits = limits;
        this.interpreter = interpreter;
    }

    /**
     * Compiles with {@link VrlLimits#DEFAULT}.
     *
     * @throws MoleSignalException {@link ErrorCode#VRL_COMPILE} with the 1-based line and column of the first error
     */
    public static VrlProgram compile(String source) {
        return compile(source, VrlLimits.DEFAULT);
    }

    /**
     * Compiles {@code source}: lexing, parsing, name resolution, the fallibility check and the refusal of
     * unsupported functions.
     *
     * @throws MoleSignalException {@link ErrorCode#VRL_COMPILE} with the 1-based line and column of the first error
     *         (without a position when the program is over {@link VrlLimits#maxProgramBytes()})
     */
    public static VrlProgram compile(String source, VrlLimits limits) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(limits, "limits");
        if (source.length() > limits.maxProgramBytes()
                || source.getBytes(StandardCharsets.UTF_8).length > limits.maxProgramBytes()) {
            throw new MoleSignalException(ErrorCode.VRL_COMPILE,
                    "the program is larger than " + limits.maxProgramBytes() + " bytes");
        }
        return new VrlProgram(source, limits, Interpreter.compile(source, limits.maxExpressions()));
    }

    /** The source text. */
    public String source() {
        return source;
    }

    /** The limits it runs under. */
    public VrlLimits limits() {
        return limits;
    }

    /**
     * Runs the program on one event.
     *
     * <p>The event is a mutable JSON-like tree ({@link Map}s with string keys, {@link java.util.List}s, strings,
     * numbers, booleans, nulls), such as Jackson's {@code Map} binding produces; it is <em>modified in place</em>.
     * After a failure its content is unspecified and the caller must drop it (it may hold a partly transformed
     * value, e.g. a field not yet encrypted).
     *
     * @return the transformed event, or the event's error
     * @throws MoleSignalException {@link ErrorCode#UNAVAILABLE} when the cipher's store is unreachable (a failure
     *         of the request, not of the event)
     */
    public VrlResult run(Map<String, Object> event, VrlContext context) {
        Objects.requireNonNull(event, "event");
        Interpreter.Outcome o = interpreter.run(event, context.org(), context.cipher(), context.clock(),
                limits.maxSteps(), limits.maxValueBytes(), limits.maxCollectionLength(), limits.maxOutputBytes());
        if (o.code() != null) {
            return new VrlResult.Failed(o.code(), Objects.requireNonNull(o.message()));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) o.root();
        return new VrlResult.Ok(Objects.requireNonNull(out), o.value(), o.steps());
    }

    /** The source is not secret, but it can be long: the length only. */
    @Override
    public String toString() {
        return "VrlProgram[" + source.length() + " chars]";
    }
}
