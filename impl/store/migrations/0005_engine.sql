-- The single-writer trading engine (impl/domain/engine.py, impl/domain/sequencer.py).
-- outbox: every committed command's events, written in the same transaction as its effect, in engine order.
--   `seq` is the engine's sequence: consumers resume after the last seq they handled (impl/domain/outbox.py).
--   `events` is a JSON array of [kind, payload] pairs (impl/domain/events.py). Old rows are pruned by the engine.
-- idempotency_keys.result: the domain result of the command that ran under the key, stored with its effect, so a
--   retry after a crash between commit and answer is rendered from it by the API layer (the domain stores results,
--   not HTTP bytes); status/headers/body are written when the answer itself completes.
CREATE TABLE outbox (
    seq    INTEGER PRIMARY KEY,
    ts_ms  INTEGER NOT NULL,
    events BLOB NOT NULL
);

ALTER TABLE idempotency_keys ADD COLUMN result BLOB;
