-- The example server's own tables (not the library's). Runs on H2 and PostgreSQL; metrics is in V2 per vendor,
-- because its column "value" is a reserved word in H2 and must be quoted in the case H2 folds names to.
-- Every index leads with org_id, so one org's query cost does not grow with other orgs' data.
CREATE TABLE logs (
    org_id     VARCHAR(64)  NOT NULL,
    stream     VARCHAR(64)  NOT NULL,
    ts         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    level      VARCHAR(64),
    service    VARCHAR(256),
    message    VARCHAR,
    trace_id   VARCHAR(64),
    span_id    VARCHAR(64),
    attributes VARCHAR,
    size_bytes BIGINT       NOT NULL
);
CREATE INDEX logs_org_ts ON logs (org_id, ts);
CREATE INDEX logs_org_stream_ts ON logs (org_id, stream, ts);
CREATE INDEX logs_org_level_ts ON logs (org_id, level, ts);
CREATE INDEX logs_org_service ON logs (org_id, service);

CREATE TABLE spans (
    org_id      VARCHAR(64)  NOT NULL,
    stream      VARCHAR(64)  NOT NULL,
    ts          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    trace_id    VARCHAR(64),
    span_id     VARCHAR(64),
    parent_id   VARCHAR(64),
    service     VARCHAR(256),
    name        VARCHAR(512),
    duration_ms BIGINT,
    attributes  VARCHAR,
    size_bytes  BIGINT       NOT NULL
);
CREATE INDEX spans_org_ts ON spans (org_id, ts);
CREATE INDEX spans_org_stream_ts ON spans (org_id, stream, ts);
CREATE INDEX spans_org_trace ON spans (org_id, trace_id);

-- OpenTelemetry severity names and numbers (logs data model, SeverityNumber): a SHARED read-only table.
CREATE TABLE severity_levels (
    level           VARCHAR(16) NOT NULL PRIMARY KEY,
    severity_number INTEGER     NOT NULL
);
INSERT INTO severity_levels (level, severity_number) VALUES
    ('TRACE', 1), ('DEBUG', 5), ('INFO', 9), ('NOTICE', 10), ('WARN', 13), ('WARNING', 13), ('ERROR', 17),
    ('FATAL', 21), ('CRITICAL', 21);
