package io.molesignal.examples.server;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.molesignal.core.Role;
import io.molesignal.core.quota.RateDecision;
import io.molesignal.core.Scope;
import io.molesignal.core.ingest.EventError;
import io.molesignal.core.ingest.IngestTable;
import io.molesignal.core.ingest.IngestPipeline;
import io.molesignal.core.ingest.IngestResult;
import io.molesignal.examples.http.Call;
import io.molesignal.examples.http.Json;
import io.molesignal.examples.http.Route;

/** The three ingest routes: logs, spans and metrics. */
final class IngestRoutes {
    private final IngestPipeline pipeline;
    private final MeterRegistry metrics;

    IngestRoutes(IngestPipeline pipeline, MeterRegistry metrics) {
        this.pipeline = pipeline;
        this.metrics = metrics;
    }

    List<Route> routes() {
        return List.of(route("/api/v1/streams/{stream}/_json", ExampleTables.LOGS),
                route("/api/v1/spans/{stream}/_json", ExampleTables.SPANS),
                route("/api/v1/metrics/{stream}/_json", ExampleTables.METRICS));
    }

    private Route route(String template, IngestTable table) {
        Counter stored = metrics.counter("molesignal.ingest.events", "table", table.table(), "outcome", "stored");
        Counter failed = metrics.counter("molesignal.ingest.events", "table", table.table(), "outcome", "failed");
        return new Route("POST", template, Route.Access.PRINCIPAL, Role.EDITOR, Scope.INGEST, false, null,
                call -> ingest(call, table, stored, failed));
    }

    private void ingest(Call call, IngestTable table, Counter stored, Counter failed) throws Exception {
        String type = call.request().getContentType();
        IngestPipeline.Format format = type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-ndjson")
                ? IngestPipeline.Format.NDJSON : IngestPipeline.Format.JSON_ARRAY;
        IngestResult r = pipeline.ingest(call.principal(), table, call.path("stream"), call.body(), format);
        if (r.rateDecision() instanceof RateDecision d) {
            d.writeHeaders(call.response()::setHeader);
        }
        stored.increment(r.ingested());
        failed.increment(r.failed());
        ObjectNode body = Json.obj().put("ingested", r.ingested()).put("failed", r.failed());
        ArrayNode errors = body.putArray("errors");
        for (EventError e : r.errors()) {
            errors.addObject().put("index", e.index()).put("code", e.code().name()).put("detail", e.detail());
        }
        call.json(200, body);
    }
}
