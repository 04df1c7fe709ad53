-- metrics, with its reserved-word column quoted as this database folds names.
CREATE TABLE metrics (
    org_id     VARCHAR(64)  NOT NULL,
    stream     VARCHAR(64)  NOT NULL,
    ts         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    name       VARCHAR(512),
    "VALUE"  DOUBLE PRECISION,
    attributes VARCHAR,
    size_bytes BIGINT       NOT NULL
);
CREATE INDEX metrics_org_ts ON metrics (org_id, ts);
CREATE INDEX metrics_org_stream_ts ON metrics (org_id, stream, ts);
CREATE INDEX metrics_org_name_ts ON metrics (org_id, name, ts);
