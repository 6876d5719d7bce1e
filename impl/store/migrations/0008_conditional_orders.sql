-- Conditional orders (stop loss, take profit, trailing stop; impl/domain/conditional.py): an order the engine places
-- when the market's last trade price crosses a trigger. Prices in the market's price units, sizes in its size units,
-- quote_size and reserved in minor units of the asset (as orders). The engine upserts a row every time it changes one
-- (impl/domain/engine.py `Batch.conditionals`); what it was placed with never changes after the first write.

-- orders.parent_id: the conditional order (cond_…) that placed the order; NULL for an order placed by a request.
ALTER TABLE orders ADD COLUMN parent_id TEXT;

CREATE TABLE conditional_orders (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL,
    symbol            TEXT NOT NULL REFERENCES markets(symbol),
    side              TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    type              TEXT NOT NULL CHECK (type IN ('stop_market', 'stop_limit', 'take_profit_market',
                                                    'take_profit_limit', 'trailing_stop')),
    trigger_direction TEXT NOT NULL CHECK (trigger_direction IN ('rise', 'fall')),
    trigger_price     INTEGER,          -- price units; a trailing stop's current trigger (NULL until it tracks)
    price             INTEGER,          -- price units; limit kinds only
    size              INTEGER,          -- size units; sells and limit buys
    quote_size        INTEGER,          -- quote-asset units; market-kind buys
    tif               TEXT NOT NULL CHECK (tif IN ('GTC', 'IOC', 'FOK')),  -- of the order it places
    activation_price  INTEGER,          -- trailing stop only
    callback_rate     INTEGER,          -- trailing stop: hundredths of a percent
    callback_amount   INTEGER,          -- trailing stop: price units
    tracked_price     INTEGER,          -- trailing stop: best last price since activation
    client_order_id   TEXT,
    status            TEXT NOT NULL CHECK (status IN ('new', 'triggered', 'finished', 'cancelled', 'rejected',
                                                      'expired')),
    reason            TEXT,
    order_id          TEXT,             -- the order it placed (whose parent_id points back here)
    order_list_id     TEXT,             -- the strategy order it belongs to
    reserved          INTEGER NOT NULL CHECK (reserved >= 0),  -- minor units locked by it now
    created_at_ms     INTEGER NOT NULL,
    updated_at_ms     INTEGER NOT NULL,
    triggered_at_ms   INTEGER,
    UNIQUE (account_id, client_order_id)
);
CREATE INDEX conditional_orders_by_account ON conditional_orders(account_id, id);
-- the live ones: what the engine is rebuilt from and what `ledger_report` sums with the open orders' reservations
CREATE INDEX conditional_orders_live ON conditional_orders(id) WHERE status IN ('new', 'triggered');
