package io.molesignal.core.vrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.testing.MutableClock;

/** Helpers for VRL tests: run a program, parse expected JSON into VRL's value shapes. */
final class Vrl {
    static final OrgId ACME = OrgId.of("acme");
    static final OrgId BETA = OrgId.of("beta");
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-30T10:15:00.123456789Z"));
    static final TestCipher CIPHER = new TestCipher();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Vrl() {
    }

    static VrlContext ctx(OrgId org) {
        return new VrlContext(org, CIPHER, CLOCK.withZone(ZoneOffset.UTC));
    }

    /** The value of the program's last expression on an empty event. */
    static Object value(String source) {
        return ok(source, new LinkedHashMap<>()).value();
    }

    /** The output event of the program on {@code eventJson}. */
    static Map<String, Object> event(String source, String eventJson) {
        return ok(source, object(eventJson)).event();
    }

    static VrlResult.Ok ok(String source, Map<String, Object> event) {
        VrlResult r = VrlProgram.compile(source).run(event, ctx(ACME));
        if (r instanceof VrlResult.Failed f) {
            fail("program failed: " + f.code() + " " + f.message());
        }
        return (VrlResult.Ok) r;
    }

    static VrlResult.Failed failed(String source, String eventJson) {
        VrlResult r = VrlProgram.compile(source).run(object(eventJson), ctx(ACME));
        assertThat(r).isInstanceOf(VrlResult.Failed.class);
        return (VrlResult.Failed) r;
    }

    static MoleSignalException compileError(String source) {
        try {
            VrlProgram.compile(source);
        } catch (MoleSignalException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.VRL_COMPILE);
            return e;
        }
        throw new AssertionError("expected a compile error for: " + source);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json) {
        return (Map<String, Object>) json(json);
    }

    /** Parses JSON into Long/Double/String/Boolean/List/Map (VRL's value shapes). */
    static Object json(String json) {
        try {
            return normalize(JSON.readValue(json, Object.class));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Object normalize(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, normalize(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(normalize(x)));
            return out;
        }
        return v;
    }
}
