-- Indexes for the periodic purge of dead identity rows (IdentityStore.purge_expired_identity): sessions expired or
-- revoked, refresh tokens expired or of a dead session, expired wallet nonces and listen keys. Without them each
-- purge would scan every table it deletes from.
CREATE INDEX sessions_by_expiry ON sessions(expires_at_ms);
CREATE INDEX sessions_by_revocation ON sessions(revoked_at_ms) WHERE revoked_at_ms IS NOT NULL;
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens(expires_at_ms);
CREATE INDEX siwe_nonces_by_expiry ON siwe_nonces(expires_at_ms);
CREATE INDEX listen_keys_by_expiry ON listen_keys(expires_at_ms);
