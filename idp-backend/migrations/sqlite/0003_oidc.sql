-- inkan-idp OIDC provider (SQLite). Every piece of login state lives here, so any number of
-- instances on one database share logins. Codes, tokens, sessions and PAR handles are stored
-- only as SHA-256 hashes (they are 256-bit random values).
CREATE TABLE oidc_keys (
    kid           TEXT PRIMARY KEY,
    alg           TEXT NOT NULL,
    state         TEXT NOT NULL,           -- next | active | retired
    key_id        TEXT NOT NULL,           -- the data key that sealed it
    sealed        BLOB NOT NULL,           -- the private JWK, sealed
    public_jwk    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    activated_at  INTEGER,
    retired_at    INTEGER,
    publish_until INTEGER
);
CREATE TABLE oidc_clients (
    client_id   TEXT PRIMARY KEY,
    metadata    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE TABLE oidc_par (
    handle_hash TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL,
    request     TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE TABLE oidc_transactions (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL,
    request     TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    stage       TEXT NOT NULL,             -- login | consent
    auth        TEXT,
    expires_at  INTEGER NOT NULL
);
CREATE TABLE oidc_sessions (
    sid_hash    TEXT PRIMARY KEY,
    auth        TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE TABLE oidc_codes (
    code_hash      TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    grant_data     TEXT NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER
);
CREATE TABLE oidc_tokens (
    token_hash  TEXT PRIMARY KEY,
    code_hash   TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    grant_data  TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked     INTEGER NOT NULL,
    dpop_jkt    TEXT                       -- RFC 9449: the key the token is bound to
);
CREATE INDEX oidc_tokens_code ON oidc_tokens(code_hash);
CREATE TABLE oidc_consents (
    client_id   TEXT NOT NULL,
    person      TEXT NOT NULL,             -- blind index of the UIN
    claims      TEXT NOT NULL,
    granted_at  INTEGER NOT NULL,
    PRIMARY KEY (client_id, person)
);
-- Client assertion `jti`s seen, until their assertion expires (RFC 7523 §3 replay check).
CREATE TABLE oidc_jti (
    client_id   TEXT NOT NULL,
    jti         TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (client_id, jti)
);
-- DPoP proof `jti`s seen (RFC 9449 §11.1), per key, until the proof is too old to accept.
CREATE TABLE oidc_dpop_jti (
    jkt         TEXT NOT NULL,
    jti         TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (jkt, jti)
);
