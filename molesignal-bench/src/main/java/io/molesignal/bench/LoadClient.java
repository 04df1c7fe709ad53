package io.molesignal.bench;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * The benchmark's measured HTTP/1.1 client: Apache HttpClient 5's classic (blocking) client with one persistent
 * connection and {@code TCP_NODELAY}, so each exchange runs on the calling thread, in the spirit of {@code wrk}.
 * {@code java.net.http.HttpClient} hands each response from its selector thread to an executor and then to the
 * caller, and {@code HttpURLConnection} writes headers and body as two segments without {@code TCP_NODELAY}, which
 * Nagle's algorithm can hold back until the server's delayed ACK; both add milliseconds that are the client's, not
 * the server's.
 *
 * <p>Not thread-safe: one instance per benchmark thread.
 */
final class LoadClient implements AutoCloseable {
    private final URI base;
    private final CloseableHttpClient http;

    /** A prepared POST with a JSON body and a bearer credential, sent as often as needed. */
    record Request(URI uri, String authorization, byte[] body) {
    }

    LoadClient(URI base) {
        this.base = base;
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(1).setMaxConnPerRoute(1)
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true)
                        .setSoTimeout(Timeout.ofMinutes(2)).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(5))
                        .setSocketTimeout(Timeout.ofMinutes(2)).build())
                .build();
        this.http = HttpClients.custom().setConnectionManager(pool).disableAutomaticRetries()
                .disableContentCompression().disableCookieManagement().disableRedirectHandling()
                .evictIdleConnections(Timeout.of(30, TimeUnit.SECONDS)).build();
    }

    /** A POST of {@code body} (JSON) to {@code path} with {@code Authorization: Bearer <bearer>}. */
    Request request(String path, String bearer, byte[] body) {
        return new Request(base.resolve(path), "Bearer " + bearer, body);
    }

    /**
     * Sends a prepared request and reads the whole response body.
     *
     * @return the status code plus {@code 1000 ×} the body length in bytes (so the caller can feed both to a
     *         blackhole)
     * @throws IOException when the exchange fails
     */
    long exchange(Request request) throws IOException {
        HttpPost post = new HttpPost(request.uri());
        post.setHeader("Authorization", request.authorization());
        post.setEntity(new ByteArrayEntity(request.body(), ContentType.APPLICATION_JSON));
        return http.execute(post, response -> {
            byte[] body = response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
            return response.getCode() + 1000L * body.length;
        });
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
