package io.molesignal.examples.server;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.quota.QuotaGovernor;
import io.molesignal.core.quota.RateDecision;
import io.molesignal.core.quota.RateLimitExceededException;
import io.molesignal.examples.http.Call;
import io.molesignal.examples.http.Json;
import io.molesignal.examples.http.Route;
import io.molesignal.query.QueryExecutor;
import io.molesignal.query.QueryResult;
import io.molesignal.query.ResultColumn;
import io.molesignal.query.TenantCatalog;
import io.molesignal.query.TenantQueryPlanner;

/** The schema and query routes. */
final class QueryRoutes {
    private final TenantQueryPlanner planner;
    private final QueryExecutor executor;
    private final QuotaGovernor quotas;

    QueryRoutes(TenantQueryPlanner planner, QueryExecutor executor, QuotaGovernor quotas) {
        this.planner = planner;
        this.executor = executor;
        this.quotas = quotas;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/api/v1/schema", Route.Access.PRINCIPAL, Role.VIEWER, Scope.QUERY, false, null,
                        this::schema),
                new Route("POST", "/api/v1/query", Route.Access.PRINCIPAL, Role.VIEWER, Scope.QUERY, false, null,
                        this::query));
    }

    private void schema(Call call) throws Exception {
        ObjectNode body = Json.obj();
        ArrayNode tables = body.putArray("tables");
        for (TenantCatalog.Table t : planner.catalog().queryableBy(call.principal())) {
            ObjectNode n = tables.addObject().put("name", t.name())
                    .put("kind", t.kind() == TenantCatalog.TableKind.TENANT ? "tenant" : "shared");
            ArrayNode cols = n.putArray("columns");
            for (TenantCatalog.Column c : t.columns()) {
                cols.addObject().put("name", c.name()).put("type", c.type().wireName());
            }
        }
        call.json(200, body);
    }

    private void query(Call call) throws Exception {
        // The query rate quota is checked before anything is parsed or planned.
        RateDecision d = quotas.tryAcquireQuery(call.principal());
        if (!d.allowed()) {
            throw new RateLimitExceededException(d);
        }
        d.writeHeaders(call.response()::setHeader);
        JsonNode b = call.jsonObject();
        String sql = Call.text(b, "sql");
        List<Object> params = new ArrayList<>();
        JsonNode p = b.get("params");
        if (p != null && !p.isNull()) {
            if (!p.isArray() || p.size() > 1000) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "params must be an array of at most 1000 values");
            }
            for (JsonNode v : p) {
                params.add(scalar(v));
            }
        }
        int limit = b.hasNonNull("limit") ? Call.intField(b, "limit", 1, 100_000).getAsInt() : 1000;
        // the executor fetches limit + 1 rows and reports whether more existed
        QueryResult r = executor.execute(call.principal(), sql, params, limit);
        ObjectNode body = Json.obj();
        ArrayNode cols = body.putArray("columns");
        for (ResultColumn c : r.columns()) {
            cols.addObject().put("name", c.name()).put("type", c.type().wireName());
        }
        ArrayNode rows = body.putArray("rows");
        for (List<Object> row : r.rows()) {
            ArrayNode a = rows.addArray();
            for (Object v : row) {
                addValue(a, v);
            }
        }
        body.put("truncated", r.truncated());
        call.json(200, body);
    }

    /** API.md: integers as JSON numbers, decimals as strings, timestamps as RFC 3339 strings. */
    private static void addValue(ArrayNode a, Object v) {
        if (v == null) {
            a.addNull();
        } else if (v instanceof java.time.Instant i) {
            a.add(i.toString());
        } else if (v instanceof java.time.OffsetDateTime t) {
            a.add(t.toInstant().toString());
        } else if (v instanceof java.sql.Timestamp t) {
            a.add(t.toInstant().toString());
        } else if (v instanceof java.time.temporal.TemporalAccessor t) {
            a.add(t.toString());
        } else if (v instanceof java.math.BigDecimal d) {
            a.add(d.toPlainString());
        } else {
            a.add(Json.MAPPER.valueToTree(v));
        }
    }

    private static Object scalar(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        throw new MoleSignalException(ErrorCode.INVALID_INPUT, "params must be scalars");
    }
}
