"""SQLite tables of spot trading (mixed into SQLiteStore): balances, journal, orders, conditional orders, strategy
orders (order lists), fills, book sequences and the engine's outbox.

Invariants: `write_trading(batch)` writes everything one engine batch changed (impl/domain/engine.py `Batch`) —
orders, conditional orders, strategy orders, fills, public trades with their candles, journal entries with their
postings, the balances they changed, the L2 book sequences, the outbox rows of its commands' events and the results
of its idempotent commands — inside the caller's `transaction()`, so the batch commits or vanishes whole, and a retry
after a crash between commit and answer finds its result instead of acting twice. Orders, conditional orders and
strategy orders are upserted: what they were placed with (identity, owner, market, kind, client order or list id,
an order's parent) never changes after their first write. A strategy order's legs are one JSON column (orjson of
its `Leg` dataclasses), written and read whole. Balances are a materialisation of the postings; `ledger_report`
recomputes them from the journal so that tests and operators can check they agree, and checks that every locked
amount is exactly what the open orders and live conditional orders reserve (a strategy order holds no funds of its
own: its legs do).

One writer per database: `claim_writer()` takes an exclusive advisory lock (flock) on `<database>.writer.lock`
for as long as the store is open; a second process that tries to trade on the same file is refused with the
holder's pid (or, with `wait=True`, blocks until the holder is gone: a standby engine). The lock dies with its
process, so a crashed writer never blocks its successor; only a live process holds it, so no write of a deposed
writer can follow (the fencing a network database needs is not needed on one machine's file).
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from operator import attrgetter

import orjson

from impl.domain import events
from impl.domain.conditional import ConditionalOrder
from impl.domain.engine import AnotherWriter
from impl.domain.events import Committed
from impl.domain.order_lists import Leg, OrderList
from impl.domain.orders import FillRecord, OrderState
from impl.domain.ports import Balance, BookState, OperatorCommand, OperatorCommandState
from impl.store.rows import insert_rows

_ORDER_COLS = ("id, account_id, symbol, side, type, tif, post_only, price, size, quote_size, client_order_id, status,"
               " filled, filled_quote, fee, remaining, reserved, cancel_reason, seq, created_at_ms, updated_at_ms,"
               " parent_id")
_ORDER_WIDTH = 22
# What an upsert of an existing order changes; its identity, owner, market, kind, client order id, parent and
# creation time are fixed when it is first written.
_MUTABLE = ("price", "size", "status", "filled", "filled_quote", "fee", "remaining", "reserved", "cancel_reason", "seq",
            "updated_at_ms")
_UPSERT_ORDER = "ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _MUTABLE)
_FILL_COLS = "id, order_id, account_id, trade_id, symbol, side, price, size, quote, fee, liquidity, ts_ms"
# Conditional orders: the columns in ConditionalOrder's field order (a row is ConditionalOrder(*row)); an upsert
# changes only what the engine moves after placement (trailing trigger, tracked price, status and its outcome).
_CONDITIONAL_COLS = ("id, account_id, symbol, side, type, trigger_direction, trigger_price, price, size, quote_size,"
                     " tif, activation_price, callback_rate, callback_amount, tracked_price, client_order_id, status,"
                     " reason, order_id, order_list_id, reserved, created_at_ms, updated_at_ms, triggered_at_ms")
_CONDITIONAL_WIDTH = 24
_CONDITIONAL_MUTABLE = ("trigger_price", "tracked_price", "status", "reason", "order_id", "reserved", "updated_at_ms",
                        "triggered_at_ms")
_UPSERT_CONDITIONAL = "ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _CONDITIONAL_MUTABLE)
_LIVE = "status IN ('new', 'triggered')"  # impl.domain.conditional.LIVE_STATUSES
# Strategy orders: the columns in OrderList's field order (a row is `_order_list(row)`); an upsert changes only what
# the engine moves after placement — the list's status and reason, its legs and the time it last changed.
_ORDER_LIST_COLS = ("id, account_id, symbol, type, client_list_id, status, reason, legs, created_at_ms,"
                    " updated_at_ms")
_ORDER_LIST_WIDTH = 10
_ORDER_LIST_MUTABLE = ("status", "reason", "legs", "updated_at_ms")
_UPSERT_ORDER_LIST = "ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _ORDER_LIST_MUTABLE)
_WORKING = "status = 'working'"  # impl.domain.order_lists: the live status
# symbol -> price of its newest trade (greatest id: ids are time-sortable), one index seek per listed market
_LAST_PRICES = ("SELECT symbol, price FROM (SELECT m.symbol, (SELECT t.price FROM trades t WHERE t.symbol = m.symbol"
                " ORDER BY t.id DESC LIMIT 1) AS price FROM markets m) p WHERE price IS NOT NULL")


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
        return Balance(row[0], row[1]) if row else Balance(0, 0)

    def balances_of(self, account: str) -> dict[str, tuple[int, int]]:
        with self._lock:
            rows = self._db.execute("SELECT asset, free, locked FROM balances WHERE account_id = ?", (account,))
            return {r[0]: Balance(r[1], r[2]) for r in rows}

    def all_balances(self) -> dict[tuple[str, str], tuple[int, int]]:
        with self._lock:
            return {(r[0], r[1]): Balance(r[2], r[3]) for r in self._db.execute("SELECT * FROM balances")}

    # -- the single writer ---------------------------------------------------------------------------------------
    def claim_writer(self, wait: bool = False) -> None:
        if self._writer_lock is not None or self.path == ":memory:":
            return
        fd = os.open(f"{self.path}.writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)  # wait: a standby
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise AnotherWriter(f"another process (pid {holder}) is already trading on {self.path}; one engine per "
                                "database — stop it first, or point this one at another database") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._writer_lock = fd

    def release_writer(self) -> None:
        if self._writer_lock is not None:
            os.close(self._writer_lock)  # closing the descriptor drops the flock
            self._writer_lock = None

    def last_entry_id(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COALESCE(MAX(id), 0) FROM journal_entries").fetchone()[0]

    def last_outbox_seq(self) -> int:
        with self._lock:
            return self._db.execute("SELECT seq FROM outbox_head").fetchone()[0]

    def book_state(self) -> BookState:
        """One read transaction (WAL: a snapshot of the database, whatever another process commits meanwhile)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                return BookState(self.open_orders(), self.book_sequences(), self.last_outbox_seq())
            finally:
                self._db.execute("COMMIT")

    def outbox_after(self, seq: int, limit: int) -> list[Committed]:
        """Committed commands with a sequence above `seq`, oldest first (at most `limit`)."""
        with self._lock:
            rows = self._db.execute("SELECT seq, ts_ms, events FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                                    (seq, limit)).fetchall()
        return [Committed(r[0], r[1], events.decode(r[2])) for r in rows]

    # -- writing one batch ---------------------------------------------------------------------------------------
    def write_trading(self, batch) -> None:
        db = self._db
        insert_rows(db, f"INSERT INTO orders ({_ORDER_COLS})", _ORDER_WIDTH, map(_order_row, batch.orders.values()),
                    _UPSERT_ORDER)
        insert_rows(db, f"INSERT INTO conditional_orders ({_CONDITIONAL_COLS})", _CONDITIONAL_WIDTH,
                    map(_conditional_row, batch.conditionals.values()), _UPSERT_CONDITIONAL)
        insert_rows(db, f"INSERT INTO order_lists ({_ORDER_LIST_COLS})", _ORDER_LIST_WIDTH,
                    map(_order_list_row, batch.order_lists.values()), _UPSERT_ORDER_LIST)
        self._insert_trades(batch.trades)
        insert_rows(db, f"INSERT INTO fills ({_FILL_COLS})", 12, map(_fill_row, batch.fills))
        entries = batch.journal.entries
        first = batch.first_entry_id
        insert_rows(db, "INSERT INTO journal_entries (id, kind, ref, ts_ms)", 4,
                    [(first + i, e.kind, e.ref, e.ts_ms) for i, e in enumerate(entries)])
        insert_rows(db, "INSERT INTO postings", 5, [(first + i, *p) for i, e in enumerate(entries) for p in e.postings])
        db.executemany("INSERT OR REPLACE INTO balances VALUES (?, ?, ?, ?)", batch.balances)
        db.executemany("INSERT OR REPLACE INTO book_sequences VALUES (?, ?)", sorted(batch.sequences.items()))
        if batch.outbox:
            insert_rows(db, "INSERT INTO outbox (seq, ts_ms, events)", 3,
                        [(c.seq, c.ts_ms, events.encode(c.events)) for c in batch.outbox])
            db.execute("UPDATE outbox_head SET seq = ?", (batch.outbox[-1].seq,))
        if batch.prune_outbox_through is not None:
            db.execute("DELETE FROM outbox WHERE seq <= ?", (batch.prune_outbox_through,))
        db.executemany("UPDATE idempotency_keys SET state = 'done', result = ? WHERE account_id = ? AND key = ?",
                       [(result, account, key) for origin, account, key, result in batch.results
                        if origin != "operator"])
        db.executemany("UPDATE operator_commands SET state = 'done', result = ? WHERE id = ? AND state = 'pending'",
                       [(result, int(key)) for origin, _, key, result in batch.results if origin == "operator"])

    # -- the operator inbox (impl/operator.py) -------------------------------------------------------------------
    def enqueue_operator_command(self, command: str, now_ms: int) -> int:
        with self._lock, self._tx():
            return self._db.execute("INSERT INTO operator_commands (command, state, created_at_ms)"
                                    " VALUES (?, 'pending', ?)", (command, now_ms)).lastrowid

    def pending_operator_commands(self, limit: int) -> list[OperatorCommand]:
        with self._lock:
            rows = self._db.execute("SELECT id, command FROM operator_commands WHERE state = 'pending' ORDER BY id"
                                    " LIMIT ?", (limit,)).fetchall()
        return [OperatorCommand(*r) for r in rows]

    def operator_command(self, command_id: int) -> OperatorCommandState | None:
        with self._lock:
            row = self._db.execute("SELECT state, result FROM operator_commands WHERE id = ?",
                                   (command_id,)).fetchone()
        return OperatorCommandState(*row) if row else None

    def fail_operator_command(self, command_id: int, result: str) -> None:
        with self._lock, self._tx():
            self._db.execute("UPDATE operator_commands SET state = 'failed', result = ? WHERE id = ?"
                             " AND state = 'pending'", (result, command_id))

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

    # -- conditional orders ------------------------------------------------------------------------------------
    def live_conditionals(self) -> list[ConditionalOrder]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_CONDITIONAL_COLS} FROM conditional_orders WHERE {_LIVE}"
                                    " ORDER BY id").fetchall()
        return [ConditionalOrder(*r) for r in rows]

    def conditional_client_id_taken(self, account: str, client_order_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM conditional_orders WHERE account_id = ? AND client_order_id = ?",
                                    (account, client_order_id)).fetchone() is not None

    def last_prices(self) -> dict[str, int]:
        with self._lock:
            return dict(self._db.execute(_LAST_PRICES))

    def get_conditional(self, account: str, conditional_id: str) -> ConditionalOrder | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_CONDITIONAL_COLS} FROM conditional_orders WHERE id = ?"
                                   " AND account_id = ?", (conditional_id, account)).fetchone()
        return ConditionalOrder(*row) if row else None

    def list_conditionals(self, account: str, filters: dict, limit: int,
                          before_id: str | None) -> list[ConditionalOrder]:
        where, args = _conditional_filters(account, filters, before_id)
        with self._lock:
            rows = self._db.execute(f"SELECT {_CONDITIONAL_COLS} FROM conditional_orders WHERE {where}"
                                    " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [ConditionalOrder(*r) for r in rows]

    # -- strategy orders (order lists) ---------------------------------------------------------------------------
    def live_order_lists(self) -> list[OrderList]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_ORDER_LIST_COLS} FROM order_lists WHERE {_WORKING}"
                                    " ORDER BY id").fetchall()
        return [_order_list(r) for r in rows]

    def order_list_client_id_taken(self, account: str, client_list_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM order_lists WHERE account_id = ? AND client_list_id = ?",
                                    (account, client_list_id)).fetchone() is not None

    def get_order_list(self, account: str, order_list_id: str) -> OrderList | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_ORDER_LIST_COLS} FROM order_lists WHERE id = ? AND account_id = ?",
                                   (order_list_id, account)).fetchone()
        return _order_list(row) if row else None

    def list_order_lists(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[OrderList]:
        where, args = _order_list_filters(account, filters, before_id)
        with self._lock:
            rows = self._db.execute(f"SELECT {_ORDER_LIST_COLS} FROM order_lists WHERE {where}"
                                    " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [_order_list(r) for r in rows]

    # -- checks ------------------------------------------------------------------------------------------------
    def ledger_report(self) -> dict:
        """What the ledger invariants are checked against: unbalanced entries, balances that disagree with the
        postings, negative balances, locked amounts that disagree with the reservations of open orders and live
        conditional orders, and books that could not be restored (duplicate time priorities, crossed at rest)."""
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
            reserved = db.execute(_RESERVED).fetchall()
            locked = {(r[0], r[1]): r[2] for r in db.execute(
                "SELECT account_id, asset, locked FROM balances WHERE locked <> 0")}
            totals = dict(db.execute("SELECT asset, SUM(free + locked) FROM balances GROUP BY asset"))
            # What start-up could not rebuild a book from: two resting orders with one time priority, or a book
            # whose best bid reaches its best ask (both only happen if two writers ever traded on one database).
            priorities = db.execute(
                "SELECT symbol, seq, COUNT(*) FROM orders WHERE status IN ('open', 'partially_filled')"
                " GROUP BY symbol, seq HAVING COUNT(*) > 1").fetchall()
            crossed = db.execute(
                "SELECT b.symbol, b.price, a.price FROM"
                " (SELECT symbol, MAX(price) AS price FROM orders WHERE side = 'buy'"
                "   AND status IN ('open', 'partially_filled') GROUP BY symbol) b JOIN"
                " (SELECT symbol, MIN(price) AS price FROM orders WHERE side = 'sell'"
                "   AND status IN ('open', 'partially_filled') GROUP BY symbol) a USING (symbol)"
                " WHERE b.price >= a.price").fetchall()
        reserved_by = {(r[0], r[1]): r[2] for r in reserved}
        lock_mismatch = [(k, locked.get(k, 0), reserved_by.get(k, 0)) for k in set(locked) | set(reserved_by)
                         if locked.get(k, 0) != reserved_by.get(k, 0)]
        return {"unbalanced_entries": unbalanced, "balance_drift": drift, "negative_balances": negative,
                "locked_vs_reserved": lock_mismatch, "duplicate_priorities": priorities, "crossed_books": crossed,
                "asset_totals": totals}


# What each (account, asset) should have locked: open orders' and live conditional orders' reservations (the quote
# asset for a buy, the base asset for a sell). Shared with PostgreSQL (impl/store/postgres/trading.py).
_RESERVED = ("SELECT r.account_id, CASE r.side WHEN 'buy' THEN m.quote ELSE m.base END AS asset,"
             " CAST(SUM(r.reserved) AS BIGINT) FROM"
             " (SELECT account_id, symbol, side, reserved FROM orders WHERE status IN ('open', 'partially_filled')"
             "  UNION ALL"
             f" SELECT account_id, symbol, side, reserved FROM conditional_orders WHERE {_LIVE}) r"
             " JOIN markets m USING (symbol) GROUP BY 1, 2")


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


# Rows in column order (one C call per record; sqlite3 stores post_only's bool as 0/1).
_order_row = attrgetter("id", "account", "symbol", "side", "type", "tif", "post_only", "price", "size", "quote_size",
                        "client_order_id", "status", "filled", "filled_quote", "fee", "remaining", "reserved",
                        "cancel_reason", "seq", "created_at_ms", "updated_at_ms", "parent_id")


_fill_row = attrgetter("id", "order_id", "account", "trade_id", "symbol", "side", "price", "size", "quote", "fee",
                       "liquidity", "ts_ms")

_conditional_row = attrgetter("id", "account", "symbol", "side", "type", "trigger_direction", "trigger_price", "price",
                              "size", "quote_size", "tif", "activation_price", "callback_rate", "callback_amount",
                              "tracked_price", "client_order_id", "status", "reason", "order_id", "order_list_id",
                              "reserved", "created_at_ms", "updated_at_ms", "triggered_at_ms")


def _conditional_filters(account: str, filters: dict, before_id: str | None) -> tuple[str, list]:
    """The clauses of `list_conditionals`: the account's, symbol, live (True/False/None), [start_ms, end_ms) on
    created_at_ms, id < before_id."""
    return _live_filters(account, filters, before_id, _LIVE)


def _order_list_filters(account: str, filters: dict, before_id: str | None) -> tuple[str, list]:
    """The clauses of `list_order_lists`: as `_conditional_filters`, live meaning status working."""
    return _live_filters(account, filters, before_id, _WORKING)


def _live_filters(account: str, filters: dict, before_id: str | None, live_clause: str) -> tuple[str, list]:
    where, args = _filters(account, {k: filters.get(k) for k in ("symbol", "start_ms", "end_ms")}, before_id,
                           "created_at_ms")
    live = filters.get("live")
    if live is not None:
        where += f" AND {live_clause}" if live else f" AND NOT {live_clause}"
    return where, args


def _order_list_row(order_list: OrderList) -> tuple:
    """A row in `_ORDER_LIST_COLS` order: the legs as one JSON text (orjson of the Leg dataclasses: their fields)."""
    return (order_list.id, order_list.account, order_list.symbol, order_list.type, order_list.client_list_id,
            order_list.status, order_list.reason, orjson.dumps(order_list.legs).decode(), order_list.created_at_ms,
            order_list.updated_at_ms)


def _order_list(row) -> OrderList:
    """An OrderList from a row in `_ORDER_LIST_COLS` order (its legs rebuilt from their JSON)."""
    return OrderList(*row[:7], [Leg(**leg) for leg in orjson.loads(row[7])], row[8], row[9])
