package io.molesignal.core.quota;

import java.time.Duration;

import org.junit.jupiter.api.Assumptions;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * The Redis the tests use: {@code MS_TEST_REDIS_URL} or {@code redis://127.0.0.1:6379}. When it does not answer:
 * with {@code CI=true} the test fails; otherwise it is skipped with the reason printed (as
 * {@code TestDatabases.requirePostgres}).
 */
final class TestRedis {
    private TestRedis() {
    }

    static String url() {
        String url = System.getenv("MS_TEST_REDIS_URL");
        return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url;
    }

    static void require() {
        RedisURI uri = RedisURI.create(url());
        uri.setTimeout(Duration.ofSeconds(2));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().ping();
        } catch (RuntimeException e) {
            String reason = "Redis does not answer at " + uri.getHost() + ":" + uri.getPort() + " ("
                    + e.getClass().getSimpleName() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(reason + "; CI=true requires it", e);
            }
            System.out.println("SKIPPED Redis suite: " + reason);
            Assumptions.abort(reason);
        } finally {
            client.shutdown();
        }
    }
}
