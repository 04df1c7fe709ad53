-- molesignal-core: orgs, stored secrets and the audit log. Runs on H2 2.x and PostgreSQL 13+.
CREATE TABLE ms_org (
    org_id     VARCHAR(64)              NOT NULL PRIMARY KEY,
    disabled   BOOLEAN                  NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

CREATE TABLE ms_secret (
    name         VARCHAR(128)  NOT NULL PRIMARY KEY,
    secret_value VARCHAR(4096) NOT NULL,
    sealed       BOOLEAN       NOT NULL,
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

CREATE TABLE ms_audit_head (
    org_id    VARCHAR(64) NOT NULL PRIMARY KEY,
    last_seq  BIGINT      NOT NULL,
    last_hash VARCHAR(64) NOT NULL
);

CREATE TABLE ms_audit_entry (
    org_id         VARCHAR(64)   NOT NULL,
    seq            BIGINT        NOT NULL,
    ts_micros      BIGINT        NOT NULL,
    actor_type     VARCHAR(16)   NOT NULL,
    actor_id       VARCHAR(128)  NOT NULL,
    actor_name     VARCHAR(320)  NOT NULL,
    action         VARCHAR(64)   NOT NULL,
    target         VARCHAR(512)  NOT NULL,
    outcome        VARCHAR(16)   NOT NULL,
    status         INTEGER       NOT NULL,
    request_id     VARCHAR(64),
    source_address VARCHAR(64),
    details        VARCHAR(4096) NOT NULL,
    entry_count    BIGINT        NOT NULL,
    chain          VARCHAR(16)   NOT NULL,
    hash           VARCHAR(64)   NOT NULL,
    PRIMARY KEY (org_id, seq)
);

CREATE INDEX ms_audit_entry_ts ON ms_audit_entry (org_id, ts_micros);
