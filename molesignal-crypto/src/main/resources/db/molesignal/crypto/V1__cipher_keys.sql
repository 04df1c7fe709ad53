-- molesignal-crypto: the root-key fingerprint and per-org named cipher keys. Runs on H2 2.x and PostgreSQL 13+.

-- One row: the fingerprint of the root key (MS_CIPHER_KEY) the keysets are sealed under. Not secret.
CREATE TABLE ms_cipher_root (
    id          INTEGER     NOT NULL PRIMARY KEY CHECK (id = 1),
    fingerprint VARCHAR(16) NOT NULL,
    created_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

-- A named key of an org: a Tink keyset sealed under the root key (base64url of Tink's encrypted keyset format),
-- associated data lp("ms1-keyset") | lp(org_id) | lp(name) | lp(kind), so a row copied elsewhere does not open.
CREATE TABLE ms_cipher_key (
    org_id           VARCHAR(64)     NOT NULL,
    name             VARCHAR(64)     NOT NULL,
    kind             VARCHAR(16)     NOT NULL,
    keyset           VARCHAR(1000000) NOT NULL,
    root_fingerprint VARCHAR(16)     NOT NULL,
    primary_version  INTEGER         NOT NULL,
    created_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (org_id, name)
);

-- One row per key version (version n is the n-th entry of the keyset). status mirrors the sealed keyset, which is
-- authoritative. reserved_encryptions is the random-nonce encryption budget handed out to instances so far.
CREATE TABLE ms_cipher_key_version (
    org_id               VARCHAR(64) NOT NULL,
    name                 VARCHAR(64) NOT NULL,
    version              INTEGER     NOT NULL,
    key_id               BIGINT      NOT NULL,
    status               VARCHAR(16) NOT NULL,
    reserved_encryptions BIGINT      NOT NULL,
    created_at           TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (org_id, name, version),
    FOREIGN KEY (org_id, name) REFERENCES ms_cipher_key (org_id, name)
);
