"""The scaled deployment (issue 13) on this machine's real NATS: `cooud engine` (active + standby) and `cooud serve`
workers as separate processes over one database (tests/cluster_support.py; each test its own prefix and database).

- Two workers, one engine: an order placed through worker A matches one placed through worker B; both answers
  say what the book did, and the balances are exact.
- SIGKILL of the active engine in the middle of a stream of orders: the standby takes over within seconds; every
  acknowledged order is stored once; retrying every order with its key acts once; `cooud ledger check` passes;
  the new engine's books equal the store's open orders.
- SIGKILL of a worker: its clients' retries through the other worker act once.
- An Idempotency-Key in flight on one worker (the engine paused with SIGSTOP) answers 409 on the other.
- A stop loss placed through worker A fires on a taker's trade through worker B; both workers and worker B's stream
  see it finished with its order filled and linked both ways; its place request retried through B acts once.
- An OCO bracket placed through worker A closes on a fill through worker B: the take profit filled and the stop leg
  cancelled in one engine step, read alike through both workers and seen on worker B's stream; placed once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from decimal import ROUND_CEILING, Decimal

import httpx
import pytest

from tests.cluster_support import (
    CRASH_AFTER_COMMIT_ENGINE,
    NATS_URL,
    PrivateNats,
    cluster,
    login,
    new_database,
    open_orders_of_store,
    provision,
    read_store,
    require_nats,
    stored_order_ids,
)
from tests.live import ROOT

pytestmark = pytest.mark.live

ALICE, BOB = "alice@example.com", "bob@example.com"
FUNDS = {ALICE: {"BTC": "10", "USDT": "1000000"}, BOB: {"BTC": "10", "USDT": "1000000"}}


@pytest.fixture(autouse=True)
def _nats():
    require_nats()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """Each test on a SQLite file shared by its processes, and on a fresh PostgreSQL database."""
    with new_database(tmp_path, request.param) as url:
        yield url


def place(base: str, auth: dict, body: dict, key: str | None = None, timeout: float = 30) -> httpx.Response:
    return httpx.post(f"{base}/v1/orders", json=body, timeout=timeout,
                      headers={**auth, "Idempotency-Key": key or str(uuid.uuid4())})


def place_conditional(base: str, auth: dict, body: dict, key: str | None = None) -> httpx.Response:
    return httpx.post(f"{base}/v1/conditional-orders", json=body, timeout=30,
                      headers={**auth, "Idempotency-Key": key or str(uuid.uuid4())})


def balances(base: str, auth: dict) -> dict[str, tuple[Decimal, Decimal]]:
    r = httpx.get(f"{base}/v1/wallet/balances", headers=auth, timeout=10)
    assert r.status_code == 200, r.text
    return {b["asset"]: (Decimal(b["free"]), Decimal(b["locked"])) for b in r.json()["data"]}


def test_an_order_through_worker_a_matches_one_through_worker_b(tmp_path, database):
    provision(database, FUNDS)
    with cluster(tmp_path, database) as c:
        c.engine().wait_active()
        a, b = c.worker().base, c.worker().base
        alice, bob = login(a, ALICE), login(b, BOB)
        before = {ALICE: balances(a, alice), BOB: balances(b, bob)}
        r = place(a, alice, {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "60000.00",
                             "size": "0.50000"})
        assert r.status_code == 201, r.text + c.logs()
        assert r.json()["status"] == "open"
        # A preview through worker B is a query the engine answers from its book (worker B holds none).
        r = httpx.post(f"{b}/v1/orders/preview", timeout=30, headers={**bob, "Idempotency-Key": str(uuid.uuid4())},
                       json={"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "60000.00",
                             "size": "0.20000"})
        assert r.status_code == 200, r.text
        assert (r.json()["filled"], r.json()["notional"]) == ("0.20000", "12000.00000000")
        r = place(b, bob, {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "60000.00",
                           "size": "0.20000"})
        assert r.status_code == 201, r.text
        taker = r.json()
        assert taker["status"] == "filled" and Decimal(taker["filled"]) == Decimal("0.2")
        fee = Decimal(taker["fee"])
        # The maker's order, read through the other worker, is partially filled.
        orders = httpx.get(f"{b}/v1/orders", headers=alice, params={"symbol": "BTC-USDT"}, timeout=10).json()["data"]
        assert [(o["status"], Decimal(o["filled"])) for o in orders] == [("partially_filled", Decimal("0.2"))]
        maker_fee = Decimal(orders[0]["fee"])
        after = {ALICE: balances(b, alice), BOB: balances(a, bob)}
        cost = Decimal("0.2") * Decimal("60000")
        assert after[BOB]["BTC"] == (before[BOB]["BTC"][0] + Decimal("0.2") - fee, Decimal(0))
        assert after[BOB]["USDT"] == (before[BOB]["USDT"][0] - cost, Decimal(0))
        assert after[ALICE]["BTC"] == (before[ALICE]["BTC"][0] - Decimal("0.5"), Decimal("0.3"))
        assert after[ALICE]["USDT"] == (before[ALICE]["USDT"][0] + cost - maker_fee, Decimal(0))


# -- fail-over ---------------------------------------------------------------------------------------------------
class Client(threading.Thread):
    """Places crossing orders for one account through one worker until stopped, each with its own
    Idempotency-Key (and no client order id, so that a second application would be a second order); records
    every attempt's key, body and answer (None: no answer)."""

    def __init__(self, base: str, auth: dict, side_bias: str, seed: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.base, self.auth, self.stop = base, auth, stop
        self.rng = random.Random(seed)
        self.bias = side_bias
        self.attempts: list[tuple[str, dict, int | None, dict | None]] = []
        self.error: BaseException | None = None

    def body(self) -> dict:
        side = self.bias if self.rng.random() < 0.6 else ("sell" if self.bias == "buy" else "buy")
        return {"symbol": "BTC/USDT", "side": side, "type": "limit",
                "price": f"{self.rng.randint(59_995, 60_005)}.00",
                "size": self.rng.choice(("0.00100", "0.00250", "0.00500"))}

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                key, body = str(uuid.uuid4()), self.body()
                try:
                    r = place(self.base, self.auth, body, key, timeout=20)
                    self.attempts.append((key, body, r.status_code, r.json()))
                except httpx.TransportError:
                    self.attempts.append((key, body, None, None))
        except BaseException as exc:  # reported by the test
            self.error = exc


def settle(base: str, auth: dict, key: str, body: dict, within: float = 90.0) -> httpx.Response:
    """Retry with the same key until the answer is final (not 409 in flight, not a 5xx), bounded."""
    deadline = time.monotonic() + within
    while True:
        r = place(base, auth, body, key, timeout=20)
        if r.status_code not in (409, 500, 503) or time.monotonic() > deadline:
            return r
        time.sleep(0.5)


def wait_for(condition, within: float, what: str) -> float:
    """Poll `condition` (bounded); returns the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > within:
            raise AssertionError(f"{what} did not happen within {within} s")
        time.sleep(0.05)
    return time.monotonic() - started


def resting_of_engine(prefix: str) -> dict[str, list]:
    """The active engine's books, asked over the bus (a query answered between two batches)."""
    from impl.bus import Names
    from impl.bus.link import CommandLink, outcome_of

    async def ask():
        link = CommandLink(NATS_URL, Names(prefix, "main"))
        await link.connect()
        try:
            return outcome_of(await link.query({"kind": "resting"}))
        finally:
            await link.close()

    return asyncio.run(ask())


def ledger_check(database) -> dict:
    done = subprocess.run([sys.executable, "-m", "impl.cli", "ledger", "check", "--database", str(database)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["ok"], report
    return report


def every_order_acts_once(retries, database, accounts, logs: str = "") -> None:
    """Retry every attempt of each client through its (base, auth) with its own key until the answer is final:
    each must be 201, an acknowledged one the very order acknowledged; the store then holds exactly one order per
    key and nothing else, and the ledger checks out."""
    final: dict[str, str] = {}
    for client, base, auth in retries:
        for key, body, status, answer in client.attempts:
            r = settle(base, auth, key, body)
            assert r.status_code == 201, (status, answer, r.status_code, r.text, logs)
            if status == 201:
                assert r.json() == answer  # the acknowledged order itself, not a second one
            final[key] = r.json()["id"]
    stored = stored_order_ids(database, accounts)
    assert len(stored) == len(set(stored)) == len(final) == len(set(final.values()))
    assert set(stored) == set(final.values())
    ledger_check(database)


def pause_holding_commands(c, engine, tries: int = 20) -> None:
    """SIGSTOP the engine at a moment when it holds delivered, unacked commands (it may be between two pulls when
    paused: then it is let go on and paused again), bounded."""
    for _ in range(tries):
        engine.signal(signal.SIGSTOP)
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            if c.unacked_commands() > 0:
                return
            time.sleep(0.05)
        engine.signal(signal.SIGCONT)
        time.sleep(0.2)
    raise AssertionError("the engine never held an unacked command when paused")


def test_sigkill_of_the_active_engine_fails_over_and_every_order_acts_once(tmp_path, database):
    accounts = provision(database, FUNDS).values()
    with cluster(tmp_path, database) as c:
        active = c.engine()
        active.wait_active()
        standby = c.engine()
        a, b = c.worker().base, c.worker().base
        alice, bob = login(a, ALICE), login(b, BOB)
        assert not standby.active  # it waits for the writer guard
        stop = threading.Event()
        clients = [Client(a, alice, "sell", 1, stop), Client(b, bob, "buy", 2, stop)]
        for client in clients:
            client.start()
        wait_for(lambda: sum(1 for cl in clients for x in cl.attempts if x[2] == 201) >= 40, 30, "40 orders")
        pause_holding_commands(c, active)  # fetched-but-unanswered commands die with it: redelivered to the standby
        active.kill()
        took_over = wait_for(lambda: standby.active, 15, "the standby's take-over")
        wait_for(lambda: sum(1 for cl in clients for x in cl.attempts if x[2] == 201) >= 80, 60,
                 "40 more orders after the take-over")
        stop.set()
        for client in clients:
            client.join(timeout=60)
            assert not client.is_alive() and client.error is None, client.error
        assert took_over < 10
        assert "commands redelivered" in standby.log_path.read_text()  # the scenario happened
        # Every order again with its key, through the other worker: each acts once.
        every_order_acts_once(((clients[0], b, alice), (clients[1], a, bob)), database, accounts, c.logs())
        books = {symbol: orders for symbol, orders in resting_of_engine(c.prefix).items() if orders}
        assert books == open_orders_of_store(database)


def test_a_command_committed_by_an_engine_that_died_before_answering_is_answered_from_its_result(tmp_path, database):
    """Deterministic fail-over between commit and ack: the redelivered command is answered from the stored result,
    not applied again (a second application would be refused: its client order id is taken)."""
    accounts = provision(database, FUNDS).values()
    with cluster(tmp_path, database) as c:
        dying = c.engine([sys.executable, "-c", CRASH_AFTER_COMMIT_ENGINE])
        dying.wait_active()
        standby = c.engine()
        a = c.worker().base
        alice = login(a, ALICE)
        key = str(uuid.uuid4())
        body = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "50000.00", "size": "0.01000",
                "client_order_id": "crash-here"}
        first = place(a, alice, body, key)
        assert dying.proc.wait(timeout=15) == 137
        standby.wait_active()
        r = settle(a, alice, key, body)
        assert r.status_code == 201 and r.json()["client_order_id"] == "crash-here", r.text
        if first.status_code == 201:  # the standby's answer reached the waiting worker in time
            assert first.json() == r.json()
        else:
            assert first.status_code == 503, first.text
        assert stored_order_ids(database, accounts) == [r.json()["id"]]
        ledger_check(database)


def test_sigkill_of_a_worker_its_clients_retries_through_the_other_act_once(tmp_path, database):
    accounts = provision(database, FUNDS).values()
    with cluster(tmp_path, database) as c:
        c.engine().wait_active()
        dying, other = c.worker(), c.worker()
        alice, bob = login(dying.base, ALICE), login(dying.base, BOB)
        stop = threading.Event()
        clients = [Client(dying.base, alice, "sell", 3, stop), Client(dying.base, bob, "buy", 4, stop)]
        for client in clients:
            client.start()
        wait_for(lambda: sum(1 for cl in clients for x in cl.attempts if x[2] == 201) >= 30, 30, "30 orders")
        dying.kill()
        wait_for(lambda: all(not cl.is_alive() or cl.attempts and cl.attempts[-1][2] is None for cl in clients), 30,
                 "the clients seeing the worker gone")
        stop.set()
        for client in clients:
            client.join(timeout=30)
            assert not client.is_alive() and client.error is None, client.error
        assert any(status is None for cl in clients for _, _, status, _ in cl.attempts)  # cut off by the kill
        every_order_acts_once(((clients[0], other.base, alice), (clients[1], other.base, bob)), database, accounts)


def test_a_key_in_flight_on_one_worker_answers_409_on_the_other(tmp_path, database):
    accounts = provision(database, FUNDS).values()
    with cluster(tmp_path, database) as c:
        engine = c.engine()
        engine.wait_active()
        a, b = c.worker().base, c.worker().base
        alice = login(a, ALICE)
        key = str(uuid.uuid4())
        body = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "50000.00", "size": "0.01000"}
        engine.signal(signal.SIGSTOP)  # the command stays in flight while the engine is paused
        first: list[httpx.Response] = []
        sender = threading.Thread(target=lambda: first.append(place(a, alice, body, key)), daemon=True)
        sender.start()
        wait_for(lambda: c.queued_commands() == 1, 10, "worker A's command in the stream (its key claimed)")
        r = place(b, alice, body, key)
        assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_in_flight", r.text
        engine.signal(signal.SIGCONT)
        sender.join(timeout=30)
        assert first and first[0].status_code in (201, 503), first
        r = settle(b, alice, key, body)
        assert r.status_code == 201, r.text
        if first[0].status_code == 201:
            assert r.json() == first[0].json()
        assert stored_order_ids(database, accounts) == [r.json()["id"]]


def test_a_command_the_engine_does_not_answer_in_time_keeps_its_key_until_it_commits(tmp_path, database):
    """The worker's wait is bounded (impl/bus/COMMAND_TIMEOUT_S): it answers 503 service_unavailable, but the command
    is still queued, so the key stays in flight (409) instead of being released; once the engine runs again the
    retry is answered with the order the command placed — one order."""
    accounts = provision(database, FUNDS).values()
    with cluster(tmp_path, database) as c:
        engine = c.engine()
        engine.wait_active()
        a = c.worker().base
        alice = login(a, ALICE)
        key = str(uuid.uuid4())
        body = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "50000.00", "size": "0.01000"}
        engine.signal(signal.SIGSTOP)
        try:
            r = place(a, alice, body, key)
            assert r.status_code == 503 and r.json()["error"]["code"] == "service_unavailable", r.text
            r = place(a, alice, body, key)
            assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_in_flight", r.text
        finally:
            engine.signal(signal.SIGCONT)
        r = settle(a, alice, key, body)
        assert r.status_code == 201 and r.json()["status"] == "open", r.text
        assert stored_order_ids(database, accounts) == [r.json()["id"]]


def test_a_nats_restart_pauses_trading_and_it_resumes_without_losing_or_repeating_orders(tmp_path, database):
    accounts = provision(database, FUNDS).values()
    server = PrivateNats(tmp_path / "nats", tmp_path / "nats.log")
    server.start()
    try:
        with cluster(tmp_path, database, server.url) as c:
            c.engine().wait_active()
            a, b = c.worker().base, c.worker().base
            alice, bob = login(a, ALICE), login(b, BOB)
            stop = threading.Event()
            clients = [Client(a, alice, "sell", 5, stop), Client(b, bob, "buy", 6, stop)]
            for client in clients:
                client.start()
            wait_for(lambda: sum(1 for cl in clients for x in cl.attempts if x[2] == 201) >= 20, 30, "20 orders")
            server.stop()
            time.sleep(1.0)  # an outage of a second (not an assertion: the bus is down meanwhile)
            server.start()
            acked = sum(1 for cl in clients for x in cl.attempts if x[2] == 201)
            wait_for(lambda: sum(1 for cl in clients for x in cl.attempts if x[2] == 201) >= acked + 20, 60,
                     "20 more orders after the restart")
            stop.set()
            for client in clients:
                client.join(timeout=60)
                assert not client.is_alive() and client.error is None, client.error
            every_order_acts_once(((clients[0], a, alice), (clients[1], a, bob)), database, accounts)
    finally:
        server.stop()


def test_a_stream_client_on_worker_b_sees_trades_and_its_order_events_of_orders_through_worker_a(
        tmp_path, database, request):
    from tests.stream_support import CHECKER, StreamClient

    provision(database, FUNDS)
    with cluster(tmp_path, database) as c, CHECKER.audit(request.node.name):
        c.engine().wait_active()
        a, b = c.worker().base, c.worker().base
        alice, bob = login(a, ALICE), login(a, BOB)
        with StreamClient(b, "alice-on-b") as ws:
            token = alice["Authorization"].removeprefix("Bearer ")
            assert ws.request({"op": "auth", "id": "a", "args": {"method": "bearer", "token": token}})["op"] == "auth"
            reply = ws.request({"op": "subscribe", "id": "s", "args": ["trades.BTC/USDT", "orders"]})
            assert reply["op"] == "subscribe", reply
            maker = place(a, alice, {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "60000.00",
                                     "size": "0.50000"})
            assert maker.status_code == 201, maker.text
            taker = place(a, bob, {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "60000.00",
                                   "size": "0.20000"})
            assert taker.status_code == 201, taker.text

            def seen() -> tuple[list, list]:
                trades = [f["data"] for f in ws.events if f["op"] == "trade"]
                orders = [f["data"] for f in ws.events if f["op"] == "order"]
                return trades, orders

            deadline = time.monotonic() + 15
            while not (len(seen()[0]) == 1 and any(o["status"] == "partially_filled" for o in seen()[1])):
                assert time.monotonic() < deadline, ws.events
                with contextlib.suppress(TimeoutError):
                    ws.recv(0.2)
            trades, orders = seen()
            assert (trades[0]["price"], trades[0]["size"]) == ("60000.00", "0.20000")
            assert {o["id"] for o in orders} == {maker.json()["id"]}  # alice's own order only, not bob's
        # Worker B's order book (REST) holds the maker's rest: its L2 view follows the engine's events.
        book = httpx.get(f"{b}/v1/markets/BTC-USDT/orderbook", timeout=10).json()
        assert book["asks"] == [["60000.00", "0.30000"]] and book["bids"] == [], book


def test_a_stop_loss_placed_through_worker_a_fires_on_trades_through_worker_b_once(tmp_path, database, request):
    """Conditional orders in the scaled deployment (issue 14): a stop loss placed through worker A waits in the
    engine process; a taker's trade through worker B crosses its trigger and fires it in that same engine step; its
    market sell fills against the book. Both workers read it finished with its order linked both ways, a stream client
    on worker B saw it (new, then finished) and its order, the place request retried through worker B answers the
    same conditional order, and the ledger checks out."""
    from tests.stream_support import CHECKER, StreamClient

    carol = "carol@example.com"
    accounts = provision(database, {**FUNDS, carol: {"BTC": "10", "USDT": "1000000"}})
    with cluster(tmp_path, database) as c, CHECKER.audit(request.node.name):
        c.engine().wait_active()
        a, b = c.worker().base, c.worker().base
        alice, bob, maker = login(a, ALICE), login(b, BOB), login(a, carol)
        # A last price of 60000 (carol sells to bob), then carol's bid below the trigger: the liquidity both the
        # taker's sell and the stop loss's market sell meet.
        for who, side in ((maker, "sell"), (bob, "buy")):
            r = place(a, who, {"symbol": "BTC/USDT", "side": side, "type": "limit", "price": "60000.00",
                               "size": "0.01000"})
            assert r.status_code == 201, r.text + c.logs()
        assert r.json()["status"] == "filled", r.text
        r = place(a, maker, {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "58900.00",
                             "size": "1.00000"})
        assert r.status_code == 201 and r.json()["status"] == "open", r.text
        with StreamClient(b, "alice-on-b") as ws:
            token = alice["Authorization"].removeprefix("Bearer ")
            assert ws.request({"op": "auth", "id": "a", "args": {"method": "bearer", "token": token}})["op"] == "auth"
            reply = ws.request({"op": "subscribe", "id": "s", "args": ["conditional_orders", "orders"]})
            assert reply["op"] == "subscribe", reply
            key = str(uuid.uuid4())
            body = {"symbol": "BTC/USDT", "side": "sell", "type": "stop_market", "trigger_price": "59000.00",
                    "size": "0.10000", "client_order_id": "stop-1"}
            placed = place_conditional(a, alice, body, key)
            assert placed.status_code == 201, placed.text + c.logs()
            stop = placed.json()
            assert (stop["status"], stop["trigger_direction"], Decimal(stop["reserved"]), stop["reserved_asset"]) == \
                ("new", "fall", Decimal("0.1"), "BTC"), stop
            # The taker, through worker B: a trade at 58900 crosses the trigger.
            r = place(b, bob, {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "58900.00",
                               "size": "0.05000"})
            assert r.status_code == 201 and r.json()["status"] == "filled", r.text
            ws.wait_for(lambda f: f["op"] == "conditional_order" and f["data"]["status"] == "finished", 15)
            ws.wait_for(lambda f: f["op"] == "order" and f["data"]["status"] == "filled", 15)
            ws.drain(quiet=0.5)  # nothing more, nothing twice
            frames = [(f["op"], f["data"]) for f in ws.events]
        conditionals = [d for op, d in frames if op == "conditional_order"]
        orders = [d for op, d in frames if op == "order"]
        # Fired and filled in one engine step: its state in that step is finished.
        assert [(d["id"], d["status"]) for d in conditionals] == [(stop["id"], "new"), (stop["id"], "finished")]
        assert conditionals[0] == stop
        ended = conditionals[-1]
        assert (ended["reason"], Decimal(ended["reserved"])) == ("filled", 0) and ended["order_id"], ended
        assert orders and {o["id"] for o in orders} == {ended["order_id"]}, orders  # alice's placed order only
        assert orders[-1]["status"] == "filled" and orders[-1]["conditional_order_id"] == stop["id"], orders
        # Either worker reads the conditional order finished and its order, each linking the other.
        for base in (a, b):
            got = httpx.get(f"{base}/v1/conditional-orders/{stop['id']}", headers=alice, timeout=10)
            assert got.status_code == 200 and got.json() == ended, (base, got.text)
            got = httpx.get(f"{base}/v1/orders/{ended['order_id']}", headers=alice, timeout=10)
            assert got.status_code == 200, got.text
            assert (got.json()["status"], got.json()["filled"], got.json()["conditional_order_id"]) == \
                ("filled", "0.10000", stop["id"]), got.json()
            assert got.json() == orders[-1]
        # The place request again with its key, through the other worker: the same conditional order, placed once.
        again = place_conditional(b, alice, body, key)
        assert again.status_code == 201 and again.json() == stop, again.text
        with read_store(database) as store:
            assert [x.id for x in store.list_conditionals(accounts[ALICE], {}, 100, None)] == [stop["id"]]
            linked = [o.id for account in accounts.values() for o in store.list_orders(account, {}, 1000, None)
                      if o.parent_id == stop["id"]]
        assert linked == [ended["order_id"]]
        ledger_check(database)


def place_list(base: str, auth: dict, body: dict, key: str | None = None) -> httpx.Response:
    return httpx.post(f"{base}/v1/order-lists", json=body, timeout=30,
                      headers={**auth, "Idempotency-Key": key or str(uuid.uuid4())})


def test_an_oco_placed_through_worker_a_closes_on_a_fill_through_worker_b_once(tmp_path, database, request):
    """Strategy orders in the scaled deployment (issue 14): an OCO bracket (a take-profit limit sell and a stop-loss
    market sell of the same size, funds reserved once) placed through worker A lives in the engine process; a
    taker's buy through worker B fills the take profit, and in that same engine step the stop leg is cancelled
    (oco_sibling) and the list is done. Both workers read the list, its order and its conditional order linked both
    ways; a stream client on worker B saw the list and its order change, step by step; the place request retried
    through worker B answers the same list; the balances are exact and the ledger checks out."""
    from tests.stream_support import CHECKER, StreamClient

    carol = "carol@example.com"
    accounts = provision(database, {**FUNDS, carol: {"BTC": "10", "USDT": "1000000"}})
    with cluster(tmp_path, database) as c, CHECKER.audit(request.node.name):
        c.engine().wait_active()
        a, b = c.worker().base, c.worker().base
        alice, bob, maker = login(a, ALICE), login(b, BOB), login(a, carol)
        # A last price of 60000 (carol sells to bob): the stop leg's trigger below it is accepted.
        for who, side in ((maker, "sell"), (bob, "buy")):
            r = place(a, who, {"symbol": "BTC/USDT", "side": side, "type": "limit", "price": "60000.00",
                               "size": "0.01000"})
            assert r.status_code == 201, r.text + c.logs()
        assert r.json()["status"] == "filled", r.text
        with StreamClient(b, "alice-on-b") as ws:
            token = alice["Authorization"].removeprefix("Bearer ")
            assert ws.request({"op": "auth", "id": "a", "args": {"method": "bearer", "token": token}})["op"] == "auth"
            reply = ws.request({"op": "subscribe", "id": "s", "args": ["order_lists", "orders"]})
            assert reply["op"] == "subscribe", reply
            key = str(uuid.uuid4())
            body = {"type": "oco", "client_list_id": "bracket-1", "legs": [
                {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "61000.37", "size": "0.10000"},
                {"symbol": "BTC/USDT", "side": "sell", "type": "stop_market", "trigger_price": "59000.00",
                 "size": "0.10000"}]}
            placed = place_list(a, alice, body, key)
            assert placed.status_code == 201, placed.text + c.logs()
            lst = placed.json()
            assert (lst["status"], [(leg["role"], leg["status"]) for leg in lst["legs"]]) == \
                ("working", [("oco", "live")] * 2), lst
            tp, stop = lst["legs"][0]["order_id"], lst["legs"][1]["conditional_order_id"]
            assert tp and stop, lst
            # Funds once for the pair: 0.1 BTC locked, not 0.2.
            assert balances(b, alice)["BTC"] == (Decimal("9.9"), Decimal("0.1"))
            # The taker, through worker B: its buy fills the take profit.
            r = place(b, bob, {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "61000.37",
                               "size": "0.10000"})
            assert r.status_code == 201 and r.json()["status"] == "filled", r.text
            ws.wait_for(lambda f: f["op"] == "order_list" and f["data"]["status"] == "done", 15)
            ws.drain(quiet=0.5)  # nothing more, nothing twice
            frames = [(f["op"], f["data"]) for f in ws.events]
        assert [(op, d["id"], d["status"]) for op, d in frames] == [
            ("order", tp, "open"), ("order_list", lst["id"], "working"),
            ("order", tp, "filled"), ("order_list", lst["id"], "done")], frames
        assert frames[1][1] == lst  # the stream's first frame of the list is the 201 body
        done = frames[-1][1]
        # One step: the list's last frame has both legs ended (the stop cancelled with the fill, not after it).
        assert (done["reason"], [(leg["status"], leg["reason"]) for leg in done["legs"]]) == \
            (None, [("ended", None)] * 2), done
        assert (done["legs"][0]["order_id"], done["legs"][1]["conditional_order_id"]) == (tp, stop)
        filled = frames[2][1]
        fee = (Decimal("61000.37") * Decimal("0.1") * Decimal("0.001")).quantize(Decimal("1E-8"), ROUND_CEILING)
        assert (filled["filled"], Decimal(filled["fee"]), filled["order_list_id"]) == \
            ("0.10000", fee, lst["id"]), filled
        for base in (a, b):
            got = httpx.get(f"{base}/v1/order-lists/{lst['id']}", headers=alice, timeout=10)
            assert got.status_code == 200 and got.json() == done, (base, got.text)
            got = httpx.get(f"{base}/v1/orders/{tp}", headers=alice, timeout=10)
            assert got.status_code == 200 and got.json() == filled, (base, got.text)
            got = httpx.get(f"{base}/v1/conditional-orders/{stop}", headers=alice, timeout=10)
            assert got.status_code == 200, got.text
            cond = got.json()
            assert (cond["status"], cond["reason"], cond["order_list_id"], cond["order_id"],
                    Decimal(cond["reserved"])) == ("cancelled", "oco_sibling", lst["id"], None, 0), cond
            assert cond["updated_at"] == filled["updated_at"] == done["updated_at"]  # the same engine step
            got = httpx.get(f"{base}/v1/order-lists", headers=alice, timeout=10)
            assert got.status_code == 200 and got.json() == {"data": [], "next_cursor": None}, got.text
            got = httpx.get(f"{base}/v1/order-lists/history", headers=alice, timeout=10)
            assert got.status_code == 200 and got.json() == {"data": [done], "next_cursor": None}, got.text
            held = balances(base, alice)
            assert (held["BTC"], held["USDT"]) == ((Decimal("9.9"), Decimal(0)),
                                                   (Decimal("1000000") + Decimal("6100.037") - fee, Decimal(0)))
        # The place request again with its key, through the other worker: the same list, placed once.
        again = place_list(b, alice, body, key)
        assert again.status_code == 201 and again.json() == lst, again.text
        with read_store(database) as store:
            assert [x.id for x in store.list_order_lists(accounts[ALICE], {}, 100, None)] == [lst["id"]]
            assert [x.id for x in store.list_conditionals(accounts[ALICE], {}, 100, None)] == [stop]
            linked = [o.id for account in accounts.values() for o in store.list_orders(account, {}, 1000, None)
                      if o.parent_id == lst["id"]]
        assert linked == [tp]
        ledger_check(database)


# -- shared state and PostgreSQL connection loss -----------------------------------------------------------------
def test_a_signed_request_replayed_on_the_other_worker_is_refused(tmp_path, database, monkeypatch):
    """The workers share the signature replay guard (COOUD_REPLAY_GUARD=redis://…): a signed request accepted by
    worker A and sent again, byte for byte, to worker B is refused there."""
    import redis

    from impl.security import signing

    provision(database, FUNDS)
    prefix = f"cooud:rg:test:{uuid.uuid4().hex}:"
    monkeypatch.setenv("COOUD_REPLAY_GUARD", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("COOUD_REPLAY_GUARD_PREFIX", prefix)
    try:
        with cluster(tmp_path, database) as c:
            c.engine().wait_active()
            a, b = c.worker().base, c.worker().base
            auth = {**login(a, ALICE), "Idempotency-Key": str(uuid.uuid4())}
            r = httpx.post(f"{a}/v1/account/api-keys", headers=auth, json={"label": "bot", "scopes": ["read"]},
                           timeout=10)
            assert r.status_code == 201, r.text
            key = r.json()
            now = str(time.time_ns() // 1_000_000)
            signed = {"X-Cooud-Key": key["id"], "X-Cooud-Timestamp": now, "X-Cooud-Signature-Version": "2",
                      "X-Cooud-Signature": signing.sign_v2(key["secret"], now, "GET", "/v1/account", "", b"")}
            assert httpx.get(f"{a}/v1/account", headers=signed, timeout=10).status_code == 200
            r = httpx.get(f"{b}/v1/account", headers=signed, timeout=10)
            assert (r.status_code, r.json()["error"]["code"]) == (401, "signature_replayed")
    finally:
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for k in client.scan_iter(prefix + "*"):
            client.delete(k)
        client.close()


def test_postgresql_connections_dropped_during_trading_lose_and_repeat_nothing(tmp_path):
    """Every connection to the deployment's database is terminated by the server in the middle of a stream of
    orders — the engine's batch connections, its writer-guard session (so it is fenced and its standby takes
    over) and the workers' pooled connections. Trading resumes; every acknowledged order is stored once; retrying
    every order with its key acts once; the ledger checks out and the books equal the store."""
    import psycopg

    from tests.pg_support import pg_server

    with new_database(tmp_path, "postgresql") as database:
        accounts = provision(database, FUNDS).values()
        with cluster(tmp_path, database) as c:
            first = c.engine()
            first.wait_active()
            standby = c.engine()
            a, b = c.worker().base, c.worker().base
            alice, bob = login(a, ALICE), login(b, BOB)
            stop = threading.Event()
            clients = [Client(a, alice, "sell", 3, stop), Client(b, bob, "buy", 4, stop)]
            for client in clients:
                client.start()
            acknowledged = lambda: sum(1 for cl in clients for x in cl.attempts if x[2] == 201)  # noqa: E731
            wait_for(lambda: acknowledged() >= 40, 30, "40 orders")
            name = database.rsplit("/", 1)[1]
            with psycopg.connect(pg_server(), autocommit=True) as admin:
                dropped = admin.execute("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM"
                                        " pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                                        (name,)).fetchone()[0]
            assert dropped >= 3  # the engine's guard session and batch connection, the workers' pools
            seen = acknowledged()
            try:
                wait_for(lambda: acknowledged() >= seen + 40, 60, "40 more orders after the connections dropped")
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n{c.logs()}") from None
            stop.set()
            for client in clients:
                client.join(timeout=60)
                assert not client.is_alive() and client.error is None, client.error
            assert first.active or standby.active
            every_order_acts_once(((clients[0], b, alice), (clients[1], a, bob)), database, accounts, c.logs())
            books = {symbol: orders for symbol, orders in resting_of_engine(c.prefix).items() if orders}
            assert books == open_orders_of_store(database)
