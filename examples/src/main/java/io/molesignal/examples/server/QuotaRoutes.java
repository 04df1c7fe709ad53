package io.molesignal.examples.server;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.OrgId;
import io.molesignal.core.Principal;
import io.molesignal.core.Role;
import io.molesignal.core.Scope;
import io.molesignal.core.quota.QuotaGovernor;
import io.molesignal.core.quota.QuotaLimits;
import io.molesignal.core.quota.QuotaUsage;
import io.molesignal.examples.http.Call;
import io.molesignal.examples.http.Json;
import io.molesignal.examples.http.Route;

/** The caller's quotas, and the platform root's quota changes. */
final class QuotaRoutes implements AuthRoutes.OrgQuotaView {
    private final QuotaGovernor quotas;

    QuotaRoutes(QuotaGovernor quotas) {
        this.quotas = quotas;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/api/v1/quotas", Route.Access.PRINCIPAL, Role.VIEWER, Scope.QUERY, false, null,
                        c -> c.json(200, Json.obj().<ObjectNode>set("limits", json(quotas.limits(c.principal())))
                                .set("usage", json(quotas.usage(c.principal()))))),
                new Route("PUT", "/api/v1/orgs/{name}/quotas", Route.Access.PLATFORM_ROOT, Role.OWNER, Scope.ADMIN,
                        true, "org.quotas.update", this::update));
    }

    @Override
    public ObjectNode limits(Principal root, OrgId org) {
        return json(quotas.limitsOf(root, org));
    }

    @Override
    public ObjectNode usage(Principal root, OrgId org) {
        return json(quotas.usageOf(root, org));
    }

    static ObjectNode json(QuotaLimits l) {
        ObjectNode n = Json.obj();
        n.put("ingest_qps", l.ingestQps());
        n.put("ingest_burst", l.ingestBurst());
        n.put("query_qps", l.queryQps());
        n.put("query_burst", l.queryBurst());
        n.put("storage_bytes", l.storageBytes());
        n.put("retention_days", l.retentionDays());
        return n;
    }

    static ObjectNode json(QuotaUsage u) {
        return Json.obj().put("storage_bytes", u.storageBytes());
    }

    private void update(Call call) throws Exception {
        OrgId org = AuthRoutes.orgPath(call);
        JsonNode b = call.jsonObject();
        QuotaLimits.Builder l = quotas.limitsOf(call.principal(), org).toBuilder();
        for (var it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of("ingest_qps", "ingest_burst", "query_qps", "query_burst", "storage_bytes", "retention_days")
                    .contains(f)) {
                throw new MoleSignalException(ErrorCode.INVALID_INPUT, "unknown quota field " + f.replaceAll("[^a-z_]", ""));
            }
        }
        if (b.has("ingest_qps")) {
            Long qps = number(b, "ingest_qps");
            l.ingestQps(qps);
            l.ingestBurst(b.has("ingest_burst") ? number(b, "ingest_burst") : qps == null ? null : qps * 2);
        } else if (b.has("ingest_burst")) {
            l.ingestBurst(number(b, "ingest_burst"));
        }
        if (b.has("query_qps")) {
            Long qps = number(b, "query_qps");
            l.queryQps(qps);
            l.queryBurst(b.has("query_burst") ? number(b, "query_burst") : qps == null ? null : qps * 2);
        } else if (b.has("query_burst")) {
            l.queryBurst(number(b, "query_burst"));
        }
        if (b.has("storage_bytes")) {
            l.storageBytes(number(b, "storage_bytes"));
        }
        if (b.has("retention_days")) {
            Long d = number(b, "retention_days");
            l.retentionDays(d == null ? null : Math.toIntExact(Math.min(d, Integer.MAX_VALUE)));
        }
        QuotaLimits built;
        try {
            built = l.build();
        } catch (IllegalArgumentException e) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, "invalid quota values");
        }
        call.json(200, json(quotas.updateLimits(call.principal(), call.audit(), org, built)));
    }

    private static Long number(JsonNode b, String f) {
        JsonNode n = b.get(f);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw new MoleSignalException(ErrorCode.INVALID_INPUT, f + " must be a non-negative integer or null");
        }
        return n.longValue();
    }
}
