package io.molesignal.examples.server;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.audit.AuditEntry;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditPage;
import io.molesignal.core.audit.AuditQuery;
import io.molesignal.core.audit.Outcome;
import io.molesignal.core.audit.VerifyResult;
import io.molesignal.core.db.Database;
import io.molesignal.examples.http.Call;
import io.molesignal.examples.http.Json;
import io.molesignal.examples.http.Route;

/** Health, metrics and the audit log routes. */
final class CoreRoutes {
    private final Database database;
    private final AuditLog audit;
    private final PrometheusMeterRegistry prometheus;

    CoreRoutes(Database database, AuditLog audit, PrometheusMeterRegistry prometheus) {
        this.database = database;
        this.audit = audit;
        this.prometheus = prometheus;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/api/v1/healthz", Route.Access.PUBLIC, Role.VIEWER, Scope.QUERY, false, null,
                        this::health),
                new Route("GET", "/metrics", Route.Access.PUBLIC, Role.VIEWER, Scope.QUERY, false, null,
                        this::metrics),
                new Route("GET", "/api/v1/audit", Route.Access.PRINCIPAL, Role.ADMIN, Scope.ADMIN, false, null,
                        this::auditList),
                new Route("GET", "/api/v1/audit/verify", Route.Access.PRINCIPAL, Role.OWNER, Scope.ADMIN, false, null,
                        this::auditVerify));
    }

    private void health(Call call) throws Exception {
        boolean ok;
        try {
            ok = database.inTransaction(tx -> tx.connection().isValid(2));
        } catch (MoleSignalException e) {
            ok = false;
        }
        call.json(ok ? 200 : 503, Json.obj().put("status", ok ? "ok" : "unavailable"));
    }

    private void metrics(Call call) throws Exception {
        call.response().setStatus(200);
        call.response().setContentType("text/plain; version=0.0.4; charset=utf-8");
        call.response().getOutputStream().write(prometheus.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void auditList(Call call) throws Exception {
        Instant from = instant(call.query("from"), "from");
        Instant to = instant(call.query("to"), "to");
        String outcome = call.query("outcome");
        AuditQuery q = new AuditQuery(from, to, call.query("actor"), call.query("action"),
                outcome == null ? null : Outcome.parse(outcome), call.limit(100, 1000), call.query("cursor"));
        AuditPage page = audit.query(call.principal(), q);
        ObjectNode body = Json.obj();
        ArrayNode entries = body.putArray("entries");
        for (AuditEntry e : page.entries()) {
            ObjectNode n = entries.addObject();
            n.put("seq", e.seq());
            n.put("ts", e.timestamp().toString());
            ObjectNode actor = n.putObject("actor");
            actor.put("type", e.actor().type().wireName());
            actor.put("id", e.actor().id());
            actor.put("name", e.actor().name());
            n.put("action", e.action());
            n.put("target", e.target());
            n.put("outcome", e.outcome().wireName());
            n.put("status", e.status());
            n.put("count", e.count());
            n.put("request_id", e.requestId());
            n.set("details", Json.MAPPER.valueToTree(e.details()));
        }
        body.put("next_cursor", page.nextCursor());
        call.json(200, body);
    }

    private void auditVerify(Call call) throws Exception {
        VerifyResult r = audit.verify(call.principal().org());
        ObjectNode body = Json.obj().put("ok", r.ok());
        if (r.ok()) {
            body.put("entries", r.entries()).put("head_seq", r.headSeq());
        } else {
            body.put("first_bad_seq", r.firstBadSeq());
        }
        call.json(200, body);
    }

    private static Instant instant(String v, String name) {
        if (v == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, name + " must be an RFC 3339 time");
        }
    }
}
