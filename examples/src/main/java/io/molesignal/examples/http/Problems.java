package io.molesignal.examples.http;

import java.io.IOException;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import jakarta.servlet.http.HttpServletResponse;

/** RFC 9457 problem details for MoleSignal errors ({@code application/problem+json}). */
public final class Problems {
    private Problems() {
    }

    /** A short title per code. */
    public static String title(ErrorCode code) {
        String s = code.name().replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The problem body of an exception; {@code detail} is its safe message. */
    public static ObjectNode body(MoleSignalException e) {
        ObjectNode n = Json.obj();
        n.put("type", "urn:molesignal:problem:" + e.code().name());
        n.put("title", title(e.code()));
        n.put("status", e.httpStatus());
        n.put("detail", e.getMessage());
        n.put("code", e.code().name());
        e.line().ifPresent(l -> n.put("line", l));
        e.column().ifPresent(c -> n.put("column", c));
        return n;
    }

    /** Writes the problem (headers set by the caller, such as Retry-After, are kept). */
    public static void write(HttpServletResponse resp, MoleSignalException e) throws IOException {
        Json.write(resp, e.httpStatus(), "application/problem+json", body(e));
    }
}
