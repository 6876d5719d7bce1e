-- Strategy orders (order lists: OCO, OTO, OTOCO; impl/domain/order_lists.py): orders and conditional orders the
-- engine links so that what happens to one decides what happens to the others. The engine upserts a row every time
-- it changes one (impl/domain/engine.py `Batch.order_lists`); what it was placed with (id, owner, market, type,
-- client list id, creation time) never changes after the first write, only status, reason, legs and updated_at_ms.
-- The legs' own orders and conditional orders are rows of those tables (an order's parent_id, a conditional order's
-- order_list_id point here) and hold the funds; a list holds none of its own, so the ledger report does not read it.

CREATE TABLE order_lists (
    id             TEXT PRIMARY KEY,   -- olst_<ULID>
    account_id     TEXT NOT NULL,
    symbol         TEXT NOT NULL REFERENCES markets(symbol),
    type           TEXT NOT NULL CHECK (type IN ('oco', 'oto', 'otoco')),
    client_list_id TEXT,
    status         TEXT NOT NULL CHECK (status IN ('working', 'done', 'cancelled', 'rejected')),
    reason         TEXT,
    -- the legs in request order, one JSON array of objects {role, request, status, reason, order_id,
    -- conditional_order_id} (orjson of the Leg dataclasses; `request` is the leg as accepted, in wire strings): read
    -- and written whole with the list, never queried inside (so it is not parsed here either: an array is all the
    -- check asks)
    legs           TEXT NOT NULL CHECK (substr(legs, 1, 1) = '['),
    created_at_ms  INTEGER NOT NULL,
    updated_at_ms  INTEGER NOT NULL,
    UNIQUE (account_id, client_list_id)
);
CREATE INDEX order_lists_by_account ON order_lists(account_id, id);
-- the working ones: what the engine is rebuilt from
CREATE INDEX order_lists_live ON order_lists(id) WHERE status = 'working';
