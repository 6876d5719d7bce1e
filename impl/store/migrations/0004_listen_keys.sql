-- Listen keys for the WebSocket user stream (REST tag `stream`). A listen key is a bearer credential, so only its
-- SHA-256 hex is stored (like refresh and cookie tokens in 0002): the key itself is shown once, in the response
-- that created it. A closed key is deleted; an expired one is ignored on lookup and deleted opportunistically.
-- A rowid table on purpose: rowid orders keys created in the same millisecond, so the per-user cap evicts the oldest.
CREATE TABLE listen_keys (
    key_hash       TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    created_at_ms  INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL
);
CREATE INDEX listen_keys_by_user ON listen_keys(user_id, created_at_ms);
