-- The whole schema of the PostgreSQL store, in the PostgreSQL dialect: the tables of impl/store/migrations/0001..0007
-- (read their comments for what each table and column means; this file mirrors them one for one) with
--   BIGINT for every integer amount, id, sequence and time (SQLite's INTEGER is 64-bit too),
--   BYTEA for blobs, BOOLEAN for flags,
--   COLLATE "C" on every text key that is ordered or compared by range (ids, cursors, symbols, asset codes), so
--   that ORDER BY and `id < cursor` follow byte order — what SQLite and Python do — whatever the database's locale,
--   identity columns where SQLite had AUTOINCREMENT or relied on rowid (operator_commands.id, listen_keys.seq).
-- The same indexes as SQLite's. One difference, for speed: postings and fills — the engine's bulk rows, thousands per
-- batch — carry no foreign keys (SQLite's postings.entry_id/asset, fills.order_id/trade_id). PostgreSQL checks a
-- foreign key per row with a query that also share-locks the referenced row; on the durable benchmark that was over
-- half of a batch's commit. The engine writes a posting's entry and a fill's order and trade in the same batch, and
-- `ledger_report` (`cooud ledger check`) recomputes every balance from the postings.

-- markets (0001)
CREATE TABLE assets (
    code      TEXT COLLATE "C" PRIMARY KEY,
    precision INTEGER NOT NULL CHECK (precision BETWEEN 0 AND 18)
);

CREATE TABLE markets (
    symbol         TEXT COLLATE "C" PRIMARY KEY,
    base           TEXT COLLATE "C" NOT NULL REFERENCES assets(code),
    quote          TEXT COLLATE "C" NOT NULL REFERENCES assets(code),
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
    id         TEXT COLLATE "C" PRIMARY KEY,
    symbol     TEXT COLLATE "C" NOT NULL REFERENCES markets(symbol),
    price      BIGINT NOT NULL CHECK (price > 0),
    size       BIGINT NOT NULL CHECK (size > 0),
    taker_side TEXT NOT NULL CHECK (taker_side IN ('buy', 'sell')),
    ts_ms      BIGINT NOT NULL
);
CREATE INDEX trades_by_symbol ON trades(symbol, id);

CREATE TABLE candles (
    symbol       TEXT COLLATE "C" NOT NULL REFERENCES markets(symbol),
    interval     TEXT NOT NULL,
    open_time_ms BIGINT NOT NULL,
    open         BIGINT NOT NULL,
    high         BIGINT NOT NULL,
    low          BIGINT NOT NULL,
    close        BIGINT NOT NULL,
    volume       BIGINT NOT NULL,
    quote_volume TEXT NOT NULL, -- exact integer as text: price x size sums can exceed 64 bits
    trades       BIGINT NOT NULL,
    PRIMARY KEY (symbol, interval, open_time_ms)
);

-- identity (0002, 0004, 0006, 0007)
CREATE TABLE users (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    email              TEXT UNIQUE,
    password_hash      TEXT,
    wallet_address     TEXT UNIQUE,
    totp_sealed        TEXT,
    totp_pending       TEXT,
    totp_last_step     BIGINT,
    invite_status      TEXT NOT NULL CHECK (invite_status IN ('not_required', 'required', 'redeemed')),
    fee_tier           INTEGER NOT NULL DEFAULT 0,
    created_at_ms      BIGINT NOT NULL,
    CHECK (email IS NOT NULL OR wallet_address IS NOT NULL)
);

CREATE TABLE sessions (
    id             TEXT COLLATE "C" PRIMARY KEY,
    user_id        TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    kind           TEXT NOT NULL CHECK (kind IN ('password', 'wallet')),
    network        TEXT NOT NULL,
    cookie_hash    TEXT UNIQUE,
    created_at_ms  BIGINT NOT NULL,
    expires_at_ms  BIGINT NOT NULL,
    revoked_at_ms  BIGINT
);
CREATE INDEX sessions_by_expiry ON sessions(expires_at_ms);
CREATE INDEX sessions_by_revocation ON sessions(revoked_at_ms) WHERE revoked_at_ms IS NOT NULL;

CREATE TABLE refresh_tokens (
    token_hash     TEXT PRIMARY KEY,
    session_id     TEXT COLLATE "C" NOT NULL REFERENCES sessions(id),
    issued_at_ms   BIGINT NOT NULL,
    expires_at_ms  BIGINT NOT NULL,
    rotated_at_ms  BIGINT
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens(expires_at_ms);

CREATE TABLE siwe_nonces (
    nonce          TEXT PRIMARY KEY,
    expires_at_ms  BIGINT NOT NULL,
    used_at_ms     BIGINT
);
CREATE INDEX siwe_nonces_by_expiry ON siwe_nonces(expires_at_ms);

CREATE TABLE invites (
    code           TEXT PRIMARY KEY,
    created_at_ms  BIGINT NOT NULL,
    redeemed_by    TEXT COLLATE "C" REFERENCES users(id),
    redeemed_at_ms BIGINT
);

CREATE TABLE api_keys (
    id             TEXT COLLATE "C" PRIMARY KEY,
    user_id        TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    label          TEXT NOT NULL,
    scopes         TEXT NOT NULL,
    ip_allowlist   TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
    generation     BIGINT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    expires_at_ms  BIGINT NOT NULL,
    rotated_at_ms  BIGINT
);
CREATE INDEX api_keys_by_user ON api_keys(user_id, id);

-- seq orders keys created in the same millisecond (SQLite's rowid), so the per-user cap evicts the oldest
CREATE TABLE listen_keys (
    key_hash       TEXT PRIMARY KEY,
    user_id        TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    created_at_ms  BIGINT NOT NULL,
    expires_at_ms  BIGINT NOT NULL,
    seq            BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX listen_keys_by_user ON listen_keys(user_id, created_at_ms);
CREATE INDEX listen_keys_by_expiry ON listen_keys(expires_at_ms);

CREATE TABLE login_attempts (
    subject            TEXT PRIMARY KEY,
    attempts           BIGINT NOT NULL,
    window_ends_at_ms  BIGINT NOT NULL
);
CREATE INDEX login_attempts_by_end ON login_attempts(window_ends_at_ms);

CREATE TABLE idempotency_keys (
    account_id     TEXT NOT NULL,
    key            TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    status         INTEGER,
    headers        TEXT,
    body           BYTEA,
    created_at_ms  BIGINT NOT NULL,
    result         BYTEA,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_by_age ON idempotency_keys(created_at_ms);

-- trading (0003)
CREATE TABLE balances (
    account_id TEXT COLLATE "C" NOT NULL,
    asset      TEXT COLLATE "C" NOT NULL REFERENCES assets(code),
    free       BIGINT NOT NULL,
    locked     BIGINT NOT NULL,
    PRIMARY KEY (account_id, asset),
    CHECK (account_id = 'sys:deposits' OR (free >= 0 AND locked >= 0))
);

CREATE TABLE journal_entries (
    id    BIGINT PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('deposit', 'reserve', 'release', 'fill')),
    ref   TEXT NOT NULL,
    ts_ms BIGINT NOT NULL
);

CREATE TABLE postings (
    entry_id   BIGINT NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    asset      TEXT COLLATE "C" NOT NULL,
    bucket     TEXT NOT NULL CHECK (bucket IN ('free', 'locked')),
    amount     BIGINT NOT NULL CHECK (amount <> 0)
);
CREATE INDEX postings_by_entry ON postings(entry_id);

CREATE TABLE orders (
    id              TEXT COLLATE "C" PRIMARY KEY,
    account_id      TEXT COLLATE "C" NOT NULL,
    symbol          TEXT COLLATE "C" NOT NULL REFERENCES markets(symbol),
    side            TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    type            TEXT NOT NULL CHECK (type IN ('limit', 'market')),
    tif             TEXT NOT NULL CHECK (tif IN ('GTC', 'IOC', 'FOK')),
    post_only       BOOLEAN NOT NULL,
    price           BIGINT,
    size            BIGINT,
    quote_size      BIGINT,
    client_order_id TEXT,
    status          TEXT NOT NULL CHECK (status IN ('open', 'partially_filled', 'filled', 'cancelled', 'expired')),
    filled          BIGINT NOT NULL,
    filled_quote    BIGINT NOT NULL,
    fee             BIGINT NOT NULL,
    remaining       BIGINT NOT NULL,
    reserved        BIGINT NOT NULL,
    cancel_reason   TEXT,
    seq             BIGINT,
    created_at_ms   BIGINT NOT NULL,
    updated_at_ms   BIGINT NOT NULL,
    UNIQUE (account_id, client_order_id)
);
CREATE INDEX orders_by_account ON orders(account_id, id);
CREATE INDEX orders_resting ON orders(symbol, seq) WHERE status IN ('open', 'partially_filled');

CREATE TABLE fills (
    id         TEXT COLLATE "C" PRIMARY KEY,
    order_id   TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    trade_id   TEXT COLLATE "C" NOT NULL,
    symbol     TEXT COLLATE "C" NOT NULL,
    side       TEXT NOT NULL,
    price      BIGINT NOT NULL,
    size       BIGINT NOT NULL,
    quote      BIGINT NOT NULL,
    fee        BIGINT NOT NULL,
    liquidity  TEXT NOT NULL CHECK (liquidity IN ('maker', 'taker')),
    ts_ms      BIGINT NOT NULL
);
CREATE INDEX fills_by_account ON fills(account_id, id);
CREATE INDEX fills_by_order ON fills(order_id);

CREATE TABLE book_sequences (
    symbol   TEXT COLLATE "C" PRIMARY KEY REFERENCES markets(symbol),
    sequence BIGINT NOT NULL
);

-- the engine (0005)
CREATE TABLE outbox (
    seq    BIGINT PRIMARY KEY,
    ts_ms  BIGINT NOT NULL,
    events BYTEA NOT NULL
);

CREATE TABLE outbox_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO outbox_head VALUES (1, 0);

CREATE TABLE operator_commands (
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    command       TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    result        TEXT,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX operator_commands_pending ON operator_commands(id) WHERE state = 'pending';
