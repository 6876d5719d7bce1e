"""The engine as a single writer (impl/domain/engine.py, sequencer.py, outbox.py), over a real store — SQLite and
PostgreSQL (each test runs on both; PostgreSQL on a database of its own, tests/pg_support.py):

- group commit: commands that arrive while a commit is in flight are applied together and committed in one
  transaction; nobody is answered, and nothing is readable, before the commit that holds their effect;
- a failed commit answers every command of its batch with the failure and leaves memory equal to the store;
- the outbox: every command's events are stored with its effect; a consumer that resumes after any sequence —
  across a restart of the engine — receives every later event once, in order, with no gap;
- reactions: a real rule (a stop-loss trigger) runs as an engine-originated command in the same batch as the trade
  that crossed it, fires exactly once, and its order matches at once;
- one writer per database: a second engine on the same database is refused.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from fractions import Fraction
from pathlib import Path

import pytest

from impl import demo
from impl.domain.commands import PlaceOrder
from impl.domain.engine import AnotherWriter
from impl.domain.errors import DomainError
from impl.domain.events import BookChanged, OrderUpdated, TradeMade
from impl.domain.orders import NewOrder
from impl.domain.outbox import Feed
from impl.domain.trading import Trading
from impl.ids import new_id
from impl.store import is_postgres_url
from impl.store import open_store as open_any_store

ACCOUNTS = ("usr_A", "usr_B", "usr_C")
RATES = (Fraction(1, 1000), Fraction(2, 1000))


_opened: list = []  # stores a test opened, closed after it (a PostgreSQL database is dropped after its test)


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path):
    """A SQLite file path or the URL of a fresh PostgreSQL database."""
    try:
        if request.param == "sqlite":
            yield str(tmp_path / "db.sqlite3")
        else:
            from pg_support import fresh_database

            with fresh_database(migrated=False) as url:
                yield url
                _close_opened()
    finally:
        _close_opened()


def _close_opened() -> None:
    while _opened:
        _opened.pop().close()


def execute(database: str, sql: str, args: tuple) -> tuple | None:
    """Raw SQL on the database behind the store's back, on a connection of its own (`?` placeholders); the first
    row it returns, if any."""
    if is_postgres_url(database):
        import psycopg

        with psycopg.connect(database) as conn:
            cur = conn.execute(sql.replace("?", "%s"), args)
            return cur.fetchone() if cur.description else None
    with sqlite3.connect(database) as db:
        return db.execute(sql, args).fetchone()


def open_store(database):
    store = open_any_store(str(database))
    _opened.append(store)
    store.migrate()
    demo.seed_if_empty(store)
    return store


def make_trading(store, reactions=()) -> Trading:
    return Trading(store, store.list_markets(), store.list_assets(), {}, lambda _a: RATES,
                   lambda: 1_779_105_851_842, new_id, reactions)


def funded(path) -> tuple:
    store = open_store(path)
    trading = make_trading(store)
    for account in ACCOUNTS:
        trading.deposit(account, "BTC", "50", f"dep-{account}-btc")
        trading.deposit(account, "USDT", "5000000", f"dep-{account}-usdt")
    return store, trading


def limit(account: str, side: str, price: str, size: str, **extra) -> dict:
    return {"symbol": "BTC/USDT", "side": side, "type": "limit", "price": price, "size": size, **extra}


def test_group_commit_answers_nobody_before_the_commit_that_holds_their_effect(database):
    store, trading = funded(database)
    real_write, entered, release = store.write_trading, threading.Event(), threading.Event()

    def held_write(batch):
        entered.set()
        assert release.wait(30), "the test never released the commit"
        real_write(batch)

    store.write_trading = held_write
    first = trading.sequencer.submit(trading.place_command("usr_A", limit("usr_A", "sell", "100.00", "1")))
    assert entered.wait(30)  # the first batch (one command) is committing now, and stays there
    batches_before = trading.sequencer.stats["batches"]
    queued: list[Future] = [trading.sequencer.submit(trading.place_command(
        account, limit(account, "buy", "99.00", "0.1", client_order_id=f"q{i}")))
        for i, account in enumerate(ACCOUNTS * 5)]
    assert not first.done() and not any(f.done() for f in queued)  # nobody answered before the commit
    # another connection: what is committed (readers never wait for the writer) — and nothing committed yet
    assert execute(database, "SELECT COUNT(*) FROM orders", ()) == (0,)
    store.write_trading = real_write
    release.set()
    placed = [f.result(timeout=30) for f in queued]
    assert first.result(timeout=30).status == "open"
    # everything that queued behind the held commit was applied and committed as one more batch
    assert trading.sequencer.stats["batches"] - batches_before == 2
    for order in placed:
        assert store.get_order(order.account, order.id).status == "open"


def test_a_failed_commit_answers_the_whole_batch_with_its_error_and_changes_nothing(database, monkeypatch):
    store, trading = funded(database)
    before = store.ledger_report()["asset_totals"], store.all_balances()

    def broken(_batch):
        raise OSError("disk full")

    monkeypatch.setattr(store, "write_trading", broken)
    with pytest.raises(OSError):
        trading.place("usr_A", limit("usr_A", "sell", "100.00", "1"))
    monkeypatch.undo()
    assert (store.ledger_report()["asset_totals"], store.all_balances()) == before
    assert trading.resting()["BTC/USDT"] == []
    assert trading.place("usr_B", limit("usr_B", "buy", "100.00", "1")).status == "open"  # and it goes on


def test_the_outbox_delivers_every_event_once_and_in_order_across_a_restart(database):
    path = database
    store, trading = funded(path)
    seen: list[int] = []
    feed = Feed(trading, store, 0, lambda c: seen.append(c.seq))
    for i in range(20):
        trading.place(ACCOUNTS[i % 3], limit(ACCOUNTS[i % 3], "buy" if i % 2 else "sell", f"{100 + i % 4}.00",
                                             "0.5"))
    feed.close()
    assert seen == list(range(1, len(seen) + 1)) and len(seen) > 20
    everything = store.outbox_after(0, 10_000)
    assert [c.seq for c in everything] == seen
    halfway = seen[len(seen) // 2]  # a consumer that had handled only this far when the engine went away
    trading.close()
    store.close()

    store = open_store(path)
    reborn = make_trading(store)
    resumed: list = []
    feed = Feed(reborn, store, halfway, resumed.append)
    reborn.place("usr_A", limit("usr_A", "sell", "120.00", "1"))
    reborn.cancel_all("usr_A", "BTC/USDT", None)
    feed.close()
    seqs = [c.seq for c in resumed]
    assert seqs == list(range(halfway + 1, seqs[-1] + 1)), "a gap or a duplicate after the restart"
    assert seqs[len(seen) - halfway - 1] == seen[-1]  # the replay ends where the first engine stopped ...
    assert len(seqs) > len(seen) - halfway  # ... and the new engine's events follow without a gap
    assert [c.events for c in resumed[:len(seen) - halfway]] == [c.events for c in everything[halfway:]]


class StopLoss:
    """A real rule: when a trade on `symbol` prints at or below `trigger`, sell `size` at market for `account` —
    once (the reaction the condition-order issue builds on)."""

    def __init__(self, account: str, trigger: int, size: int) -> None:
        self.account, self.trigger, self.size, self.fired = account, trigger, size, 0

    def __call__(self, engine, committed):
        if self.fired:
            return []
        if any(type(e) is TradeMade and e.trade.price <= self.trigger for e in committed.events):
            self.fired = committed.seq
            order = NewOrder("BTC/USDT", "sell", "market", "IOC", False, None, self.size, None, "stop-1")
            return [PlaceOrder(self.account, order, origin="engine")]
        return []


def test_a_reaction_runs_in_the_same_batch_as_the_trade_that_triggered_it(database):
    store = open_store(database)
    stop = StopLoss("usr_C", trigger=9_950, size=20_000)  # 99.50 USDT; 0.2 BTC
    trading = make_trading(store, reactions=[stop])
    for account in ACCOUNTS:
        trading.deposit(account, "BTC", "50", f"dep-{account}-btc")
        trading.deposit(account, "USDT", "5000000", f"dep-{account}-usdt")
    batches: list[list] = []
    trading.listeners.append(batches.append)
    trading.place("usr_A", limit("usr_A", "buy", "99.50", "1"))  # the bid the stop will sell into
    trading.place("usr_A", limit("usr_A", "buy", "99.00", "1"))
    assert stop.fired == 0
    trading.place("usr_B", limit("usr_B", "sell", "99.60", "0.1"))  # rests above the trigger: no trade yet
    assert stop.fired == 0
    taker = trading.place("usr_B", limit("usr_B", "sell", "99.50", "0.3"))  # trades at 99.50: crosses the trigger
    assert taker.filled == 30_000 and stop.fired
    last = batches[-1]
    assert [c.seq for c in last] == [stop.fired, stop.fired + 1]  # trigger and reaction in one commit
    stop_orders = [e.order for e in last[1].events if type(e) is OrderUpdated and e.order.account == "usr_C"]
    assert stop_orders and stop_orders[0].status == "filled" and stop_orders[0].filled == 20_000
    assert any(type(e) is BookChanged for e in last[1].events)  # it matched in the same step
    # it fires once: later trades below the trigger change nothing for usr_C
    trading.place("usr_B", limit("usr_B", "sell", "99.00", "0.1"))
    assert len(store.list_orders("usr_C", {}, 100, None)) == 1
    report = store.ledger_report()
    assert all(not v for k, v in report.items() if k != "asset_totals")


def test_a_second_engine_on_the_same_database_is_refused(database):
    path = database
    store, trading = funded(path)
    other = open_store(path)  # as a second process would open it
    with pytest.raises(AnotherWriter, match="already trading"):
        make_trading(other)
    other.close()
    trading.close()
    store.close()  # the writer's store closes: the guard is free again
    successor = open_store(path)
    make_trading(successor).close()
    successor.close()


def test_a_standby_waits_for_the_writer_guard_and_takes_it_when_the_holder_is_killed(tmp_path):
    """claim_writer(wait=True) is a standby: it blocks while another process trades on the database and returns
    once that process is gone — even killed with SIGKILL, which runs no clean-up of its own. (SQLite; PostgreSQL's
    standby is tests/unit/test_postgres_writer.py.)"""
    path = tmp_path / "db.sqlite3"
    open_store(path).close()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from impl.store.sqlite import SQLiteStore; s = SQLiteStore(sys.argv[1]);"
        " s.claim_writer(); print('held', flush=True); time.sleep(60)"), str(path)],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        standby = open_store(path)
        with pytest.raises(AnotherWriter, match="already trading"):
            standby.claim_writer()
        claimed = threading.Event()
        waiter = threading.Thread(target=lambda: (standby.claim_writer(wait=True), claimed.set()), daemon=True)
        waiter.start()
        assert not claimed.wait(0.3)  # still held: the standby waits
        holder.kill()
        holder.wait(10)
        assert claimed.wait(10)
        make_trading(standby).close()  # the standby now runs the engine
        standby.close()
    finally:
        holder.kill()
        holder.wait(10)


def test_a_client_order_id_taken_by_a_batch_still_committing_is_refused(database):
    """A client order id taken by a batch that is still committing counts as taken for the commands queued behind
    it: the second order is refused by the rule, not by a failed commit of its whole batch."""
    store, trading = funded(database)
    real_write, entered, release = store.write_trading, threading.Event(), threading.Event()

    def held_write(batch):
        entered.set()
        release.wait(30)
        real_write(batch)

    store.write_trading = held_write
    first = trading.sequencer.submit(trading.place_command("usr_A", limit("usr_A", "buy", "99.00", "0.1",
                                                                          client_order_id="dup")))
    assert entered.wait(30)
    second = trading.sequencer.submit(trading.place_command("usr_A", limit("usr_A", "buy", "98.00", "0.1",
                                                                           client_order_id="dup")))
    store.write_trading = real_write
    release.set()
    assert first.result(timeout=30).client_order_id == "dup"
    with pytest.raises(DomainError) as refused:
        second.result(timeout=30)
    assert refused.value.code == "duplicate_client_order_id"
    assert trading.place("usr_A", limit("usr_A", "buy", "97.00", "0.1")).status == "open"  # no failed commit


def test_ledger_check_reports_books_it_could_not_restore_instead_of_crashing(database, capsys):
    """What two writers on one database used to leave behind — two resting orders with one time priority, a book
    crossed at rest — made start-up and `cooud ledger check` crash. The check reads the store only and says so."""
    from impl import cli

    path = database
    store, trading = funded(path)
    bid = trading.place("usr_A", limit("usr_A", "buy", "99.00", "0.1"))
    ask = trading.place("usr_B", limit("usr_B", "sell", "101.00", "0.1"))
    trading.close()
    # as a second writer would have left it: same priority, bid above the ask
    execute(path, "UPDATE orders SET seq = ?, price = 10200 WHERE id = ?", (store.get_order("usr_B", ask.id).seq,
                                                                           bid.id))
    store.close()
    assert cli.main(["ledger", "check", "--database", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["duplicate_priorities"] and report["crossed_books"]


def test_the_operator_inbox_runs_deposits_through_the_engine_once(database):
    """`cooud deposit` beside a running service writes to its inbox; the service's engine applies each row once
    (marked done in the same transaction as the deposit) and marks a refused one failed. It restarts with its
    app's lifespan."""
    from impl.operator import OperatorInbox

    store, trading = funded(database)
    inbox = OperatorInbox(trading, store, interval=0.01)
    good = store.enqueue_operator_command(json.dumps({"kind": "deposit", "account": "usr_A", "asset": "BTC",
                                                      "amount": 5, "ref": "op-1"}), 0)
    bad = store.enqueue_operator_command(json.dumps({"kind": "deposit", "account": "usr_A", "asset": "DOGE",
                                                     "amount": 5, "ref": "op-2"}), 0)
    before = store.balance("usr_A", "BTC").free
    for _ in range(2):  # a lifespan that runs twice (test clients do) starts it twice
        inbox.start()
        for _ in range(1000):  # at most 10 s
            if store.operator_command(bad).state != "pending":
                break
            time.sleep(0.01)
        inbox.stop()
    assert store.operator_command(good).state == "done" and store.operator_command(bad).state == "failed"
    assert store.balance("usr_A", "BTC").free == before + 5  # once, though the inbox ran twice
    trading.close()
