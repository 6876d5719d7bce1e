"""The single-writer engine seen from outside, through real servers on 127.0.0.1:

- a REST order book snapshot's `sequence` always matches its levels while trading goes on (every snapshot equals
  the book rebuilt from the engine's committed deltas up to exactly that sequence);
- the event loop stays free while a trading commit is held open on purpose: `/v1/time` answers while an order
  placement waits for its commit (ordering, not timing);
- one writer per database: a second `cooud serve` on a database that a running service trades on is refused with
  a clear message and exit 1; `cooud deposit` reaches the running engine through its operator inbox; `cooud ledger
  check` still reads.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from impl.app import create_app
from impl.config import Config
from impl.domain.events import BookChanged
from impl.domain.units import to_string
from tests.crash_support import ServerProcess
from tests.live import free_port, serving

pytestmark = pytest.mark.live
COOUD = str(Path(sys.executable).parent / "cooud")
PASSWORD = "a long enough password"


def test_a_rest_snapshot_sequence_always_matches_its_levels_under_concurrent_trading(tmp_path):
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), rate_limit_scale=100))  # reads as fast as it can
    svc = app.services
    deltas: dict[int, tuple[int, tuple]] = {}  # sequence before -> (sequence after, levels) of BTC/USDT
    svc.trading.listeners.append(lambda batch: deltas.update(
        {e.prev_sequence: (e.sequence, e.levels) for c in batch for e in c.events
         if type(e) is BookChanged and e.symbol == "BTC/USDT"}))
    users = [svc.identity.create_user(f"t{i}@example.com", PASSWORD, svc.now_ms()).id for i in range(3)]
    for user in users:
        svc.trading.deposit(user, "USDT", "100000000", "funding")
        svc.trading.deposit(user, "BTC", "1000", "funding")
    start_sequence = svc.books["BTC/USDT"].sequence
    stop, snapshots = threading.Event(), []

    def trade() -> None:
        try:
            run_trades()
        finally:
            stop.set()

    def run_trades() -> None:
        rng, mine = random.Random(7), []
        for _ in range(1500):
            account = rng.choice(users)
            if mine and rng.random() < 0.3:
                _quiet(svc.trading.cancel, *mine.pop(rng.randrange(len(mine))))
                continue
            order = svc.trading.place(account, {
                "symbol": "BTC/USDT", "side": rng.choice(("buy", "sell")), "type": "limit",
                "price": f"{rng.randint(59_990, 60_010)}.00", "size": f"0.{rng.randint(100, 5000):05d}"})
            if order.is_open:
                mine.append((account, order.id))

    with serving(app) as base, httpx.Client(base_url=base, timeout=10) as client:
        worker = threading.Thread(target=trade, daemon=True)
        worker.start()
        while not stop.is_set():
            r = client.get("/v1/markets/BTC-USDT/orderbook", params={"depth": 500})
            assert r.status_code == 200, r.text
            snapshots.append(r.json())
        worker.join(timeout=60)
    assert len(snapshots) > 20 and len({s["sequence"] for s in snapshots}) > 10, "too few distinct snapshots"
    market = svc.market_data.market("BTC/USDT")
    book: dict[tuple[str, int], int] = {}
    states: dict[int, dict] = {start_sequence: {}}  # the book after each commit's delta, by sequence
    sequence = start_sequence
    while sequence in deltas:
        sequence, levels = deltas[sequence]
        for side, price, size in levels:
            if size:
                book[(side, price)] = size
            else:
                book.pop((side, price), None)
        states[sequence] = book.copy()
    for snap in snapshots:
        assert snap["sequence"] in states, f"snapshot at {snap['sequence']}: between two commits' deltas"
        expected = states[snap["sequence"]]
        bids = sorted(((p, s) for (side, p), s in expected.items() if side == "buy"), reverse=True)
        asks = sorted((p, s) for (side, p), s in expected.items() if side == "sell")
        as_text = [[to_string(p, market.price_precision), to_string(s, market.size_precision)] for p, s in bids]
        assert snap["bids"] == as_text, f"bids at sequence {snap['sequence']} disagree with the committed deltas"
        as_text = [[to_string(p, market.price_precision), to_string(s, market.size_precision)] for p, s in asks]
        assert snap["asks"] == as_text, f"asks at sequence {snap['sequence']} disagree with the committed deltas"


def _quiet(fn, *args):
    try:
        return fn(*args)
    except Exception:  # the order filled meanwhile: a refusal is fine here
        return None


def test_the_event_loop_answers_while_a_trading_commit_is_held_open(tmp_path):
    app = create_app(Config(database=str(tmp_path / "db.sqlite3")))
    svc = app.services
    user = svc.identity.create_user("held@example.com", PASSWORD, svc.now_ms())
    svc.trading.deposit(user.id, "USDT", "100000", "funding")
    store = svc.store
    real_write, entered, release = store.write_trading, threading.Event(), threading.Event()

    def held_write(batch):
        entered.set()
        release.wait(60)
        real_write(batch)

    answers: dict = {}
    with serving(app) as base:
        token = httpx.post(f"{base}/v1/auth/login", json={"email": "held@example.com", "password": PASSWORD},
                           timeout=10).json()["access_token"]
        store.write_trading = held_write

        def place() -> None:
            answers["order"] = httpx.post(
                f"{base}/v1/orders", timeout=60,
                json={"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "50000.00", "size": "0.01"},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "7f0a3c8e-1d2b-4c5d-9e6f-0a1b2c3d4e5f"})

        placing = threading.Thread(target=place, daemon=True)
        placing.start()
        try:
            assert entered.wait(30), "the placement never reached its commit"
            time_answer = httpx.get(f"{base}/v1/time", timeout=10)
            assert time_answer.status_code == 200
            assert placing.is_alive() and "order" not in answers  # the commit is still held: the loop was free
        finally:
            store.write_trading = real_write
            release.set()
            placing.join(timeout=30)
    assert answers["order"].status_code == 201, answers["order"].text


def test_a_second_writer_on_the_same_database_refuses_to_start(tmp_path):
    """A second `cooud serve` on a database a running service trades on is refused; `cooud deposit` goes through
    the running engine (its operator inbox) instead of writing beside it; `cooud ledger check` still reads."""
    database = tmp_path / "cooud.sqlite3"
    first = ServerProcess(database, tmp_path / "first.log", command=[COOUD, "serve"])
    base = first.start()
    try:
        env = {"COOUD_DATABASE": str(database), "COOUD_PORT": str(free_port()), "PATH": "/usr/bin:/bin"}
        second = subprocess.run([COOUD, "serve"], env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        assert "already trading" in json.loads(second.stderr.strip().splitlines()[-1])["error"]
        created = subprocess.run([COOUD, "user", "create", "--email", "op@example.com", "--password", PASSWORD],
                                 env=env, capture_output=True, text=True, timeout=60)
        assert created.returncode == 0, created.stderr
        deposit = subprocess.run([COOUD, "deposit", "--email", "op@example.com", "--asset", "USDT", "--amount",
                                  "1250.5"], env=env, capture_output=True, text=True, timeout=60)
        assert deposit.returncode == 0, deposit.stderr
        assert json.loads(deposit.stdout)["free"] == "1250.50000000"
        refused = subprocess.run([COOUD, "deposit", "--email", "op@example.com", "--asset", "USDT", "--amount",
                                  "0.000000001"], env=env, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 1
        assert "more decimals" in json.loads(refused.stderr.strip().splitlines()[-1])["error"]
        token = httpx.post(f"{base}/v1/auth/login", json={"email": "op@example.com", "password": PASSWORD},
                           timeout=10).json()["access_token"]
        balances = httpx.get(f"{base}/v1/wallet/balances", headers={"Authorization": f"Bearer {token}"},
                             timeout=10).json()["data"]
        assert {b["asset"]: b["free"] for b in balances}["USDT"] == "1250.50000000"  # the server's engine did it
        check = subprocess.run([COOUD, "ledger", "check"], env=env, capture_output=True, text=True, timeout=60)
        assert check.returncode == 0 and json.loads(check.stdout)["ok"] is True
    finally:
        first.stop()
