package io.molesignal.examples.server;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The example server's settings.
 *
 * @param host the address to bind (default 127.0.0.1)
 * @param port the port (0 = any free port)
 * @param dbUrl a PostgreSQL JDBC URL, or null for the embedded H2 file database under {@code dataDir}
 * @param dbUser database user (PostgreSQL)
 * @param dbPassword database password (PostgreSQL)
 * @param dataDir where the embedded H2 database lives
 * @param env the environment ({@code MS_CIPHER_KEY}, {@code MS_ROOT_EMAIL}, {@code MS_ROOT_PASSWORD}…)
 * @param loginThrottle whether failed logins are throttled (off only for tests)
 * @param alertWebhook where quota alerts are posted as JSON, or null for a log line
 * @param maxBodyBytes the request body limit
 * @param requestTimeout the idle timeout of a connection
 * @param rowLevelSecurity whether tenant work on PostgreSQL also runs under the RLS wall
 * @param clock wall time
 * @param sessionPurgeInterval how often the server deletes login sessions that expired more than a day ago
 *        ({@code MoleSignalAuth.purgeExpiredSessions()}); positive
 */
public record ServerConfig(String host, int port, @Nullable String dbUrl, @Nullable String dbUser,
                           @Nullable String dbPassword, Path dataDir, Map<String, String> env, boolean loginThrottle,
                           @Nullable URI alertWebhook, long maxBodyBytes, Duration requestTimeout,
                           boolean rowLevelSecurity, Clock clock, Duration sessionPurgeInterval) {
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        env = Map.copyOf(env);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024");
        }
        if (sessionPurgeInterval.isNegative() || sessionPurgeInterval.isZero()) {
            throw new IllegalArgumentException("sessionPurgeInterval must be positive");
        }
    }

    /**
     * Defaults: 127.0.0.1:8080, H2 under ./molesignal-data, throttled logins, 10 MiB bodies, 30 s timeout, expired
     * sessions purged hourly.
     */
    public static ServerConfig defaults(Map<String, String> env) {
        return new ServerConfig("127.0.0.1", 8080, null, null, null, Path.of("molesignal-data"), env, true, null,
                10L * 1024 * 1024, Duration.ofSeconds(30), false, Clock.systemUTC(), Duration.ofHours(1));
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, dbUrl, dbUser, dbPassword, dataDir, env, loginThrottle, alertWebhook,
                maxBodyBytes, requestTimeout, rowLevelSecurity, clock, sessionPurgeInterval);
    }

    public ServerConfig withDatabase(@Nullable String url, @Nullable String user, @Nullable String password) {
        return new ServerConfig(host, port, url, user, password, dataDir, env, loginThrottle, alertWebhook,
                maxBodyBytes, requestTimeout, rowLevelSecurity, clock, sessionPurgeInterval);
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(host, port, dbUrl, dbUser, dbPassword, dir, env, loginThrottle, alertWebhook,
                maxBodyBytes, requestTimeout, rowLevelSecurity, clock, sessionPurgeInterval);
    }

    public ServerConfig withLoginThrottle(boolean on) {
        return new ServerConfig(host, port, dbUrl, dbUser, dbPassword, dataDir, env, on, alertWebhook, maxBodyBytes,
                requestTimeout, rowLevelSecurity, clock, sessionPurgeInterval);
    }

    public ServerConfig withEnv(Map<String, String> newEnv) {
        return new ServerConfig(host, port, dbUrl, dbUser, dbPassword, dataDir, newEnv, loginThrottle, alertWebhook,
                maxBodyBytes, requestTimeout, rowLevelSecurity, clock, sessionPurgeInterval);
    }

    public ServerConfig withHost(String newHost) {
        return new ServerConfig(newHost, port, dbUrl, dbUser, dbPassword, dataDir, env, loginThrottle, alertWebhook,
                maxBodyBytes, requestTimeout, rowLevelSecurity, clock, sessionPurgeInterval);
    }

    public ServerConfig withAlertWebhook(@Nullable URI uri) {
        return new ServerConfig(host, port, dbUrl, dbUser, dbPassword, dataDir, env, loginThrottle, uri, maxBodyBytes,
                requestTimeout, rowLevelSecurity, clock, sessionPurgeInterval);
    }

    public ServerConfig withRowLevelSecurity(boolean on) {
        return new ServerConfig(host, port, dbUrl, dbUser, dbPassword, dataDir, env, loginThrottle, alertWebhook,
                maxBodyBytes, requestTimeout, on, clock, sessionPurgeInterval);
    }

    public ServerConfig withClock(Clock newClock) {
        return new ServerConfig(host, port, dbUrl, dbUser, dbPassword, dataDir, env, loginThrottle, alertWebhook,
                maxBodyBytes, requestTimeout, rowLevelSecurity, newClock, sessionPurgeInterval);
    }

    public ServerConfig withSessionPurgeInterval(Duration interval) {
        return new ServerConfig(host, port, dbUrl, dbUser, dbPassword, dataDir, env, loginThrottle, alertWebhook,
                maxBodyBytes, requestTimeout, rowLevelSecurity, clock, interval);
    }
}
