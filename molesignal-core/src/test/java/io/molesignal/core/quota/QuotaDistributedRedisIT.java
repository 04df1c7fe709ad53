package io.molesignal.core.quota;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.molesignal.core.db.Database;
import io.molesignal.core.testing.TestDatabases;

class QuotaDistributedRedisIT extends DistributedQuotaContract {
    private final String prefix = "mstest:" + UUID.randomUUID().toString().substring(0, 8) + ":";

    @Override
    protected RateStore newStore(Database database) {
        return RedisRateStore.builder(TestRedis.url()).keyPrefix(prefix).timeout(Duration.ofSeconds(2)).build();
    }

    @Override
    protected void requireStore() {
        TestRedis.require();
        TestDatabases.requirePostgres();
    }

    @Test
    void anUnreachableRedisFailsAtBuildAndBadPrefixesAreRefused() {
        assertThatThrownBy(() -> RedisRateStore.builder("redis://127.0.0.1:1").timeout(Duration.ofMillis(200))
                .build()).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> RedisRateStore.builder(TestRedis.url()).keyPrefix("a b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
