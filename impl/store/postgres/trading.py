"""PostgreSQL tables of spot trading (mixed into PostgresStore): balances, journal, orders, conditional orders, strategy
orders (order lists), fills, book sequences, the engine's outbox and the operator inbox — the behaviour of
impl/store/trading.py (SQLite), whose column lists, row getters and report queries it shares.

Invariants: `write_trading(batch)` runs inside the caller's `transaction()` and writes everything one engine batch
changed in that one transaction, so the batch commits or vanishes whole. Its first statement is the writer fence
(impl/store/postgres/writer.py): a store that claimed the writer guard and lost it raises `Deposed` before writing
anything. Bulk rows go in by COPY (trades, fills, journal entries, postings, outbox), upserts (orders, conditional
orders, strategy orders, balances, L2 sequences) by executemany, which psycopg pipelines (one round trip per statement
kind, not per row). A strategy order's legs are TEXT holding SQLite's JSON (migrations/0004_order_lists.sql says why
not JSONB). Sums in reports are cast back to BIGINT so they read as Python ints, as SQLite's do.
"""

from __future__ import annotations

from impl.domain import events
from impl.domain.conditional import ConditionalOrder
from impl.domain.events import Committed
from impl.domain.order_lists import OrderList
from impl.domain.orders import FillRecord, OrderState
from impl.domain.ports import Balance, BookState, OperatorCommand, OperatorCommandState
from impl.store.postgres.markets import insert_trades
from impl.store.postgres.rows import copy_rows
from impl.store.trading import (
    _CONDITIONAL_COLS,
    _CONDITIONAL_WIDTH,
    _FILL_COLS,
    _LAST_PRICES,
    _LIVE,
    _MUTABLE,
    _ORDER_COLS,
    _ORDER_LIST_COLS,
    _ORDER_LIST_WIDTH,
    _ORDER_WIDTH,
    _RESERVED,
    _UPSERT_CONDITIONAL,
    _UPSERT_ORDER_LIST,
    _WORKING,
    _conditional_filters,
    _conditional_row,
    _fill_row,
    _filters,
    _order_list,
    _order_list_filters,
    _order_list_row,
    _order_row,
)

_UPSERT_ORDER = (f"INSERT INTO orders ({_ORDER_COLS}) VALUES ({', '.join(['%s'] * _ORDER_WIDTH)})"
                 " ON CONFLICT (id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _MUTABLE))
_INSERT_CONDITIONAL = (f"INSERT INTO conditional_orders ({_CONDITIONAL_COLS})"
                       f" VALUES ({', '.join(['%s'] * _CONDITIONAL_WIDTH)}) {_UPSERT_CONDITIONAL}")
_INSERT_ORDER_LIST = (f"INSERT INTO order_lists ({_ORDER_LIST_COLS})"
                      f" VALUES ({', '.join(['%s'] * _ORDER_LIST_WIDTH)}) {_UPSERT_ORDER_LIST}")
_OPEN = "status IN ('open', 'partially_filled')"


class TradingTables:
    """Requires `self._conn()`, `self._one()`, `self._all()`, `self._count()` and `self._writer` of PostgresStore."""

    # -- the single writer (impl/store/postgres/writer.py) --------------------------------------------------------
    def claim_writer(self, wait: bool = False) -> None:
        self._writer.claim(wait)

    def release_writer(self) -> None:
        self._writer.release()

    # -- writing one batch ---------------------------------------------------------------------------------------
    def write_trading(self, batch) -> None:
        with self._conn() as conn, conn.cursor() as cur:
            self._writer.fence(cur)
            if batch.orders:
                cur.executemany(_UPSERT_ORDER, [_order_row(o) for o in batch.orders.values()])
            _many(cur, _INSERT_CONDITIONAL, [_conditional_row(c) for c in batch.conditionals.values()])
            _many(cur, _INSERT_ORDER_LIST, [_order_list_row(ol) for ol in batch.order_lists.values()])
            insert_trades(conn, batch.trades)
            copy_rows(cur, "fills", _FILL_COLS, map(_fill_row, batch.fills))
            first, entries = batch.first_entry_id, batch.journal.entries
            copy_rows(cur, "journal_entries", "id, kind, ref, ts_ms",
                  [(first + i, e.kind, e.ref, e.ts_ms) for i, e in enumerate(entries)])
            copy_rows(cur, "postings", "entry_id, account_id, asset, bucket, amount",
                  [(first + i, *p) for i, e in enumerate(entries) for p in e.postings])
            _many(cur, "INSERT INTO balances VALUES (%s, %s, %s, %s) ON CONFLICT (account_id, asset) DO UPDATE"
                  " SET free = excluded.free, locked = excluded.locked", batch.balances)
            _many(cur, "INSERT INTO book_sequences VALUES (%s, %s) ON CONFLICT (symbol) DO UPDATE"
                  " SET sequence = excluded.sequence", sorted(batch.sequences.items()))
            if batch.outbox:
                copy_rows(cur, "outbox", "seq, ts_ms, events",
                      [(c.seq, c.ts_ms, events.encode(c.events)) for c in batch.outbox])
                cur.execute("UPDATE outbox_head SET seq = %s", (batch.outbox[-1].seq,))
            if batch.prune_outbox_through is not None:
                cur.execute("DELETE FROM outbox WHERE seq <= %s", (batch.prune_outbox_through,))
            _many(cur, "UPDATE idempotency_keys SET state = 'done', result = %s WHERE account_id = %s AND key = %s",
                  [(result, account, key) for origin, account, key, result in batch.results if origin != "operator"])
            _many(cur, "UPDATE operator_commands SET state = 'done', result = %s WHERE id = %s AND state = 'pending'",
                  [(result.decode() if isinstance(result, bytes) else result, int(key))
                   for origin, _, key, result in batch.results if origin == "operator"])

    # -- balances ----------------------------------------------------------------------------------------------
    def balance(self, account: str, asset: str) -> Balance:
        row = self._one("SELECT free, locked FROM balances WHERE account_id = %s AND asset = %s", (account, asset))
        return Balance(row[0], row[1]) if row else Balance(0, 0)

    def balances_of(self, account: str) -> dict[str, Balance]:
        rows = self._all("SELECT asset, free, locked FROM balances WHERE account_id = %s", (account,))
        return {r[0]: Balance(r[1], r[2]) for r in rows}

    def all_balances(self) -> dict[tuple[str, str], Balance]:
        return {(r[0], r[1]): Balance(r[2], r[3])
                for r in self._all("SELECT account_id, asset, free, locked FROM balances")}

    def last_entry_id(self) -> int:
        return self._one("SELECT COALESCE(MAX(id), 0) FROM journal_entries")[0]

    def book_sequences(self) -> dict[str, int]:
        return dict(self._all("SELECT symbol, sequence FROM book_sequences"))

    # -- the outbox --------------------------------------------------------------------------------------------
    def last_outbox_seq(self) -> int:
        return self._one("SELECT seq FROM outbox_head")[0]

    def book_state(self) -> BookState:
        """One REPEATABLE READ transaction: open orders, L2 sequences and the outbox head as of one snapshot, whatever
        the engine commits meanwhile."""
        with self._pool.connection() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            orders = [OrderState(*r) for r in conn.execute(f"SELECT {_ORDER_COLS} FROM orders WHERE {_OPEN}"
                                                            " ORDER BY symbol, seq").fetchall()]
            sequences = dict(conn.execute("SELECT symbol, sequence FROM book_sequences").fetchall())
            head = conn.execute("SELECT seq FROM outbox_head").fetchone()[0]
        return BookState(orders, sequences, head)

    def outbox_after(self, seq: int, limit: int) -> list[Committed]:
        rows = self._all("SELECT seq, ts_ms, events FROM outbox WHERE seq > %s ORDER BY seq LIMIT %s", (seq, limit))
        return [Committed(r[0], r[1], events.decode(r[2])) for r in rows]

    # -- the operator inbox (impl/operator.py) -------------------------------------------------------------------
    def enqueue_operator_command(self, command: str, now_ms: int) -> int:
        return self._one("INSERT INTO operator_commands (command, state, created_at_ms) VALUES (%s, 'pending', %s)"
                         " RETURNING id", (command, now_ms))[0]

    def pending_operator_commands(self, limit: int) -> list[OperatorCommand]:
        rows = self._all("SELECT id, command FROM operator_commands WHERE state = 'pending' ORDER BY id LIMIT %s",
                         (limit,))
        return [OperatorCommand(*r) for r in rows]

    def operator_command(self, command_id: int) -> OperatorCommandState | None:
        row = self._one("SELECT state, result FROM operator_commands WHERE id = %s", (command_id,))
        return OperatorCommandState(*row) if row else None

    def fail_operator_command(self, command_id: int, result: str) -> None:
        self._count("UPDATE operator_commands SET state = 'failed', result = %s WHERE id = %s AND state = 'pending'",
                    (result, command_id))

    # -- orders and fills --------------------------------------------------------------------------------------
    def open_orders(self) -> list[OrderState]:
        return [OrderState(*r) for r in self._all(f"SELECT {_ORDER_COLS} FROM orders WHERE {_OPEN}"
                                                  " ORDER BY symbol, seq")]

    def get_order(self, account: str, order_id: str) -> OrderState | None:
        row = self._one(f"SELECT {_ORDER_COLS} FROM orders WHERE id = %s AND account_id = %s", (order_id, account))
        return OrderState(*row) if row else None

    def client_order_id_taken(self, account: str, client_order_id: str) -> bool:
        return self._one("SELECT 1 FROM orders WHERE account_id = %s AND client_order_id = %s",
                         (account, client_order_id)) is not None

    def list_orders(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[OrderState]:
        where, args = _where(account, filters, before_id, "created_at_ms")
        rows = self._all(f"SELECT {_ORDER_COLS} FROM orders WHERE {where} ORDER BY id DESC LIMIT %s", (*args, limit))
        return [OrderState(*r) for r in rows]

    def list_fills(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[FillRecord]:
        where, args = _where(account, filters, before_id, "ts_ms")
        rows = self._all(f"SELECT {_FILL_COLS} FROM fills WHERE {where} ORDER BY id DESC LIMIT %s", (*args, limit))
        return [FillRecord(*r) for r in rows]

    # -- conditional orders ------------------------------------------------------------------------------------
    def live_conditionals(self) -> list[ConditionalOrder]:
        return [ConditionalOrder(*r) for r in self._all(f"SELECT {_CONDITIONAL_COLS} FROM conditional_orders"
                                                        f" WHERE {_LIVE} ORDER BY id")]

    def conditional_client_id_taken(self, account: str, client_order_id: str) -> bool:
        return self._one("SELECT 1 FROM conditional_orders WHERE account_id = %s AND client_order_id = %s",
                         (account, client_order_id)) is not None

    def last_prices(self) -> dict[str, int]:
        return dict(self._all(_LAST_PRICES))

    def get_conditional(self, account: str, conditional_id: str) -> ConditionalOrder | None:
        row = self._one(f"SELECT {_CONDITIONAL_COLS} FROM conditional_orders WHERE id = %s AND account_id = %s",
                        (conditional_id, account))
        return ConditionalOrder(*row) if row else None

    def list_conditionals(self, account: str, filters: dict, limit: int,
                          before_id: str | None) -> list[ConditionalOrder]:
        where, args = _conditional_filters(account, filters, before_id)
        rows = self._all(f"SELECT {_CONDITIONAL_COLS} FROM conditional_orders WHERE {where.replace('?', '%s')}"
                         " ORDER BY id DESC LIMIT %s", (*args, limit))
        return [ConditionalOrder(*r) for r in rows]

    # -- strategy orders (order lists) ---------------------------------------------------------------------------
    def live_order_lists(self) -> list[OrderList]:
        return [_order_list(r) for r in self._all(f"SELECT {_ORDER_LIST_COLS} FROM order_lists WHERE {_WORKING}"
                                                  " ORDER BY id")]

    def order_list_client_id_taken(self, account: str, client_list_id: str) -> bool:
        return self._one("SELECT 1 FROM order_lists WHERE account_id = %s AND client_list_id = %s",
                         (account, client_list_id)) is not None

    def get_order_list(self, account: str, order_list_id: str) -> OrderList | None:
        row = self._one(f"SELECT {_ORDER_LIST_COLS} FROM order_lists WHERE id = %s AND account_id = %s",
                        (order_list_id, account))
        return _order_list(row) if row else None

    def list_order_lists(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[OrderList]:
        where, args = _order_list_filters(account, filters, before_id)
        rows = self._all(f"SELECT {_ORDER_LIST_COLS} FROM order_lists WHERE {where.replace('?', '%s')}"
                         " ORDER BY id DESC LIMIT %s", (*args, limit))
        return [_order_list(r) for r in rows]

    # -- checks ------------------------------------------------------------------------------------------------
    def ledger_report(self) -> dict:
        """As SQLiteStore's (impl/store/trading.py), read in one REPEATABLE READ transaction so that every list is of
        the same committed state while the engine keeps writing."""
        with self._pool.connection() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            rows = {name: conn.execute(sql).fetchall() for name, sql in _REPORT.items()}
        locked = {(r[0], r[1]): r[2] for r in rows["locked"]}
        reserved_by = {(r[0], r[1]): r[2] for r in rows["reserved"]}
        lock_mismatch = [(k, locked.get(k, 0), reserved_by.get(k, 0)) for k in set(locked) | set(reserved_by)
                         if locked.get(k, 0) != reserved_by.get(k, 0)]
        return {"unbalanced_entries": rows["unbalanced"], "balance_drift": rows["drift"],
                "negative_balances": rows["negative"], "locked_vs_reserved": lock_mismatch,
                "duplicate_priorities": rows["priorities"], "crossed_books": rows["crossed"],
                "asset_totals": dict(rows["totals"])}


_REPORT = {
    "unbalanced": "SELECT entry_id, asset, CAST(SUM(amount) AS BIGINT) FROM postings GROUP BY entry_id, asset"
                  " HAVING SUM(amount) <> 0",
    "drift": "SELECT b.account_id, b.asset, b.free, b.locked, COALESCE(p.free, 0), COALESCE(p.locked, 0)"
             " FROM balances b LEFT JOIN (SELECT account_id, asset,"
             "   CAST(SUM(CASE bucket WHEN 'free' THEN amount ELSE 0 END) AS BIGINT) AS free,"
             "   CAST(SUM(CASE bucket WHEN 'locked' THEN amount ELSE 0 END) AS BIGINT) AS locked"
             "   FROM postings GROUP BY account_id, asset) p USING (account_id, asset)"
             " WHERE b.free <> COALESCE(p.free, 0) OR b.locked <> COALESCE(p.locked, 0)",
    "negative": "SELECT account_id, asset, free, locked FROM balances"
                " WHERE account_id <> 'sys:deposits' AND (free < 0 OR locked < 0)",
    "reserved": _RESERVED,  # open orders' and live conditional orders' reservations
    "locked": "SELECT account_id, asset, locked FROM balances WHERE locked <> 0",
    "totals": "SELECT asset, CAST(SUM(free + locked) AS BIGINT) FROM balances GROUP BY asset",
    # what start-up could not rebuild a book from (both only happen if two writers ever traded on one database)
    "priorities": f"SELECT symbol, seq, COUNT(*) FROM orders WHERE {_OPEN} GROUP BY symbol, seq HAVING COUNT(*) > 1",
    "crossed": "SELECT b.symbol, b.price, a.price FROM"
               f" (SELECT symbol, MAX(price) AS price FROM orders WHERE side = 'buy' AND {_OPEN} GROUP BY symbol) b"
               f" JOIN (SELECT symbol, MIN(price) AS price FROM orders WHERE side = 'sell' AND {_OPEN}"
               " GROUP BY symbol) a USING (symbol) WHERE b.price >= a.price",
}


def _where(account: str, filters: dict, before_id: str | None, time_column: str) -> tuple[str, list]:
    """SQLite's filter clauses (impl/store/trading.py `_filters`) with psycopg's placeholders (no column name or
    operator there contains a '?')."""
    where, args = _filters(account, filters, before_id, time_column)
    return where.replace("?", "%s"), args


def _many(cur, sql: str, rows: list) -> None:
    if rows:
        cur.executemany(sql, rows)
