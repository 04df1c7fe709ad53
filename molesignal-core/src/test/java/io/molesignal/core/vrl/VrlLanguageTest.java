package io.molesignal.core.vrl;

import static io.molesignal.core.vrl.Vrl.compileError;
import static io.molesignal.core.vrl.Vrl.event;
import static io.molesignal.core.vrl.Vrl.json;
import static io.molesignal.core.vrl.Vrl.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;

/** Syntax, precedence, compile errors with positions, fallibility, abort, limits and per-event isolation. */
class VrlLanguageTest {

    // ---------------------------------------------------------------------------------------------- precedence

    @Test
    void orAndAndShareOneLevelLeftToRight() {
        // VRL: (true || false) && false = false; C-like precedence would give true
        assertThat(value("true || false && false")).isEqualTo(false);
        assertThat(value("false && true || true")).isEqualTo(true);
        assertThat(value("(true || false) && false")).isEqualTo(false);
        // || returns the left value unless it is null or false
        assertThat(event(".a = .x || \"default\"\n.b = .y || \"default\"", "{\"y\":\"set\"}"))
                .containsEntry("a", "default").containsEntry("b", "set");
        assertThat(value("true || (false && false)")).isEqualTo(true);
    }

    @Test
    void arithmeticAndComparisonPrecedence() {
        assertThat(value("1 + 2 * 3")).isEqualTo(7L);
        assertThat(value("(1 + 2) * 3")).isEqualTo(9L);
        assertThat(value("10 - 4 - 3")).isEqualTo(3L);
        assertThat(value("8 / 2 / 2")).isEqualTo(2.0);
        assertThat(value("1 + 2 == 3")).isEqualTo(true);
        assertThat(value("1 < 2 == true")).isEqualTo(true);
        assertThat(value("!false && true")).isEqualTo(true);
        assertThat(value("2 * -3")).isEqualTo(-6L);
        assertThat(value("1 == 1.0")).isEqualTo(true);
        assertThat(value("\"a\" + \"b\" == \"ab\" || false")).isEqualTo(true);
    }

    @Test
    void coalesceIsLowest() {
        // parse as to_int("x") ?? (1 + 2)
        assertThat(value("to_int(\"x\") ?? 1 + 2")).isEqualTo(3L);
        assertThat(value("to_int(\"5\") ?? 0")).isEqualTo(5L);
        assertThat(value("parse_json(\"{\") ?? parse_json(\"[\") ?? \"both failed\"")).isEqualTo("both failed");
    }

    // ------------------------------------------------------------------------------------------------- syntax

    @Test
    void paths() {
        String in = "{\"a\":{\"b\":[1,2,{\"c\":\"x\"}]},\"k-8s\":{\"x\":5},\"@timestamp\":\"t\"}";
        assertThat(Vrl.ok(".a.b[0]", Vrl.object(in)).value()).isEqualTo(1L);
        assertThat(Vrl.ok(".a.b[-1].c", Vrl.object(in)).value()).isEqualTo("x");
        assertThat(Vrl.ok(".\"k-8s\".x", Vrl.object(in)).value()).isEqualTo(5L);
        assertThat(Vrl.ok(".@timestamp", Vrl.object(in)).value()).isEqualTo("t");
        assertThat(Vrl.ok(".a.missing.deeper", Vrl.object(in)).value()).isNull();
        assertThat(Vrl.ok(".a.b[9]", Vrl.object(in)).value()).isNull();
        assertThat(event(".x.y[2] = 1", "{}")).isEqualTo(json("{\"x\":{\"y\":[null,null,1]}}"));
        assertThat(event(".\"a b\" = 1\n.a.b[-1] = 7", in).get("a"))
                .isEqualTo(json("{\"b\":[1,2,7]}"));
        assertThat(event(". = {\"only\": true}", in)).isEqualTo(json("{\"only\":true}"));
        assertThat(value("parse_json!(\"{\\\"m\\\": [4, 5]}\").m[1]")).isEqualTo(5L);
    }

    @Test
    void literals() {
        assertThat(value("s'raw \\n stays'")).isEqualTo("raw \\n stays");
        assertThat(value("\"tab\\tnew\\nquote\\\" u\\u{e9}\"")).isEqualTo("tab\tnew\nquote\" u\u00e9");
        assertThat(value("1_000")).isEqualTo(1000L);
        assertThat(value("1.5e3")).isEqualTo(1500.0);
        assertThat(value("null")).isNull();
        assertThat(value("[1, \"a\", [true], {\"k\": null}]")).isEqualTo(json("[1,\"a\",[true],{\"k\":null}]"));
        assertThat(value("t'2021-01-01T00:00:00+01:00'")).isEqualTo(Instant.parse("2020-12-31T23:00:00Z"));
        assertThat(value("r'^a+$'")).isInstanceOf(Pattern.class);
        assertThat(value("{\n  \"a\": 1,\n  \"b\": 2,\n}")).isEqualTo(json("{\"a\":1,\"b\":2}"));
    }

    @Test
    void variablesAndIfElse() {
        String program = """
                # classify
                lvl = downcase!(.level)
                if lvl == "error" {
                  .sev = 3
                } else if lvl == "warn" || lvl == "warning" {
                  .sev = 2
                } else {
                  .sev = 1
                }
                .label = if .sev == 3 { "bad" } else { "ok" }; .done = true
                """;
        assertThat(event(program, "{\"level\":\"ERROR\"}")).containsEntry("sev", 3L).containsEntry("label", "bad")
                .containsEntry("done", true);
        assertThat(event(program, "{\"level\":\"Warning\"}")).containsEntry("sev", 2L).containsEntry("label", "ok");
        assertThat(event(program, "{\"level\":\"info\"}")).containsEntry("sev", 1L);
    }

    @Test
    void assignmentCopiesValues() {
        Map<String, Object> out = event(".b = .a\n.b.x = 2\nv = .a\nv.y = 3\n.v = v", "{\"a\":{\"x\":1}}");
        assertThat(out).isEqualTo(json("{\"a\":{\"x\":1},\"b\":{\"x\":2},\"v\":{\"x\":1,\"y\":3}}"));
    }

    @Test
    void twoTargetAssignment() {
        assertThat(event(".n, .err = to_int(.s)", "{\"s\":\"12\"}")).containsEntry("n", 12L).containsEntry("err", null);
        Map<String, Object> bad = event("n, err = to_int(.s)\n.n = n\n.failed = err != null", "{\"s\":\"x\"}");
        assertThat(bad).containsEntry("n", 0L).containsEntry("failed", true);
        Map<String, Object> unknown = event("n, err = parse_json(.s)\n.n = n", "{\"s\":\"{\"}");
        assertThat(unknown).containsEntry("n", null);
        // a known type gets its default value on error
        assertThat(value("x, err = parse_json(\"{\") ?? 1\nx")).isEqualTo(1L);
        assertThat(value("x, err = decode_base64(\"%\")\nx")).isEqualTo("");
    }

    // ----------------------------------------------------------------------------------------- compile errors

    @Test
    void compileErrorsCarryLineAndColumn() {
        MoleSignalException e = compileError(".a = 1\n.b = (2 +\n");
        assertThat(e.line()).hasValue(3);
        e = compileError(".a = 1\n  .b = 2 $ 3");
        assertThat(e.line()).hasValue(2);
        assertThat(e.column()).hasValue(10);
        assertThat(e.getMessage()).contains("unexpected character '$'").contains("line 2, column 10");
        e = compileError("x = \"unterminated");
        assertThat(e.line()).hasValue(1);
        assertThat(e.column()).hasValue(5);
        e = compileError("\n\n   .a = nope");
        assertThat(e.getMessage()).contains("undefined variable 'nope'");
        assertThat(e.line()).hasValue(3);
        assertThat(e.column()).hasValue(9);
        e = compileError(".a = foo(1)");
        assertThat(e.getMessage()).contains("undefined function 'foo'");
        assertThat(e.column()).hasValue(6);
        e = compileError("if .a { .b = 1 }");
        assertThat(e.getMessage()).contains("predicate");
        e = compileError(".a = upcase(\"x\", 1)");
        assertThat(e.getMessage()).contains("at most 1");
        e = compileError(".a = contains(\"x\")");
        assertThat(e.getMessage()).contains("needs the argument 'substring'");
        e = compileError(".a = r'('");
        assertThat(e.getMessage()).contains("invalid regex");
        e = compileError(".a = t'yesterday'");
        assertThat(e.getMessage()).contains("invalid timestamp");
        assertThat(compileError("%meta = 1").getMessage()).contains("metadata");
        assertThat(compileError("1 + 2 = 3").getMessage()).contains("invalid assignment target");
        assertThat(compileError("{\"a\": 1} |= .").code()).isEqualTo(ErrorCode.VRL_COMPILE);
    }

    @Test
    void unhandledFallibleCallsDoNotCompile() {
        MoleSignalException e = compileError(".x = 1\n.n = to_int(.s)");
        assertThat(e.getMessage()).contains("unhandled fallible expression").contains("to_int");
        assertThat(e.line()).hasValue(2);
        assertThat(e.column()).hasValue(6);
        assertThat(compileError(".a = encrypt(.a, \"kpii\")").getMessage()).contains("\"encrypt\" can fail");
        assertThat(compileError(".a = parse_json(.m)").getMessage()).contains("parse_json");
        assertThat(compileError(".a = upcase(.m)").getMessage()).contains("argument 'value' must be string");
        assertThat(compileError(".a = .x + 1").getMessage()).contains("'+' can fail");
        assertThat(compileError(".a = 1 / .y").getMessage()).contains("'/' can fail");
        assertThat(compileError(".a = !.flag").getMessage()).contains("'!'");
        assertThat(compileError(".a = upcase(to_string(.x))").getMessage()).contains("to_string");
        // handled: !, ??, ok/err, and types known from literals or earlier assignments
        VrlProgram.compile(".a = to_int!(.s)");
        VrlProgram.compile(".a = to_int(.s) ?? 0");
        VrlProgram.compile(".a, err = to_int(.s)");
        VrlProgram.compile(".a = upcase(\"x\")\n.b = upcase(.a)");
        VrlProgram.compile(".a = 6 / 2");
        VrlProgram.compile("s = \"x\"\n.a = upcase(s + \"y\")");
    }

    @Test
    void refusedFunctionsAreCompileErrors() {
        assertThat(compileError(".k = get_env_var!(\"MS_CIPHER_KEY\")").getMessage()).contains("root key");
        assertThat(compileError("http_request!(\"https://x\")").getMessage()).contains("network");
        assertThat(compileError("log(.password)").getMessage()).contains("log is not available");
        MoleSignalException raw = compileError(
                ".c = encrypt!(.m, \"AES-256-CFB\", \"01234567890123456789012345678912\", \"1234567890123456\")");
        assertThat(raw.getMessage()).contains("managed-key form encrypt(value, \"key_name\")");
        assertThat(compileError(".c = decrypt!(.m, \"AES-256-CFB\")").getMessage()).contains("managed-key form");
        assertThat(compileError("x = \"v\"\n.c = encrypt!(x, \"kpii\")").getMessage()).contains("field:");
        VrlProgram.compile("x = \"v\"\n.c = encrypt!(x, \"kpii\", field: \"c\")");
    }

    // --------------------------------------------------------------------------------------- abort and errors

    @Test
    void abortFailsTheEventWithVrlAbort() {
        VrlResult.Failed f = Vrl.failed(".a = 1\nif .drop == true { abort }\n.b = 2", "{\"drop\":true}");
        assertThat(f.code()).isEqualTo(ErrorCode.VRL_ABORT);
        assertThat(f.message()).contains("line 2");
        assertThat(event(".a = 1\nif .drop == true { abort }\n.b = 2", "{\"drop\":false}"))
                .containsEntry("b", 2L);
        // abort is not an error that ?? can swallow
        assertThat(Vrl.failed("x = to_int(\"one\") ?? abort", "{}").code()).isEqualTo(ErrorCode.VRL_ABORT);
    }

    @Test
    void runtimeErrorFailsOnlyThatEvent() {
        VrlProgram p = VrlProgram.compile(".n = to_int!(.s) * 2\n.ok = true");
        List<Map<String, Object>> events = List.of(Vrl.object("{\"s\":\"1\"}"), Vrl.object("{\"s\":\"oops\"}"),
                Vrl.object("{\"s\":3}"), Vrl.object("{}"));
        List<VrlResult> results = new ArrayList<>();
        for (Map<String, Object> e : events) {
            results.add(p.run(e, Vrl.ctx(Vrl.ACME)));
        }
        assertThat(((VrlResult.Ok) results.get(0)).event()).isEqualTo(json("{\"s\":\"1\",\"n\":2,\"ok\":true}"));
        assertThat(results.get(1)).isInstanceOf(VrlResult.Failed.class);
        VrlResult.Failed f = (VrlResult.Failed) results.get(1);
        assertThat(f.code()).isEqualTo(ErrorCode.VRL_RUNTIME);
        assertThat(f.message()).contains("to_int").contains("(1:6)").doesNotContain("oops");
        assertThat(((VrlResult.Ok) results.get(2)).event()).containsEntry("n", 6L);
        assertThat(((VrlResult.Ok) results.get(3)).event()).containsEntry("n", 0L);
    }

    @Test
    void theRootMustStayAnObject() {
        assertThat(compileError(". = 1").getMessage()).contains("root");
        VrlResult.Failed f = Vrl.failed(". = parse_json!(.m)", "{\"m\":\"[1]\"}");
        assertThat(f.message()).contains("root");
    }

    @Test
    void hostNumberTypesAreAccepted() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("i", 5);
        e.put("d", new java.math.BigDecimal("2.5"));
        assertThat(Vrl.ok(".r = to_int!(.i) + 1\n.q = to_float!(.d) * 2.0", e).event()).containsEntry("r", 6L)
                .containsEntry("q", 5.0);
    }

    // ------------------------------------------------------------------------------------------------- limits

    @Test
    void programSizeIsLimited() {
        VrlLimits small = new VrlLimits(100, 50, 1000, 1000, 100, 10_000);
        assertThatThrownBy(() -> VrlProgram.compile(".a = \"" + "x".repeat(200) + "\"", small))
                .isInstanceOf(MoleSignalException.class).hasMessageContaining("larger than 100 bytes");
        assertThat(compileErrorWith(".a = 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1"
                + " + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1", new VrlLimits(10_000, 40, 1000, 1000, 100, 10_000)))
                .contains("more than 40 expressions");
        assertThat(compileError("x = " + "(".repeat(200) + "1" + ")".repeat(200)).getMessage())
                .contains("nested more than");
    }

    @Test
    void stringRepetitionAndConcatenationAreBounded() {
        VrlLimits limits = new VrlLimits(10_000, 1000, 100_000, 1000, 100, 1_000_000);
        VrlResult r = VrlProgram.compile("s = \"abcdefghij\" * 50\n.s = s + s + s", limits)
                .run(new LinkedHashMap<>(), Vrl.ctx(Vrl.ACME));
        assertThat(r).isInstanceOf(VrlResult.Failed.class);
        assertThat(((VrlResult.Failed) r).message()).contains("limit of 1000 bytes");
        VrlResult huge = VrlProgram.compile(".s = \"x\" * 9223372036854775807")
                .run(new LinkedHashMap<>(), Vrl.ctx(Vrl.ACME));
        assertThat(huge).isInstanceOf(VrlResult.Failed.class);
    }

    @Test
    void arraysCannotGrowWithoutBound() {
        VrlResult r = VrlProgram.compile(".a[2000000000] = 1").run(new LinkedHashMap<>(), Vrl.ctx(Vrl.ACME));
        assertThat(r).isInstanceOf(VrlResult.Failed.class);
        assertThat(((VrlResult.Failed) r).message()).contains("limit");
    }

    @Test
    void stepBudgetEndsTheEvent() {
        VrlLimits limits = new VrlLimits(10_000, 1000, 8, 1 << 20, 1000, 1 << 20);
        VrlResult r = VrlProgram.compile(".a = 1\n.b = 2\n.c = 3\n.d = 4\n.e = 5\n.f = 6\n.g = 7\n.h = 8\n.i = 9\n.j = 10"
                + "\n.k = 11", limits).run(new LinkedHashMap<>(), Vrl.ctx(Vrl.ACME));
        assertThat(r).isInstanceOf(VrlResult.Failed.class);
        assertThat(((VrlResult.Failed) r).message()).contains("budget");
        // data-proportional work counts too
        VrlLimits tight = new VrlLimits(10_000, 1000, 50, 1 << 20, 100_000, 1 << 22);
        VrlResult big = VrlProgram.compile(".p = split!(.s, \",\")", tight)
                .run(Vrl.object("{\"s\":\"" + "a,".repeat(10_000) + "\"}"), Vrl.ctx(Vrl.ACME));
        assertThat(big).isInstanceOf(VrlResult.Failed.class);
    }

    @Test
    void catastrophicBacktrackingFailsTheEventWithinTheBudget() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("s", "a".repeat(20) + "b");
        VrlResult r = VrlProgram.compile(".t = replace!(.s, r'(.*a){21}', \"x\")").run(e, Vrl.ctx(Vrl.ACME));
        assertThat(r).isInstanceOf(VrlResult.Failed.class);
        assertThat(((VrlResult.Failed) r).message()).contains("budget");
    }

    @Test
    void outputSizeIsLimited() {
        VrlLimits limits = new VrlLimits(10_000, 1000, 100_000, 1 << 20, 1000, 2000);
        VrlResult r = VrlProgram.compile(".a = \"x\" * 1500\n.b = .a", limits)
                .run(new LinkedHashMap<>(), Vrl.ctx(Vrl.ACME));
        assertThat(r).isInstanceOf(VrlResult.Failed.class);
        assertThat(((VrlResult.Failed) r).message()).contains("output over the size limit");
    }

    @Test
    void deeplyNestedJsonFailsTheEventNotTheProcess() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("m", deep);
        VrlResult r = VrlProgram.compile(".p = parse_json!(.m)").run(e, Vrl.ctx(Vrl.ACME));
        assertThat(r).isInstanceOf(VrlResult.Failed.class);
    }

    @Test
    void programsAreThreadSafe() throws Exception {
        VrlProgram p = VrlProgram.compile(".n = to_int!(.s) + 1\n.h = sha2(to_string!(.n), variant: \"SHA-256\")");
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int base = t * 1000;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("s", String.valueOf(base + i));
                    VrlResult r = p.run(e, Vrl.ctx(Vrl.ACME));
                    if (!(r instanceof VrlResult.Ok ok) || !ok.event().get("n").equals((long) base + i + 1)) {
                        errors.add(new AssertionError("wrong result " + r));
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(errors).isEmpty();
    }

    private static String compileErrorWith(String source, VrlLimits limits) {
        try {
            VrlProgram.compile(source, limits);
        } catch (MoleSignalException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a compile error");
    }
}
