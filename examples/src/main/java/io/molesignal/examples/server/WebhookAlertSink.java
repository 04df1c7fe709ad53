package io.molesignal.examples.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.molesignal.core.quota.AlertSink;
import io.molesignal.core.quota.QuotaAlert;
import io.molesignal.examples.http.Json;

/** Posts quota alerts as JSON to a webhook, with a 5-second timeout; failures are logged (without secrets). */
final class WebhookAlertSink implements AlertSink {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookAlertSink.class);
    private final URI uri;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WebhookAlertSink(URI uri) {
        this.uri = uri;
    }

    @Override
    public void alert(QuotaAlert a) {
        String body = Json.obj().put("type", a.type().name().toLowerCase(java.util.Locale.ROOT))
                .put("org", a.org().value()).put("quota", a.quota()).put("used", a.used()).put("limit", a.limit())
                .toString();
        try {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() >= 300) {
                LOG.warn("alert webhook answered {}", r.statusCode());
            }
        } catch (Exception e) {
            LOG.warn("alert webhook failed: {}", e.getClass().getSimpleName());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
