-- inkan-idp registry schema (SQLite). Personal data lives only in sealed BLOBs; lookups use
-- keyed hashes (blind indexes), never clear text.
CREATE TABLE operators (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);
CREATE TABLE data_keys (
    id          TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL,
    sealed      BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE identities (
    uin           TEXT PRIMARY KEY,
    rid           TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL,
    status_reason TEXT,
    version       INTEGER NOT NULL,
    key_id        TEXT NOT NULL,
    data          BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE TABLE identity_history (
    uin         TEXT NOT NULL REFERENCES identities(uin),
    version     INTEGER NOT NULL,
    change      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    key_id      TEXT NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (uin, version)
);
CREATE TABLE dedup_keys (
    kind        TEXT NOT NULL,
    key_hash    TEXT NOT NULL,
    uin         TEXT NOT NULL REFERENCES identities(uin),
    PRIMARY KEY (kind, key_hash)
);
CREATE INDEX dedup_keys_uin ON dedup_keys(uin);
CREATE TABLE enrolments (
    idempotency_key TEXT PRIMARY KEY,
    request_hash    TEXT NOT NULL,
    operator_id     TEXT NOT NULL,
    status          INTEGER NOT NULL,
    response        TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE TABLE counters (
    name        TEXT PRIMARY KEY,
    value       INTEGER NOT NULL
);
CREATE TABLE vids (
    vid              TEXT PRIMARY KEY,
    uin              TEXT NOT NULL REFERENCES identities(uin),
    kind             TEXT NOT NULL,
    status           TEXT NOT NULL,
    expires_at       INTEGER,
    max_transactions INTEGER,
    transactions     INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    revoked_at       INTEGER
);
CREATE INDEX vids_uin ON vids(uin);
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
-- One row: the chain's head. Appending locks it, so the chain never forks.
CREATE TABLE audit_head (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    seq         INTEGER NOT NULL,
    hash        TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
INSERT INTO counters (name, value) VALUES ('rid', 0);
