package io.molesignal.examples.server;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.db.Database;
import io.molesignal.core.db.TenantSession;
import io.molesignal.core.ingest.IngestTable;
import io.molesignal.core.vrl.DryRun;
import io.molesignal.core.vrl.StreamFunction;
import io.molesignal.core.vrl.StreamFunctions;
import io.molesignal.examples.http.Call;
import io.molesignal.examples.http.Json;
import io.molesignal.examples.http.Route;

/** Streams (listing, deletion) and their VRL functions. */
final class StreamRoutes {
    private final StreamFunctions functions;
    private final TenantSession tenant;
    private final StreamDeleter deleter;

    /** Deletes a stream's events in every event table (the quota governor, which also lowers usage and audits). */
    @FunctionalInterface
    interface StreamDeleter {
        void delete(Call call, String stream) throws Exception;
    }

    StreamRoutes(StreamFunctions functions, TenantSession tenant, StreamDeleter deleter) {
        this.functions = functions;
        this.tenant = tenant;
        this.deleter = deleter;
    }

    List<Route> routes() {
        Route.Access p = Route.Access.PRINCIPAL;
        return List.of(
                new Route("GET", "/api/v1/streams", p, Role.VIEWER, Scope.QUERY, false, null, this::list),
                new Route("DELETE", "/api/v1/streams/{stream}", p, Role.ADMIN, Scope.ADMIN, false, "stream.delete",
                        this::delete),
                new Route("PUT", "/api/v1/streams/{stream}/function", p, Role.EDITOR, Scope.ADMIN, false,
                        "stream.function.update", this::put),
                new Route("GET", "/api/v1/streams/{stream}/function", p, Role.VIEWER, Scope.QUERY, false, null,
                        c -> c.json(200, json(functions.get(c.principal(), c.path("stream"))))),
                new Route("DELETE", "/api/v1/streams/{stream}/function", p, Role.EDITOR, Scope.ADMIN, false,
                        "stream.function.delete", c -> {
                            functions.delete(c.principal(), c.audit(), c.path("stream"));
                            c.noContent();
                        }),
                new Route("POST", "/api/v1/functions/test", p, Role.EDITOR, Scope.ADMIN, false, null, this::test));
    }

    private static ObjectNode json(StreamFunction f) {
        return Json.obj().put("vrl", f.vrl()).put("version", f.version());
    }

    private void put(Call call) throws Exception {
        JsonNode b = call.jsonObject();
        call.json(200, json(functions.put(call.principal(), call.audit(), call.path("stream"), Call.text(b, "vrl"))));
    }

    private void test(Call call) throws Exception {
        JsonNode b = call.jsonObject();
        JsonNode events = b.get("events");
        if (events == null || !events.isArray()) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "events must be an array");
        }
        List<?> list = Json.MAPPER.convertValue(events, List.class);
        DryRun r = functions.test(call.principal(), Call.text(b, "vrl"), list);
        ObjectNode body = Json.obj();
        body.set("events", Json.MAPPER.valueToTree(r.events()));
        ArrayNode errors = body.putArray("errors");
        for (DryRun.EventError e : r.errors()) {
            errors.addObject().put("index", e.index()).put("code", e.code().name()).put("detail", e.detail());
        }
        call.json(200, body);
    }

    private void delete(Call call) throws Exception {
        String stream = call.path("stream");
        if (!StreamFunctions.STREAM_NAME.matcher(stream).matches()) {
            throw new MoleSignalException(ErrorCode.NOT_FOUND, "no such stream");
        }
        deleter.delete(call, stream);
        call.noContent();
    }

    private void list(Call call) throws Exception {
        Database db = tenant.database();
        Map<String, long[]> streams = new TreeMap<>();
        tenant.run(call.principal().org(), tx -> {
            int i = 0;
            for (IngestTable t : ExampleTables.ALL) {
                String sql = "SELECT " + db.quote(t.streamColumn()) + ", COUNT(*), COALESCE(SUM(" + db.quote(t.sizeColumn())
                        + "), 0) FROM " + db.quote(t.table()) + " WHERE " + db.quote(t.orgColumn()) + " = ? GROUP BY "
                        + db.quote(t.streamColumn());
                try (PreparedStatement ps = tx.connection().prepareStatement(sql)) {
                    ps.setString(1, call.principal().org().value());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long[] v = streams.computeIfAbsent(rs.getString(1), k -> new long[4]);
                            v[i] = rs.getLong(2);
                            v[3] += rs.getLong(3);
                        }
                    }
                }
                i++;
            }
            return null;
        });
        int limit = call.limit(100, 1000);
        ObjectNode body = Json.obj();
        ArrayNode arr = body.putArray("streams");
        streams.entrySet().stream().limit(limit).forEach(e -> arr.addObject().put("name", e.getKey())
                .put("logs", e.getValue()[0]).put("spans", e.getValue()[1]).put("metrics", e.getValue()[2])
                .put("storage_bytes", e.getValue()[3]));
        body.putNull("next_cursor");
        call.json(200, body);
    }
}
