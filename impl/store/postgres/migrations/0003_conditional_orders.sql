-- Conditional orders: impl/store/migrations/0008_conditional_orders.sql in the PostgreSQL dialect (read its comments
-- for what each column means): BIGINT for amounts and times, COLLATE "C" on ordered text keys, the same indexes.

ALTER TABLE orders ADD COLUMN parent_id TEXT COLLATE "C";

CREATE TABLE conditional_orders (
    id                TEXT COLLATE "C" PRIMARY KEY,
    account_id        TEXT COLLATE "C" NOT NULL,
    symbol            TEXT COLLATE "C" NOT NULL REFERENCES markets(symbol),
    side              TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    type              TEXT NOT NULL CHECK (type IN ('stop_market', 'stop_limit', 'take_profit_market',
                                                    'take_profit_limit', 'trailing_stop')),
    trigger_direction TEXT NOT NULL CHECK (trigger_direction IN ('rise', 'fall')),
    trigger_price     BIGINT,
    price             BIGINT,
    size              BIGINT,
    quote_size        BIGINT,
    tif               TEXT NOT NULL CHECK (tif IN ('GTC', 'IOC', 'FOK')),
    activation_price  BIGINT,
    callback_rate     BIGINT,
    callback_amount   BIGINT,
    tracked_price     BIGINT,
    client_order_id   TEXT,
    status            TEXT NOT NULL CHECK (status IN ('new', 'triggered', 'finished', 'cancelled', 'rejected',
                                                      'expired')),
    reason            TEXT,
    order_id          TEXT COLLATE "C",
    order_list_id     TEXT COLLATE "C",
    reserved          BIGINT NOT NULL CHECK (reserved >= 0),
    created_at_ms     BIGINT NOT NULL,
    updated_at_ms     BIGINT NOT NULL,
    triggered_at_ms   BIGINT,
    UNIQUE (account_id, client_order_id)
);
CREATE INDEX conditional_orders_by_account ON conditional_orders(account_id, id);
CREATE INDEX conditional_orders_live ON conditional_orders(id) WHERE status IN ('new', 'triggered');
