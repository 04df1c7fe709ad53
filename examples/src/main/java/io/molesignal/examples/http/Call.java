package io.molesignal.examples.http;

import java.io.IOException;
import java.util.Map;
import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Principal;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.AuditContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** One HTTP call as a handler sees it. Not thread-safe; confined to the request's thread. */
public final class Call {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Map<String, String> pathVars;
    private final @Nullable Principal principal;
    private final @Nullable String actorName;
    private final String requestId;
    private final long maxBodyBytes;
    private byte @Nullable [] body;

    Call(HttpServletRequest request, HttpServletResponse response, Map<String, String> pathVars,
         @Nullable Principal principal, @Nullable String actorName, String requestId, long maxBodyBytes) {
        this.request = request;
        this.response = response;
        this.pathVars = pathVars;
        this.principal = principal;
        this.actorName = actorName;
        this.requestId = requestId;
        this.maxBodyBytes = maxBodyBytes;
    }

    public HttpServletRequest request() {
        return request;
    }

    public HttpServletResponse response() {
        return response;
    }

    /** The authenticated principal (routes that are not public always have one). */
    public Principal principal() {
        if (principal == null) {
            throw new MoleSignalException(ErrorCode.UNAUTHENTICATED, "authentication required");
        }
        return principal;
    }

    public String requestId() {
        return requestId;
    }

    /** A path variable of the route template. */
    public String path(String name) {
        String v = pathVars.get(name);
        if (v == null) {
            throw new IllegalStateException("no path variable " + name);
        }
        return v;
    }

    /** The audit context of this call: actor from the principal, request id and source address. */
    public AuditContext audit() {
        Principal p = principal();
        String addr = request.getRemoteAddr();
        return new AuditContext(Actor.of(p, actorName == null ? p.subject() : actorName), requestId,
                addr != null && addr.length() <= 64 ? addr : null);
    }

    /** The raw body (at most the server's body limit). */
    public byte[] body() throws IOException {
        if (body == null) {
            body = Json.readLimited(request.getInputStream(), request.getContentLengthLong(), maxBodyBytes);
        }
        return body;
    }

    /** The body as a JSON object. */
    public ObjectNode jsonObject() throws IOException {
        return Json.object(body());
    }

    /** The body as JSON (an empty body is an empty object). */
    public JsonNode jsonOrEmpty() throws IOException {
        byte[] b = body();
        return b.length == 0 ? Json.obj() : Json.parse(b);
    }

    /** A query parameter, or null. */
    public @Nullable String query(String name) {
        return request.getParameter(name);
    }

    /** The {@code limit} parameter: default 100, 1..max. */
    public int limit(int defaultLimit, int max) {
        String v = query("limit");
        if (v == null) {
            return defaultLimit;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new MoleSignalException(ErrorCode.INVALID_INPUT, "limit must be an integer between 1 and " + max);
    }

    /** Writes a JSON response. */
    public void json(int status, Object value) throws IOException {
        Json.write(response, status, "application/json", value);
    }

    /** Writes 204. */
    public void noContent() {
        response.setStatus(204);
    }

    /** An optional integer field of a JSON body. */
    public static OptionalInt intField(JsonNode body, String field, int min, int max) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return OptionalInt.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, field + " must be an integer between " + min
                    + " and " + max);
        }
        return OptionalInt.of(n.intValue());
    }

    /** A required string field of a JSON body. */
    public static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, field + " is required and must be a string");
        }
        return n.textValue();
    }
}
