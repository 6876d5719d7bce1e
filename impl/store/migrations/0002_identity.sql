-- Accounts, sessions, refresh tokens, wallet nonces, invites, API keys and idempotency records.
-- Nothing secret is stored in the clear: passwords are argon2id hashes, refresh and cookie tokens are SHA-256
-- hashes, TOTP secrets are sealed (AES-GCM) with a key derived from the master key, and API key secrets are
-- not stored at all (they are derived from the master key; see impl/security/secrets.py).
CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT UNIQUE,
    password_hash      TEXT,
    wallet_address     TEXT UNIQUE,
    totp_sealed        TEXT,
    totp_pending       TEXT,
    totp_last_step     INTEGER,
    invite_status      TEXT NOT NULL CHECK (invite_status IN ('not_required', 'required', 'redeemed')),
    fee_tier           INTEGER NOT NULL DEFAULT 0,
    created_at_ms      INTEGER NOT NULL,
    CHECK (email IS NOT NULL OR wallet_address IS NOT NULL)
);

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    kind           TEXT NOT NULL CHECK (kind IN ('password', 'wallet')),
    network        TEXT NOT NULL,
    cookie_hash    TEXT UNIQUE,
    created_at_ms  INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL,
    revoked_at_ms  INTEGER
);

CREATE TABLE refresh_tokens (
    token_hash     TEXT PRIMARY KEY,
    session_id     TEXT NOT NULL REFERENCES sessions(id),
    issued_at_ms   INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL,
    rotated_at_ms  INTEGER
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_id);

CREATE TABLE siwe_nonces (
    nonce          TEXT PRIMARY KEY,
    expires_at_ms  INTEGER NOT NULL,
    used_at_ms     INTEGER
);

CREATE TABLE invites (
    code           TEXT PRIMARY KEY,
    created_at_ms  INTEGER NOT NULL,
    redeemed_by    TEXT REFERENCES users(id),
    redeemed_at_ms INTEGER
);

CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    label          TEXT NOT NULL,
    scopes         TEXT NOT NULL,
    ip_allowlist   TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
    generation     INTEGER NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL,
    rotated_at_ms  INTEGER
);
CREATE INDEX api_keys_by_user ON api_keys(user_id, id);

CREATE TABLE idempotency_keys (
    account_id     TEXT NOT NULL,
    key            TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    status         INTEGER,
    headers        TEXT,
    body           BLOB,
    created_at_ms  INTEGER NOT NULL,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_by_age ON idempotency_keys(created_at_ms);
