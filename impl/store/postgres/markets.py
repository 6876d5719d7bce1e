"""PostgreSQL tables of listings and the public trade tape (mixed into PostgresStore): assets, markets, trades and
their candles. `insert_trades` is shared with the engine's batch write (impl/store/postgres/trading.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import psycopg

from impl.domain.candles import INTERVAL_MS, fold_trades
from impl.domain.model import Candle, Market, Trade
from impl.store.postgres.rows import copy_rows

_CANDLE_COLS = "open_time_ms, open, high, low, close, volume, quote_volume, trades"


class MarketTables:
    """Requires `self._conn()`, `self._one()` and `self._all()` of PostgresStore."""

    # -- markets ---------------------------------------------------------------------------------------------
    def add_assets(self, assets: dict[str, int]) -> None:
        with self._conn() as conn:
            _insert_assets(conn, assets)

    def seed_listings(self, assets: dict[str, int], markets: Iterable[Market]) -> bool:
        """Under a transaction-level advisory lock: a concurrent seeding waits for this commit, then finds the
        markets."""
        with self._conn() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SEED_LOCK,))
            if conn.execute("SELECT COUNT(*) FROM markets").fetchone()[0]:
                return False
            _insert_assets(conn, assets)
            _insert_markets(conn, markets)
            return True

    def list_assets(self) -> dict[str, int]:
        return dict(self._all("SELECT code, precision FROM assets ORDER BY code"))

    def add_markets(self, markets: Iterable[Market]) -> None:
        with self._conn() as conn:
            _insert_markets(conn, markets)

    def list_markets(self) -> list[Market]:
        rows = self._all("SELECT symbol, base, quote, status, tick_size, step_size, min_size, max_size, min_notional,"
                         " maker_fee_rate, taker_fee_rate FROM markets ORDER BY listed_order")
        return [Market(r[0], r[1], r[2], r[3], *(Decimal(v) for v in r[4:])) for r in rows]

    # -- trades and candles ----------------------------------------------------------------------------------
    def record_trades(self, trades: Sequence[Trade]) -> None:
        with self._conn() as conn:
            insert_trades(conn, trades)

    def list_trades(self, symbol: str, limit: int, before_id: str | None) -> list[Trade]:
        sql, args = "SELECT id, symbol, price, size, taker_side, ts_ms FROM trades WHERE symbol = %s", [symbol]
        if before_id is not None:
            sql += " AND id < %s"
            args.append(before_id)
        return [Trade(*r) for r in self._all(sql + " ORDER BY id DESC LIMIT %s", (*args, limit))]

    def get_trade(self, trade_id: str) -> Trade | None:
        row = self._one("SELECT id, symbol, price, size, taker_side, ts_ms FROM trades WHERE id = %s", (trade_id,))
        return Trade(*row) if row else None

    def candles(self, symbol: str, interval: str, start_ms: int | None, end_ms: int | None, limit: int) -> list[Candle]:
        sql, args = f"SELECT {_CANDLE_COLS} FROM candles WHERE symbol = %s AND interval = %s", [symbol, interval]
        if start_ms is not None:
            sql += " AND open_time_ms >= %s"
            args.append(start_ms)
        if end_ms is not None:
            sql += " AND open_time_ms < %s"
            args.append(end_ms)
        rows = self._all(sql + " ORDER BY open_time_ms DESC LIMIT %s", (*args, limit))
        return [_candle(r) for r in reversed(rows)]


def insert_trades(conn: psycopg.Connection, trades: Sequence[Trade]) -> None:
    """Insert trades and fold them into the candles, inside the caller's transaction: the candles a batch touches
    are read in one query and written in one pipelined executemany."""
    if not trades:
        return
    with conn.cursor() as cur:
        copy_rows(cur, "trades", "id, symbol, price, size, taker_side, ts_ms",
                  [(t.id, t.symbol, t.price, t.size, t.taker_side, t.ts_ms) for t in trades])
        stored = _stored_candles(cur, trades)
        folded = fold_trades(trades, lambda symbol, interval, open_time: stored.get((symbol, interval, open_time)))
        cur.executemany(
            f"INSERT INTO candles (symbol, interval, {_CANDLE_COLS}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
            " ON CONFLICT (symbol, interval, open_time_ms) DO UPDATE SET open = excluded.open, high = excluded.high,"
            " low = excluded.low, close = excluded.close, volume = excluded.volume,"
            " quote_volume = excluded.quote_volume, trades = excluded.trades",
            [(symbol, interval, c.open_time_ms, c.open, c.high, c.low, c.close, c.volume, str(c.quote_volume),
              c.trades) for (symbol, interval, _), c in folded.items()])


def _stored_candles(cur: psycopg.Cursor, trades: Sequence[Trade]) -> dict[tuple[str, str, int], Candle]:
    """The stored candles that `trades` fall into, by (symbol, interval, open time)."""
    keys = {(t.symbol, interval, t.ts_ms - t.ts_ms % width) for t in trades for interval, width in INTERVAL_MS.items()}
    symbols, intervals, opens = (list(column) for column in zip(*keys, strict=True))
    cur.execute(f"SELECT symbol, interval, {_CANDLE_COLS} FROM candles WHERE (symbol, interval, open_time_ms) IN"
                " (SELECT * FROM unnest(%s::text[], %s::text[], %s::bigint[]))", (symbols, intervals, opens))
    return {(r[0], r[1], r[2]): _candle(r[2:]) for r in cur.fetchall()}


def _candle(row) -> Candle:
    return Candle(row[0], row[1], row[2], row[3], row[4], row[5], int(row[6]), row[7])


SEED_LOCK = 0x636F6F7564_5EED  # pg_advisory_xact_lock key of the first seeding of listings ("cooud" + SEED)


def _insert_assets(conn, assets: dict[str, int]) -> None:
    conn.cursor().executemany("INSERT INTO assets VALUES (%s, %s)", list(assets.items()))


def _insert_markets(conn, markets: Iterable[Market]) -> None:
    for m in markets:
        order = conn.execute("SELECT COUNT(*) FROM markets").fetchone()[0]
        conn.execute(
            "INSERT INTO markets VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            (m.symbol, m.base, m.quote, m.status, str(m.tick_size), str(m.step_size), str(m.min_size),
             str(m.max_size), str(m.min_notional), str(m.maker_fee_rate), str(m.taker_fee_rate), order))
