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

-- outbox_head: the highest sequence ever written, kept apart from the rows so that pruning never lowers it.
CREATE TABLE outbox_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO outbox_head VALUES (1, 0);

ALTER TABLE idempotency_keys ADD COLUMN result BLOB;

-- operator_commands: the inbox through which operator tools (`cooud deposit`, the demo maker) reach an engine that
--   another process runs. The engine marks a row done in the same transaction as its effect (so a crash can never
--   apply it twice) and failed, with the refusal, when a rule refused it (impl/operator.py).
CREATE TABLE operator_commands (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    command       TEXT NOT NULL,    -- JSON: {"kind": "deposit", ...}
    state         TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    result        TEXT,             -- JSON of the engine's result, or {"code", "message"} of a refusal
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX operator_commands_pending ON operator_commands(id) WHERE state = 'pending';
