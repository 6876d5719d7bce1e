-- Spot trading: the double-entry ledger (journal + materialised balances), orders and fills.
-- Amounts are integers: ledger amounts in each asset's minor units (10^-precision), order prices and sizes in
-- the market's price and size units (see impl/domain/model.py). System accounts are named 'sys:*'.

CREATE TABLE balances (
    account_id TEXT NOT NULL,
    asset      TEXT NOT NULL REFERENCES assets(code),
    free       INTEGER NOT NULL,
    locked     INTEGER NOT NULL,
    PRIMARY KEY (account_id, asset),
    -- only the deposit source may go negative (it mirrors what was credited from outside)
    CHECK (account_id = 'sys:deposits' OR (free >= 0 AND locked >= 0))
) WITHOUT ROWID;

CREATE TABLE journal_entries (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    kind  TEXT NOT NULL CHECK (kind IN ('deposit', 'reserve', 'release', 'fill')),
    ref   TEXT NOT NULL,
    ts_ms INTEGER NOT NULL
);

CREATE TABLE postings (
    entry_id   INTEGER NOT NULL REFERENCES journal_entries(id),
    account_id TEXT NOT NULL,
    asset      TEXT NOT NULL REFERENCES assets(code),
    bucket     TEXT NOT NULL CHECK (bucket IN ('free', 'locked')),
    amount     INTEGER NOT NULL CHECK (amount <> 0)
);
CREATE INDEX postings_by_entry ON postings(entry_id);

CREATE TABLE orders (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL,
    symbol          TEXT NOT NULL REFERENCES markets(symbol),
    side            TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    type            TEXT NOT NULL CHECK (type IN ('limit', 'market')),
    tif             TEXT NOT NULL CHECK (tif IN ('GTC', 'IOC', 'FOK')),
    post_only       INTEGER NOT NULL,
    price           INTEGER,          -- price units; NULL for market orders
    size            INTEGER,          -- size units; NULL for market buys by quote amount
    quote_size      INTEGER,          -- quote-asset units; market buys by quote amount only
    client_order_id TEXT,
    status          TEXT NOT NULL CHECK (status IN ('open', 'partially_filled', 'filled', 'cancelled', 'expired')),
    filled          INTEGER NOT NULL, -- size units
    filled_quote    INTEGER NOT NULL, -- quote-asset units paid or received for the fills (before fees)
    fee             INTEGER NOT NULL, -- minor units of the asset received
    remaining       INTEGER NOT NULL, -- size units resting on the book (0 unless open/partially_filled)
    reserved        INTEGER NOT NULL, -- minor units still locked for this order
    cancel_reason   TEXT,
    seq             INTEGER,          -- time priority on the book while resting
    created_at_ms   INTEGER NOT NULL,
    updated_at_ms   INTEGER NOT NULL,
    UNIQUE (account_id, client_order_id)
);
CREATE INDEX orders_by_account ON orders(account_id, id);
CREATE INDEX orders_resting ON orders(symbol, seq) WHERE status IN ('open', 'partially_filled');

CREATE TABLE fills (
    id         TEXT PRIMARY KEY,
    order_id   TEXT NOT NULL REFERENCES orders(id),
    account_id TEXT NOT NULL,
    trade_id   TEXT NOT NULL REFERENCES trades(id),
    symbol     TEXT NOT NULL,
    side       TEXT NOT NULL,
    price      INTEGER NOT NULL,
    size       INTEGER NOT NULL,
    quote      INTEGER NOT NULL,      -- quote-asset units
    fee        INTEGER NOT NULL,      -- minor units of the asset received
    liquidity  TEXT NOT NULL CHECK (liquidity IN ('maker', 'taker')),
    ts_ms      INTEGER NOT NULL
);
CREATE INDEX fills_by_account ON fills(account_id, id);
CREATE INDEX fills_by_order ON fills(order_id);

-- The L2 book sequence per market, so that it keeps increasing across restarts.
CREATE TABLE book_sequences (
    symbol   TEXT PRIMARY KEY REFERENCES markets(symbol),
    sequence INTEGER NOT NULL
) WITHOUT ROWID;
