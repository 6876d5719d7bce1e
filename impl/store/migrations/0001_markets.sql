-- Assets, markets and the public trade tape with its candles.
-- Decimal rules are stored as exact decimal strings; prices and sizes of trades and candles are scaled
-- integers (see impl/domain/model.py).
CREATE TABLE assets (
    code      TEXT PRIMARY KEY,
    precision INTEGER NOT NULL CHECK (precision BETWEEN 0 AND 18)
);

CREATE TABLE markets (
    symbol         TEXT PRIMARY KEY,
    base           TEXT NOT NULL REFERENCES assets(code),
    quote          TEXT NOT NULL REFERENCES assets(code),
    status         TEXT NOT NULL CHECK (status IN ('trading', 'halted')),
    tick_size      TEXT NOT NULL,
    step_size      TEXT NOT NULL,
    min_size       TEXT NOT NULL,
    max_size       TEXT NOT NULL,
    min_notional   TEXT NOT NULL,
    maker_fee_rate TEXT NOT NULL,
    taker_fee_rate TEXT NOT NULL,
    listed_order   INTEGER NOT NULL
);

CREATE TABLE trades (
    id         TEXT PRIMARY KEY,
    symbol     TEXT NOT NULL REFERENCES markets(symbol),
    price      INTEGER NOT NULL CHECK (price > 0),
    size       INTEGER NOT NULL CHECK (size > 0),
    taker_side TEXT NOT NULL CHECK (taker_side IN ('buy', 'sell')),
    ts_ms      INTEGER NOT NULL
);
CREATE INDEX trades_by_symbol ON trades(symbol, id);

CREATE TABLE candles (
    symbol       TEXT NOT NULL REFERENCES markets(symbol),
    interval     TEXT NOT NULL,
    open_time_ms INTEGER NOT NULL,
    open         INTEGER NOT NULL,
    high         INTEGER NOT NULL,
    low          INTEGER NOT NULL,
    close        INTEGER NOT NULL,
    volume       INTEGER NOT NULL,
    quote_volume TEXT NOT NULL, -- exact integer as text: price x size sums can exceed 64 bits
    trades       INTEGER NOT NULL,
    PRIMARY KEY (symbol, interval, open_time_ms)
) WITHOUT ROWID;
