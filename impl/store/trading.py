"""SQLite tables of spot trading (mixed into SQLiteStore): balances, journal, orders, fills and book sequences.

Invariants: `write_trading` writes everything one trading operation changed — orders, fills, public trades with
their candles, journal entries with their postings, the balances they changed and the L2 book sequences — inside
the caller's `transaction()`, so it commits or vanishes whole — and with them, when given, the answer to the
idempotent request that caused them (so that a retry after a crash replays it rather than acting twice).
Balances are a materialisation of the postings; `ledger_report` recomputes them from the journal so that tests
and operators can check they agree.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

from impl.domain.ledger import Journal
from impl.domain.orders import FillRecord, OrderState

_ORDER_COLS = ("id, account_id, symbol, side, type, tif, post_only, price, size, quote_size, client_order_id, status,"
               " filled, filled_quote, fee, remaining, reserved, cancel_reason, seq, created_at_ms, updated_at_ms")
_MUTABLE = ("price", "size", "status", "filled", "filled_quote", "fee", "remaining", "reserved", "cancel_reason", "seq",
            "updated_at_ms")
_UPSERT_ORDER = (f"INSERT INTO orders ({_ORDER_COLS}) VALUES ({','.join('?' * 21)}) ON CONFLICT(id) DO UPDATE SET "
                 + ", ".join(f"{c} = excluded.{c}" for c in _MUTABLE))
_FILL_COLS = "id, order_id, account_id, trade_id, symbol, side, price, size, quote, fee, liquidity, ts_ms"


def _order(row) -> OrderState:
    values = list(row)
    values[6] = bool(values[6])
    return OrderState(*values)


class TradingTables:
    """Requires `self._db`, `self._lock`, `self._tx()` and `self._insert_trades()` of SQLiteStore."""

    @contextmanager
    def transaction(self):
        """One write transaction (BEGIN IMMEDIATE) held under the store lock; commits on success."""
        with self._lock, self._tx():
            yield

    # -- balances ----------------------------------------------------------------------------------------------
    def balance(self, account: str, asset: str) -> tuple[int, int]:
        with self._lock:
            row = self._db.execute("SELECT free, locked FROM balances WHERE account_id = ? AND asset = ?",
                                   (account, asset)).fetchone()
        return (row[0], row[1]) if row else (0, 0)

    def balances_of(self, account: str) -> dict[str, tuple[int, int]]:
        with self._lock:
            rows = self._db.execute("SELECT asset, free, locked FROM balances WHERE account_id = ?", (account,))
            return {r[0]: (r[1], r[2]) for r in rows}

    # -- writing one operation ---------------------------------------------------------------------------------
    def write_trading(self, journal: Journal, changes) -> None:
        db = self._db
        db.executemany(_UPSERT_ORDER, [_order_row(o) for o in changes.orders.values()])
        self._insert_trades(changes.trades)
        db.executemany(f"INSERT INTO fills ({_FILL_COLS}) VALUES ({','.join('?' * 12)})",
                       [_fill_row(f) for f in changes.fills])
        for entry in journal.entries:
            entry_id = db.execute("INSERT INTO journal_entries (kind, ref, ts_ms) VALUES (?, ?, ?)",
                                  (entry.kind, entry.ref, entry.ts_ms)).lastrowid
            db.executemany("INSERT INTO postings VALUES (?, ?, ?, ?, ?)",
                           [(entry_id, p.account, p.asset, p.bucket, p.amount) for p in entry.postings])
        db.executemany("INSERT OR REPLACE INTO balances VALUES (?, ?, ?, ?)",
                       [(account, asset, *journal.balances[(account, asset)])
                        for account, asset in sorted(journal.changed)])
        db.executemany("INSERT OR REPLACE INTO book_sequences VALUES (?, ?)", sorted(changes.sequences.items()))
        if changes.receipt is not None:
            account, key, status, body = changes.receipt
            db.execute("UPDATE idempotency_keys SET state = 'done', status = ?, headers = ?, body = ?"
                       " WHERE account_id = ? AND key = ?",
                       (status, json.dumps([["content-type", "application/json"]]), body, account, key))

    # -- orders and fills --------------------------------------------------------------------------------------
    def open_orders(self) -> list[OrderState]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_ORDER_COLS} FROM orders WHERE status IN ('open', 'partially_filled')"
                                    " ORDER BY symbol, seq").fetchall()
        return [_order(r) for r in rows]

    def get_order(self, account: str, order_id: str) -> OrderState | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_ORDER_COLS} FROM orders WHERE id = ? AND account_id = ?",
                                   (order_id, account)).fetchone()
        return _order(row) if row else None

    def client_order_id_taken(self, account: str, client_order_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM orders WHERE account_id = ? AND client_order_id = ?",
                                    (account, client_order_id)).fetchone() is not None

    def list_orders(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[OrderState]:
        where, args = _filters(account, filters, before_id, "created_at_ms")
        with self._lock:
            rows = self._db.execute(f"SELECT {_ORDER_COLS} FROM orders WHERE {where} ORDER BY id DESC LIMIT ?",
                                    (*args, limit)).fetchall()
        return [_order(r) for r in rows]

    def list_fills(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[FillRecord]:
        where, args = _filters(account, filters, before_id, "ts_ms")
        with self._lock:
            rows = self._db.execute(f"SELECT {_FILL_COLS} FROM fills WHERE {where} ORDER BY id DESC LIMIT ?",
                                    (*args, limit)).fetchall()
        return [FillRecord(*r) for r in rows]

    def book_sequences(self) -> dict[str, int]:
        with self._lock:
            return dict(self._db.execute("SELECT symbol, sequence FROM book_sequences"))

    # -- checks ------------------------------------------------------------------------------------------------
    def ledger_report(self) -> dict:
        """What the ledger invariants are checked against: unbalanced entries, balances that disagree with the
        postings, negative balances, and locked amounts that disagree with the open orders' reservations."""
        with self._lock:
            db = self._db
            unbalanced = db.execute("SELECT entry_id, asset, SUM(amount) FROM postings GROUP BY entry_id, asset"
                                    " HAVING SUM(amount) <> 0").fetchall()
            drift = db.execute(
                "SELECT b.account_id, b.asset, b.free, b.locked, COALESCE(p.free, 0), COALESCE(p.locked, 0)"
                " FROM balances b LEFT JOIN (SELECT account_id, asset,"
                "   SUM(CASE bucket WHEN 'free' THEN amount ELSE 0 END) AS free,"
                "   SUM(CASE bucket WHEN 'locked' THEN amount ELSE 0 END) AS locked"
                "   FROM postings GROUP BY account_id, asset) p USING (account_id, asset)"
                " WHERE b.free <> COALESCE(p.free, 0) OR b.locked <> COALESCE(p.locked, 0)").fetchall()
            negative = db.execute("SELECT account_id, asset, free, locked FROM balances"
                                  " WHERE account_id <> 'sys:deposits' AND (free < 0 OR locked < 0)").fetchall()
            reserved = db.execute(
                "SELECT o.account_id, CASE o.side WHEN 'buy' THEN m.quote ELSE m.base END AS asset,"
                " SUM(o.reserved) FROM orders o JOIN markets m USING (symbol)"
                " WHERE o.status IN ('open', 'partially_filled') GROUP BY 1, 2").fetchall()
            locked = {(r[0], r[1]): r[2] for r in db.execute(
                "SELECT account_id, asset, locked FROM balances WHERE locked <> 0")}
            totals = dict(db.execute("SELECT asset, SUM(free + locked) FROM balances GROUP BY asset"))
        reserved_by = {(r[0], r[1]): r[2] for r in reserved}
        lock_mismatch = [(k, locked.get(k, 0), reserved_by.get(k, 0)) for k in set(locked) | set(reserved_by)
                         if locked.get(k, 0) != reserved_by.get(k, 0)]
        return {"unbalanced_entries": unbalanced, "balance_drift": drift, "negative_balances": negative,
                "locked_vs_reserved": lock_mismatch, "asset_totals": totals}


def _filters(account: str, filters: dict, before_id: str | None, time_column: str) -> tuple[str, list]:
    clauses, args = ["account_id = ?"], [account]
    for column in ("symbol", "status", "side", "client_order_id", "order_id"):
        if filters.get(column) is not None:
            clauses.append(f"{column} = ?")
            args.append(filters[column])
    if filters.get("start_ms") is not None:
        clauses.append(f"{time_column} >= ?")
        args.append(filters["start_ms"])
    if filters.get("end_ms") is not None:
        clauses.append(f"{time_column} < ?")
        args.append(filters["end_ms"])
    if before_id is not None:
        clauses.append("id < ?")
        args.append(before_id)
    return " AND ".join(clauses), args


def _order_row(o: OrderState) -> tuple:
    return (o.id, o.account, o.symbol, o.side, o.type, o.tif, int(o.post_only), o.price, o.size, o.quote_size,
            o.client_order_id, o.status, o.filled, o.filled_quote, o.fee, o.remaining, o.reserved, o.cancel_reason,
            o.seq, o.created_at_ms, o.updated_at_ms)


def _fill_row(f: FillRecord) -> tuple:
    return (f.id, f.order_id, f.account, f.trade_id, f.symbol, f.side, f.price, f.size, f.quote, f.fee, f.liquidity,
            f.ts_ms)
