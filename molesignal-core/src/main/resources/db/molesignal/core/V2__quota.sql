-- molesignal-core: per-org quotas (QuotaGovernor). Runs on H2 2.x and PostgreSQL 13+.

-- Limits per org; a missing row means the defaults of API.md. A NULL column means unlimited (retention: keep).
-- change_seq orders changes so that every instance can poll for the ones it has not seen.
CREATE TABLE ms_quota_limits (
    org_id         VARCHAR(64) NOT NULL PRIMARY KEY,
    ingest_qps     BIGINT,
    ingest_burst   BIGINT,
    query_qps      BIGINT,
    query_burst    BIGINT,
    storage_bytes  BIGINT,
    retention_days INTEGER,
    change_seq     BIGINT      NOT NULL
);

CREATE INDEX ms_quota_limits_seq ON ms_quota_limits (change_seq);

-- One row: the last change_seq handed out. Updating it serialises limit changes, so commit order = seq order.
CREATE TABLE ms_quota_seq (
    id  INTEGER NOT NULL PRIMARY KEY,
    seq BIGINT  NOT NULL
);

INSERT INTO ms_quota_seq (id, seq) VALUES (1, 0);

-- Storage usage per org: committed bytes and bytes reserved by inserts in flight.
CREATE TABLE ms_quota_storage (
    org_id         VARCHAR(64) NOT NULL PRIMARY KEY,
    used_bytes     BIGINT      NOT NULL,
    reserved_bytes BIGINT      NOT NULL
);

-- Reservations in flight, so that those of a crashed instance can be expired by the reconciler.
CREATE TABLE ms_quota_reservation (
    org_id         VARCHAR(64) NOT NULL,
    reservation_id VARCHAR(36) NOT NULL,
    bytes          BIGINT      NOT NULL,
    created_micros BIGINT      NOT NULL,
    PRIMARY KEY (org_id, reservation_id)
);

-- Distributed rate limits (PostgresRateStore): one GCRA theoretical arrival time per (org, kind), in microseconds
-- of the database clock, and the tokens the last lease took.
CREATE TABLE ms_quota_gcra (
    org_id    VARCHAR(64)      NOT NULL,
    kind      VARCHAR(16)      NOT NULL,
    tat_us    DOUBLE PRECISION NOT NULL,
    last_take BIGINT           NOT NULL,
    PRIMARY KEY (org_id, kind)
);
