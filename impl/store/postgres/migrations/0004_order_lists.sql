-- Strategy orders: impl/store/migrations/0009_order_lists.sql in the PostgreSQL dialect (read its comments for what
-- each column means): BIGINT for times, COLLATE "C" on ordered text keys, the same indexes.
--
-- legs is TEXT holding the JSON the store wrote, not JSONB: no query looks inside the legs (every filter is on a
-- column), so JSONB's binary form would only cost a parse on every upsert of the engine's batch and a re-serialisation
-- on every read, and it would not give back what was written — JSONB reorders object keys and drops duplicates,
-- while a leg's `request` is answered as it was accepted. TEXT round-trips the bytes exactly.

CREATE TABLE order_lists (
    id             TEXT COLLATE "C" PRIMARY KEY,
    account_id     TEXT COLLATE "C" NOT NULL,
    symbol         TEXT COLLATE "C" NOT NULL REFERENCES markets(symbol),
    type           TEXT NOT NULL CHECK (type IN ('oco', 'oto', 'otoco')),
    client_list_id TEXT,
    status         TEXT NOT NULL CHECK (status IN ('working', 'done', 'cancelled', 'rejected')),
    reason         TEXT,
    legs           TEXT NOT NULL CHECK (substr(legs, 1, 1) = '['),
    created_at_ms  BIGINT NOT NULL,
    updated_at_ms  BIGINT NOT NULL,
    UNIQUE (account_id, client_list_id)
);
CREATE INDEX order_lists_by_account ON order_lists(account_id, id);
CREATE INDEX order_lists_live ON order_lists(id) WHERE status = 'working';
