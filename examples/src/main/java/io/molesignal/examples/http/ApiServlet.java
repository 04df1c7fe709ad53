package io.molesignal.examples.http;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.molesignal.core.ErrorCode;
import io.molesignal.core.MoleSignalException;
import io.molesignal.core.Principal;
import io.molesignal.core.audit.Actor;
import io.molesignal.core.audit.AuditContext;
import io.molesignal.core.audit.AuditLog;
import io.molesignal.core.audit.AuditRecord;
import io.molesignal.core.audit.Outcome;
import io.molesignal.core.quota.RateLimitExceededException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The one servlet of the example server: request id, authentication of exactly one {@code Authorization: Bearer}
 * header, routing, the role / scope / credential-kind rules of each route, and the mapping of
 * {@link MoleSignalException} to RFC 9457 problem details. Handlers are thin calls into the library.
 *
 * <p>The org of a request comes only from the principal; credentials in the query string are never read (such a
 * request is unauthenticated). Denied attempts at mutating routes are audited in the caller's org.
 */
public final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    private final transient List<Route> routes;
    private final transient Authentication authentication;
    private final transient AuditLog auditLog;
    private final transient MeterRegistry metrics;
    private final long maxBodyBytes;
    private final transient SecureRandom random = new SecureRandom();
    private final transient Map<String, Timer> timers = new ConcurrentHashMap<>();
    private static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
            "OPTIONS", "TRACE", "CONNECT");

    public ApiServlet(List<Route> routes, Authentication authentication, AuditLog auditLog, MeterRegistry metrics,
                      long maxBodyBytes) {
        this.routes = List.copyOf(routes);
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.maxBodyBytes = maxBodyBytes;
    }

    private record Match(Route route, Map<String, String> vars) {
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Timer.Sample sample = Timer.start(metrics);
        String requestId = requestId(req);
        resp.setHeader("X-Request-Id", requestId);
        MDC.put("request_id", requestId);
        String template = "unmatched";
        try {
            String path = req.getRequestURI();
            Match m = match(req.getMethod(), path);
            if (m == null) {
                throw new MoleSignalException(ErrorCode.NOT_FOUND, "no such route");
            }
            template = m.route().template();
            Principal principal = null;
            String actorName = null;
            if (m.route().access() != Route.Access.PUBLIC) {
                Authentication.Authenticated a = authenticate(req, resp);
                if (a == null) {
                    return;
                }
                principal = a.principal();
                actorName = a.actorName();
                checkAccess(m.route(), principal, actorName, requestId, req, m.vars());
            }
            Call call = new Call(req, resp, m.vars(), principal, actorName, requestId, maxBodyBytes);
            m.route().handler().handle(call);
        } catch (MoleSignalException e) {
            if (!resp.isCommitted()) {
                resp.resetBuffer();
                if (e instanceof RateLimitExceededException r) {
                    r.decision().writeHeaders(resp::setHeader); // RateLimit-Policy, RateLimit, Retry-After
                    metrics.counter("molesignal.quota.rejections", "quota", r.decision().kind().wireName()).increment();
                } else if (e.code() == ErrorCode.QUOTA_STORAGE) {
                    metrics.counter("molesignal.quota.rejections", "quota", "storage").increment();
                }
                Problems.write(resp, e);
            }
        } catch (Exception e) {
            LOG.error("request failed", e);
            if (!resp.isCommitted()) {
                resp.resetBuffer();
                Problems.write(resp, new MoleSignalException(ErrorCode.UNAVAILABLE, "internal error"));
            }
        } finally {
            sample.stop(timer(req.getMethod(), template, resp.getStatus()));
            MDC.remove("request_id");
        }
    }

    /**
     * The request timer of one method, route template and status, registered once and then taken from a map (no
     * builder, tag list or meter-id lookup per request). A method outside the standard ones is labelled
     * {@code other}, so clients cannot grow the label set.
     */
    private Timer timer(String method, String template, int status) {
        String m = STANDARD_METHODS.contains(method) ? method : "other";
        return timers.computeIfAbsent(m + ' ' + template + ' ' + status, k -> Timer.builder("molesignal.http.requests")
                .tag("method", m).tag("route", template).tag("status", Integer.toString(status))
                .publishPercentileHistogram().register(metrics));
    }

    private String requestId(HttpServletRequest req) {
        String given = req.getHeader("X-Request-Id");
        if (given != null && AuditContext.REQUEST_ID.matcher(given).matches()) {
            return given;
        }
        byte[] b = new byte[12];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private Authentication.@Nullable Authenticated authenticate(HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        List<String> headers = Collections.list(req.getHeaders("Authorization"));
        Authentication.Outcome outcome;
        if (headers.isEmpty()) {
            outcome = new Authentication.Rejected("missing", "Bearer", "authentication required");
        } else if (headers.size() > 1) {
            outcome = new Authentication.Rejected("multiple_headers",
                    "Bearer error=\"invalid_request\"", "exactly one Authorization header is allowed");
        } else {
            outcome = authentication.authenticate(headers.get(0));
        }
        if (outcome instanceof Authentication.Authenticated a) {
            return a;
        }
        Authentication.Rejected r = (Authentication.Rejected) outcome;
        metrics.counter("molesignal.auth.failures", "reason", r.reason()).increment();
        resp.setHeader("WWW-Authenticate", r.wwwAuthenticate());
        Problems.write(resp, new MoleSignalException(ErrorCode.UNAUTHENTICATED, r.message()));
        return null;
    }

    private void checkAccess(Route route, Principal p, @Nullable String actorName, String requestId,
                             HttpServletRequest req, Map<String, String> vars) {
        try {
            if (route.access() == Route.Access.PLATFORM_ROOT) {
                p.requirePlatformRoot();
            }
            p.require(route.minRole(), route.scope());
            if (route.jwtOnly()) {
                p.requireJwt();
            }
        } catch (MoleSignalException denied) {
            if (route.auditAction() != null) {
                String addr = req.getRemoteAddr();
                AuditContext ctx = new AuditContext(Actor.of(p, actorName == null ? p.subject() : actorName),
                        requestId, addr != null && addr.length() <= 64 ? addr : null);
                String target = vars.isEmpty() ? "" : String.join("/", vars.values());
                try {
                    auditLog.record(AuditRecord.builder(p.org(), route.auditAction(), ctx)
                            .target(target.length() > 512 ? target.substring(0, 512) : target)
                            .outcome(Outcome.DENIED, denied.httpStatus()).build());
                } catch (MoleSignalException e) {
                    denied.addSuppressed(e);
                }
            }
            throw denied;
        }
    }

    private @Nullable Match match(String method, String path) {
        String[] parts = path.split("/", -1);
        for (Route r : routes) {
            if (!r.method().equals(method)) {
                continue;
            }
            String[] tp = r.template().split("/", -1);
            if (tp.length != parts.length) {
                continue;
            }
            Map<String, String> vars = new HashMap<>();
            boolean ok = true;
            for (int i = 0; i < tp.length && ok; i++) {
                if (tp[i].startsWith("{") && tp[i].endsWith("}")) {
                    String v = java.net.URLDecoder.decode(parts[i], java.nio.charset.StandardCharsets.UTF_8);
                    if (v.isEmpty() || v.length() > 256) {
                        ok = false;
                    } else {
                        vars.put(tp[i].substring(1, tp[i].length() - 1), v);
                    }
                } else {
                    ok = tp[i].equals(parts[i]);
                }
            }
            if (ok) {
                return new Match(r, vars);
            }
        }
        return null;
    }

    /** The templates served, for documentation and tests. */
    public List<String> templates() {
        List<String> out = new ArrayList<>();
        routes.forEach(r -> out.add(r.method() + " " + r.template()));
        return out;
    }
}
