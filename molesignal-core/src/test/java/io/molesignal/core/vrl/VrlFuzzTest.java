package io.molesignal.core.vrl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/**
 * Properties over random input (a fixed seed, so failures reproduce): the compiler either compiles or answers
 * {@code VRL_COMPILE} with a position inside the source, and a compiled program either transforms an event or
 * returns a per-event error — never another exception.
 */
class VrlFuzzTest {
    private static final List<String> FRAGMENTS = List.of(".", ".a", ".b.c", "[0]", "[-1]", "x", "ok", "err", ",",
            " = ", " == ", " != ", " < ", " >= ", " + ", " - ", " * ", " / ", " && ", " || ", " ?? ", "!", "(", ")",
            "{", "}", "[", "]", "\"s\"", "s'raw'", "r'a+'", "t'2020-01-01T00:00:00Z'", "1", "-2", "3.5", "true",
            "null", "if ", " else ", "abort", "\n", ";", "# c\n", "upcase(", "to_int(", "to_string!(", "del(",
            "exists(", "parse_json!(", "encrypt(", "decode_base64(", "split(", "join(", "compact(", "merge(",
            "field: ", "\"k\": ", "%", "$", "\"unterminated", "ñ", "\\");

    @Test
    void randomSourcesCompileOrFailWithAPosition() {
        Random random = new Random(7);
        int compiled = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + random.nextInt(12);
            for (int j = 0; j < n; j++) {
                sb.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
            }
            String source = sb.toString();
            VrlProgram program;
            try {
                program = VrlProgram.compile(source);
            } catch (MoleSignalException e) {
                assertThat(e.code()).as(source).isEqualTo(ErrorCode.VRL_COMPILE);
                assertThat(e.line()).as(source).isPresent();
                assertThat(e.line().getAsInt()).as(source).isBetween(1, (int) source.lines().count() + 1);
                assertThat(e.column()).as(source).isPresent();
                continue;
            }
            compiled++;
            VrlResult r = program.run(Vrl.object("{\"a\":\"A\",\"b\":{\"c\":[1,\"2\"]},\"m\":\"{}\"}"),
                    Vrl.ctx(Vrl.ACME));
            if (r instanceof VrlResult.Failed f) {
                assertThat(f.code()).as(source).isIn(ErrorCode.VRL_RUNTIME, ErrorCode.VRL_ABORT);
            } else {
                assertThat(((VrlResult.Ok) r).event()).as(source).isInstanceOf(LinkedHashMap.class);
            }
        }
        assertThat(compiled).isGreaterThan(100);
    }
}
