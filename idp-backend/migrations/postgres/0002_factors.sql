-- inkan-idp 0002 (PostgreSQL): authentication factors and e-KYC partners. OTP codes exist only as
-- HMACs under the registry's OTP key, PINs only as argon2id PHC strings; the OTP key, the
-- pairwise-subject key and the e-KYC signing key are rows of data_keys (sealed by the master key).
CREATE TABLE otp_records (
    uin         TEXT NOT NULL REFERENCES identities(uin),
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    sent_at     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    attempts    BIGINT NOT NULL,
    sends       BIGINT NOT NULL,
    state       TEXT NOT NULL,
    PRIMARY KEY (uin, purpose)
);
CREATE TABLE pins (
    uin          TEXT PRIMARY KEY REFERENCES identities(uin),
    phc          TEXT NOT NULL,
    failures     BIGINT NOT NULL,
    locked_until BIGINT,
    updated_at   BIGINT NOT NULL
);
-- Failed demographic ("kba") and biometric ("bio") checks in a row, and the lock they cause.
CREATE TABLE factor_failures (
    uin          TEXT NOT NULL REFERENCES identities(uin),
    factor       TEXT NOT NULL,
    failures     BIGINT NOT NULL,
    locked_until BIGINT,
    PRIMARY KEY (uin, factor)
);
-- One bound wallet key per identity; binding another replaces it.
CREATE TABLE wallet_keys (
    uin         TEXT PRIMARY KEY REFERENCES identities(uin),
    thumbprint  TEXT NOT NULL,
    jwk         TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE TABLE wallet_challenges (
    nonce       TEXT PRIMARY KEY,
    uin         TEXT NOT NULL REFERENCES identities(uin),
    expires_at  BIGINT NOT NULL,
    used        BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX wallet_challenges_uin ON wallet_challenges(uin);
-- e-KYC partners: an operator with the partner role and the claims it may receive.
CREATE TABLE partners (
    partner_id     TEXT PRIMARY KEY,
    operator_id    TEXT NOT NULL UNIQUE REFERENCES operators(id),
    allowed_claims TEXT NOT NULL,
    token_ttl_secs BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);
