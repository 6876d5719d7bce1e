"""SQLite implementation of the store interface, with numbered SQL migrations.

Invariants: the database runs in WAL mode with `synchronous=FULL`, so a committed transaction survives a
crash; migrations in `migrations/NNNN_*.sql` are applied once each, in order, each in its own transaction, and
recorded in `schema_migrations`. One connection is shared by the process and guarded by a lock; the engine's
writes hold it for one batch (impl/store/trading.py), reads are short and never run on the event loop.
`record_trades` writes trades and their candles in one transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from impl.domain.candles import fold_trades
from impl.domain.model import Candle, Market, Trade
from impl.store.identity import IdentityTables
from impl.store.rows import insert_rows
from impl.store.trading import TradingTables

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SQLiteStore(IdentityTables, TradingTables):
    def __init__(self, path: str) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._writer_lock: int | None = None  # see TradingTables.claim_writer
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")

    # -- lifecycle -------------------------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply pending migrations; returns the names applied."""
        applied: list[str] = []
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
            done = {r[0] for r in self._db.execute("SELECT name FROM schema_migrations")}
            for script in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
                if script.name in done:
                    continue
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _statements(script.read_text()):
                        self._db.execute(statement)
                    self._db.execute(
                        "INSERT INTO schema_migrations VALUES (?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                        (script.name,),
                    )
                    self._db.execute("COMMIT")
                except Exception:
                    self._db.execute("ROLLBACK")
                    raise
                applied.append(script.name)
        return applied

    def close(self) -> None:
        with self._lock:
            self._db.close()
        self.release_writer()

    # -- markets ---------------------------------------------------------------------------------------------
    def add_assets(self, assets: dict[str, int]) -> None:
        """Register assets with their precision (decimal places of their minor unit)."""
        with self._lock, self._tx():
            self._insert_assets(assets)

    def _insert_assets(self, assets: dict[str, int]) -> None:
        self._db.executemany("INSERT INTO assets VALUES (?, ?)", assets.items())

    def seed_listings(self, assets: dict[str, int], markets: Iterable[Market]) -> bool:
        """BEGIN IMMEDIATE holds the database's write lock: a concurrent seeding waits, then finds the markets."""
        with self._lock, self._tx():
            if self._db.execute("SELECT COUNT(*) FROM markets").fetchone()[0]:
                return False
            self._insert_assets(assets)
            self._insert_markets(markets)
            return True

    def list_assets(self) -> dict[str, int]:
        with self._lock:
            return dict(self._db.execute("SELECT code, precision FROM assets ORDER BY code"))

    def add_markets(self, markets: Iterable[Market]) -> None:
        with self._lock, self._tx():
            self._insert_markets(markets)

    def _insert_markets(self, markets: Iterable[Market]) -> None:
        for m in markets:
            order = self._db.execute("SELECT COUNT(*) FROM markets").fetchone()[0]
            self._db.execute(
                "INSERT INTO markets VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (m.symbol, m.base, m.quote, m.status, str(m.tick_size), str(m.step_size), str(m.min_size),
                 str(m.max_size), str(m.min_notional), str(m.maker_fee_rate), str(m.taker_fee_rate), order),
            )

    def list_markets(self) -> list[Market]:
        with self._lock:
            rows = self._db.execute(
                "SELECT symbol, base, quote, status, tick_size, step_size, min_size, max_size, min_notional,"
                " maker_fee_rate, taker_fee_rate FROM markets ORDER BY listed_order"
            ).fetchall()
        return [Market(r[0], r[1], r[2], r[3], *(Decimal(v) for v in r[4:])) for r in rows]

    # -- trades and candles ----------------------------------------------------------------------------------
    def record_trades(self, trades: Sequence[Trade]) -> None:
        with self._lock, self._tx():
            self._insert_trades(trades)

    def _insert_trades(self, trades: Sequence[Trade]) -> None:
        """Insert trades and fold them into the candles, inside the caller's transaction: each candle a batch of
        trades touches is read and written once."""
        if not trades:
            return
        insert_rows(self._db, "INSERT INTO trades", 6, [(t.id, t.symbol, t.price, t.size, t.taker_side, t.ts_ms)
                                                        for t in trades])
        self._db.executemany(
            "INSERT OR REPLACE INTO candles VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(symbol, interval, c.open_time_ms, c.open, c.high, c.low, c.close, c.volume, str(c.quote_volume),
              c.trades) for (symbol, interval, _), c in fold_trades(trades, self._candle).items()])

    def list_trades(self, symbol: str, limit: int, before_id: str | None) -> list[Trade]:
        sql = "SELECT id, symbol, price, size, taker_side, ts_ms FROM trades WHERE symbol = ?"
        args: list = [symbol]
        if before_id is not None:
            sql += " AND id < ?"
            args.append(before_id)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            return [Trade(*r) for r in self._db.execute(sql, args)]

    def get_trade(self, trade_id: str) -> Trade | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, symbol, price, size, taker_side, ts_ms FROM trades WHERE id = ?", (trade_id,)
            ).fetchone()
        return Trade(*row) if row else None

    def candles(self, symbol: str, interval: str, start_ms: int | None, end_ms: int | None, limit: int) -> list[Candle]:
        sql = (
            "SELECT open_time_ms, open, high, low, close, volume, quote_volume, trades FROM candles"
            " WHERE symbol = ? AND interval = ?"
        )
        args: list = [symbol, interval]
        if start_ms is not None:
            sql += " AND open_time_ms >= ?"
            args.append(start_ms)
        if end_ms is not None:
            sql += " AND open_time_ms < ?"
            args.append(end_ms)
        sql += " ORDER BY open_time_ms DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [_candle(r) for r in reversed(rows)]

    # -- helpers ---------------------------------------------------------------------------------------------
    def _candle(self, symbol: str, interval: str, open_time: int) -> Candle | None:
        row = self._db.execute(
            "SELECT open_time_ms, open, high, low, close, volume, quote_volume, trades FROM candles"
            " WHERE symbol = ? AND interval = ? AND open_time_ms = ?",
            (symbol, interval, open_time),
        ).fetchone()
        return _candle(row) if row else None

    def _tx(self):
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def _candle(row) -> Candle:
    return Candle(row[0], row[1], row[2], row[3], row[4], row[5], int(row[6]), row[7])


def _statements(script: str) -> list[str]:
    """Split a migration into statements (migrations contain no triggers or string literals with ';')."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]

