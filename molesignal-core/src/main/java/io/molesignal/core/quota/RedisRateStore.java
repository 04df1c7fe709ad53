package io.molesignal.core.quota;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.molesignal.core.OrgId;

/**
 * The Redis {@link RateStore} (needs the optional dependency {@code io.lettuce:lettuce-core}): one key per
 * (org, kind) holding the GCRA theoretical arrival time in microseconds of the Redis server clock ({@code TIME}, or
 * the time the instances send with {@link QuotaGovernor.Builder#distributedTime}), the
 * scheme of redis-cell, updated by one Lua script (atomic on the server) per {@link #take}. Each key expires once
 * its bucket would be full again, so Redis memory stays bounded by the orgs active recently.
 *
 * <p>Owns its client and one multiplexed connection; thread-safe; close it. A command that does not answer within
 * the timeout (default 250 ms) fails, and the governor falls back to its local share.
 */
public final class RedisRateStore implements RateStore {
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9:_-]{0,64}");
    private static final String SCRIPT = String.join("\n",
            "local now = tonumber(ARGV[5])",
            "if not now then",
            "  local tm = redis.call('TIME')",
            "  now = tonumber(tm[1]) * 1000000 + tonumber(tm[2])",
            "end",
            "local t = tonumber(ARGV[1])",
            "local b = tonumber(ARGV[2])",
            "local mn = tonumber(ARGV[3])",
            "local mx = tonumber(ARGV[4])",
            "local tat = tonumber(redis.call('GET', KEYS[1]) or '0')",
            "local base = math.min(math.max(tat, now), now + b)",
            "local avail = math.floor((b - (base - now)) / t + 1e-9)",
            "local take = 0",
            "if avail >= mn then take = math.min(mx, avail) end",
            "local newtat = base + take * t",
            "local ttl = math.ceil((newtat - now) / 1000) + 1000",
            "redis.call('SET', KEYS[1], string.format('%.3f', newtat), 'PX', ttl)",
            "return {take, math.ceil(newtat - now)}");

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String keyPrefix;
    private final String sha;

    private RedisRateStore(Builder b) {
        RedisURI uri = RedisURI.create(b.uri);
        uri.setTimeout(b.timeout);
        this.client = RedisClient.create(uri);
        try {
            this.connection = client.connect();
            this.keyPrefix = b.keyPrefix;
            this.sha = connection.sync().scriptLoad(SCRIPT);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** A builder for the Redis at {@code uri} ({@code redis://host:port}; credentials in the URI stay out of logs). */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    @Override
    public Grant take(OrgId org, QuotaKind kind, long ratePerSecond, long burst, long minTokens, long maxTokens) {
        return take(org, kind, ratePerSecond, burst, minTokens, maxTokens, "");
    }

    /** Computed at {@code nowMicros} of the callers' shared time base instead of the server's {@code TIME}. */
    @Override
    public Grant take(OrgId org, QuotaKind kind, long ratePerSecond, long burst, long minTokens, long maxTokens,
                      long nowMicros) {
        return take(org, kind, ratePerSecond, burst, minTokens, maxTokens, Long.toString(nowMicros));
    }

    private Grant take(OrgId org, QuotaKind kind, long ratePerSecond, long burst, long minTokens, long maxTokens,
                       String nowMicros) {
        double t = 1e6 / ratePerSecond;
        String[] keys = {keyPrefix + org.value() + ":" + kind.wireName()};
        String[] args = {Double.toString(t), Double.toString(burst * t), Long.toString(minTokens),
            Long.toString(maxTokens), nowMicros};
        RedisCommands<String, String> cmd = connection.sync();
        List<Object> r;
        try {
            r = cmd.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            r = cmd.eval(SCRIPT, ScriptOutputType.MULTI, keys, args);
        }
        return new Grant((Long) r.get(0), Math.max(0, (Long) r.get(1)));
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }

    /** Builds a {@link RedisRateStore}. Not thread-safe. */
    public static final class Builder {
        private final String uri;
        private String keyPrefix = "molesignal:quota:";
        private Duration timeout = Duration.ofMillis(250);

        private Builder(String uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        /** The key prefix (default {@code molesignal:quota:}); {@code [A-Za-z0-9:_-]{0,64}}. */
        public Builder keyPrefix(String prefix) {
            if (!PREFIX.matcher(Objects.requireNonNull(prefix, "prefix")).matches()) {
                throw new IllegalArgumentException("keyPrefix must match " + PREFIX.pattern());
            }
            this.keyPrefix = prefix;
            return this;
        }

        /** The command timeout (default 250 ms), positive. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Connects and loads the script.
         *
         * @throws io.lettuce.core.RedisException when Redis cannot be reached
         */
        public RedisRateStore build() {
            return new RedisRateStore(this);
        }
    }
}
