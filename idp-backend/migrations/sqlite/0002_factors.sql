-- inkan-idp 0002 (SQLite): authentication factors and e-KYC partners. OTP codes exist only as
-- HMACs under the registry's OTP key, PINs only as argon2id PHC strings; the OTP key, the
-- pairwise-subject key and the e-KYC signing key are rows of data_keys (sealed by the master key).
CREATE TABLE otp_records (
    uin         TEXT NOT NULL REFERENCES identities(uin),
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    sent_at     INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL,
    sends       INTEGER NOT NULL,
    state       TEXT NOT NULL,
    PRIMARY KEY (uin, purpose)
);
CREATE TABLE pins (
    uin          TEXT PRIMARY KEY REFERENCES identities(uin),
    phc          TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until INTEGER,
    updated_at   INTEGER NOT NULL
);
-- Failed demographic ("kba") and biometric ("bio") checks in a row, and the lock they cause.
CREATE TABLE factor_failures (
    uin          TEXT NOT NULL REFERENCES identities(uin),
    factor       TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until INTEGER,
    PRIMARY KEY (uin, factor)
);
-- One bound wallet key per identity; binding another replaces it.
CREATE TABLE wallet_keys (
    uin         TEXT PRIMARY KEY REFERENCES identities(uin),
    thumbprint  TEXT NOT NULL,
    jwk         TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE wallet_challenges (
    nonce       TEXT PRIMARY KEY,
    uin         TEXT NOT NULL REFERENCES identities(uin),
    expires_at  INTEGER NOT NULL,
    used        INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX wallet_challenges_uin ON wallet_challenges(uin);
-- e-KYC partners: an operator with the partner role and the claims it may receive.
CREATE TABLE partners (
    partner_id     TEXT PRIMARY KEY,
    operator_id    TEXT NOT NULL UNIQUE REFERENCES operators(id),
    allowed_claims TEXT NOT NULL,
    token_ttl_secs INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);
