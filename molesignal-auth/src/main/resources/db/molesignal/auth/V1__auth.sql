-- molesignal-auth: users, login sessions (JWT ids), API tokens and per-org JWT signing keys.
-- Runs on H2 2.x and PostgreSQL 13+. Every table is prefixed ms_auth_.
CREATE TABLE ms_auth_user (
    user_id       VARCHAR(40)  NOT NULL PRIMARY KEY,
    org_id        VARCHAR(64)  NOT NULL,
    email         VARCHAR(320) NOT NULL,
    password_hash VARCHAR(512) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    disabled      BOOLEAN      NOT NULL,
    created_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT ms_auth_user_email UNIQUE (org_id, email)
);

-- One row per JWT issued at login: logout and password changes revoke rows, and a JWT whose row is missing or
-- revoked is refused.
CREATE TABLE ms_auth_session (
    jti        VARCHAR(40) NOT NULL PRIMARY KEY,
    org_id     VARCHAR(64) NOT NULL,
    user_id    VARCHAR(40) NOT NULL,
    kid        VARCHAR(40) NOT NULL,
    issued_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP(6) WITH TIME ZONE
);
CREATE INDEX ms_auth_session_user ON ms_auth_session (user_id);

-- API tokens ms_<prefix>_<secret>: the prefix in clear for lookup, only the SHA-256 digest of the whole token.
CREATE TABLE ms_auth_api_token (
    token_id     VARCHAR(40)  NOT NULL PRIMARY KEY,
    org_id       VARCHAR(64)  NOT NULL,
    prefix       VARCHAR(16)  NOT NULL,
    digest       VARCHAR(64)  NOT NULL,
    name         VARCHAR(128) NOT NULL,
    role         VARCHAR(16)  NOT NULL,
    scopes       VARCHAR(64)  NOT NULL,
    created_by   VARCHAR(40)  NOT NULL,
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    last_used_at TIMESTAMP(6) WITH TIME ZONE,
    revoked_at   TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT ms_auth_api_token_prefix UNIQUE (prefix)
);
CREATE INDEX ms_auth_api_token_org ON ms_auth_api_token (org_id, token_id);

-- Per-org HS256 signing keys. active_org equals org_id for the one active key of an org and is NULL for retiring
-- keys, so the unique constraint allows exactly one active key per org even when instances race.
CREATE TABLE ms_auth_signing_key (
    kid        VARCHAR(40)   NOT NULL PRIMARY KEY,
    org_id     VARCHAR(64)   NOT NULL,
    key_value  VARCHAR(4096) NOT NULL,
    sealed     BOOLEAN       NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    not_after  TIMESTAMP(6) WITH TIME ZONE,
    active_org VARCHAR(64),
    CONSTRAINT ms_auth_signing_key_active UNIQUE (active_org)
);
CREATE INDEX ms_auth_signing_key_org ON ms_auth_signing_key (org_id);
