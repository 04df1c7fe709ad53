-- molesignal-core: the VRL program of each (org, stream). Runs on H2 2.x and PostgreSQL 13+.
-- One row per stream; version grows by one on every change (a delete keeps a tombstone row so that a later
-- program never reuses a version number, which caches key on).
CREATE TABLE ms_vrl_program (
    org_id     VARCHAR(64)                 NOT NULL,
    stream     VARCHAR(64)                 NOT NULL,
    version    BIGINT                      NOT NULL,
    source     VARCHAR(65536),
    deleted    BOOLEAN                     NOT NULL,
    updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_by VARCHAR(128)                NOT NULL,
    PRIMARY KEY (org_id, stream)
);
