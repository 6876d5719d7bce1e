"""The order book stream is consistent with REST: snapshot + deltas, applied by the document's rules, rebuild the book.

A connection subscribes to `orderbook.BTC/USDT` and `trades.BTC/USDT`; a reader thread receives every frame
through the document-built checker (tests/stream_support.py) while three accounts, in three threads, run a
burst of ~450 place/cancel operations through the trading service, crossing each other so trades print. The
local book follows "Order book: snapshot and deltas" of spec/asyncapi.yaml:
- the first frame of the channel is a `book_snapshot`; each `book_delta` must have `prev_sequence` equal to the
  local sequence (a gap or a repeat fails the test: nothing is ever missed on a healthy connection) and
  `sequence` above it; its levels replace the local ones, a zero size removes the level;
- a periodic `book_snapshot` (every 0.5 s here) must equal the local book at its sequence;
- after every delta the book is not crossed.
When the burst is over the local sequence must reach REST's (`GET /v1/markets/BTC-USDT/orderbook?depth=500`)
and the levels must then be equal, string for string. The `trades` frames must be exactly the trades REST
lists, in print order.

Two separate tests hold the server to the letter of the document: a removed level is written with size `"0"`,
and no `book_delta` has `sequence` equal to `prev_sequence` (an empty change). The rebuild tolerates both
(zero is compared as a number; an empty delta at the local sequence changes nothing) so that it tests
consistency on its own.
"""

from __future__ import annotations

import random
import threading
import time
from decimal import Decimal

import httpx
import pytest

from impl.app import create_app
from impl.config import Config
from impl.domain.errors import DomainError
from tests.stream_support import CHECKER, StreamClient, serving

SYMBOL = "BTC/USDT"
THREADS, OPS_PER_THREAD = 3, 150


@pytest.fixture(autouse=True)
def _audit(request):
    with CHECKER.audit(request.node.name):
        yield


@pytest.fixture(scope="module")
def burst(tmp_path_factory):
    """Run the burst once, with a subscriber recording; yields what the subscriber saw and REST's view."""
    db = tmp_path_factory.mktemp("consistency") / "db.sqlite3"
    app = create_app(Config(database=str(db), validate_responses=True, ws_heartbeat_s=0.5, ws_throttle_s=0.2,
                            ws_snapshot_s=0.5))
    s = app.services
    accounts = []
    for i in range(THREADS):
        user = s.identity.create_user(f"trader{i}@example.com", "correct horse battery staple", s.now_ms())
        s.trading.deposit(user.id, "USDT", "10000000", f"fund-{i}-usdt")
        s.trading.deposit(user.id, "BTC", "100", f"fund-{i}-btc")
        accounts.append(user.id)
    with serving(app) as base, httpx.Client(base_url=base, timeout=10) as http:
        ws = StreamClient(base, "book")
        reply = ws.request({"op": "subscribe", "id": "book", "args": [f"orderbook.{SYMBOL}", f"trades.{SYMBOL}"]})
        assert reply["op"] == "subscribe", reply
        stop = threading.Event()
        reader_errors: list[BaseException] = []

        def read():
            try:
                while not stop.is_set():
                    try:
                        ws.recv(0.2)
                    except TimeoutError:
                        pass
            except BaseException as exc:  # surfaced by the test
                reader_errors.append(exc)

        reader = threading.Thread(target=read, name="stream-reader", daemon=True)
        reader.start()
        stats = {"placed": 0, "cancelled": 0, "refused": 0}
        lock = threading.Lock()

        def trade(account: str, seed: int):
            rng = random.Random(seed)
            mine: list[str] = []
            for _ in range(OPS_PER_THREAD):
                try:
                    if mine and rng.random() < 0.3:
                        s.trading.cancel(account, mine.pop(rng.randrange(len(mine))))
                        what = "cancelled"
                    else:
                        side = rng.choice(("buy", "sell"))
                        away = rng.randint(-25, 50) * Decimal("0.50")  # from 60000, away from the other side
                        price = Decimal("60000.00") + (-away if side == "buy" else away)
                        order = s.trading.place(account, {
                            "symbol": SYMBOL, "side": side, "type": "limit", "price": f"{price:.2f}",
                            "size": f"{Decimal(rng.randint(1, 60)) / 1000:.5f}",
                            "tif": rng.choice(("GTC", "GTC", "GTC", "GTC", "IOC"))})
                        if order.status in ("open", "partially_filled"):
                            mine.append(order.id)
                        what = "placed"
                except DomainError:
                    what = "refused"
                with lock:
                    stats[what] += 1

        started = time.monotonic()
        workers = [threading.Thread(target=trade, args=(a, i), daemon=True) for i, a in enumerate(accounts)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=60)
        assert not any(w.is_alive() for w in workers), "the burst did not finish in 60 s"
        burst_s = time.monotonic() - started
        rest_book = http.get(f"/v1/markets/{SYMBOL.replace('/', '-')}/orderbook", params={"depth": 500}).json()
        # Wait (bounded) until the subscriber has seen the delta that brings it to REST's sequence.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not reader_errors:
            deltas = [f for f in ws.events if f["op"] == "book_delta"]
            if deltas and deltas[-1]["data"]["sequence"] >= rest_book["sequence"]:
                break
            time.sleep(0.05)
        time.sleep(0.3)  # any trailing frame (there should be none) would show up as a difference
        stop.set()
        reader.join(timeout=5)
        trades, cursor = [], None
        while True:
            page = http.get(f"/v1/markets/{SYMBOL.replace('/', '-')}/trades",
                            params={"limit": 1000, **({"cursor": cursor} if cursor else {})}).json()
            trades += page["data"]
            cursor = page["next_cursor"]
            if not cursor:
                break
        ws.close()
        print(f"\nburst: {stats} in {burst_s:.2f}s; frames {len(ws.events)}; REST sequence {rest_book['sequence']}; "
              f"{len(trades)} trades\n{CHECKER.summary()}")
        yield {"events": list(ws.events), "rest_book": rest_book, "rest_trades": trades, "stats": stats,
               "reader_errors": reader_errors}


class LocalBook:
    """A client's book, kept by the document's rules."""

    def __init__(self, snapshot: dict) -> None:
        self.sequence = snapshot["sequence"]
        self.bids = {p: z for p, z in snapshot["bids"]}
        self.asks = {p: z for p, z in snapshot["asks"]}

    def apply(self, delta: dict) -> None:
        assert delta["prev_sequence"] == self.sequence, f"gap: book at {self.sequence}, delta {delta}"
        if delta["sequence"] == delta["prev_sequence"] and not delta["bids"] and not delta["asks"]:
            return  # an empty delta: harmless here, held against the document by test_no_empty_deltas
        assert delta["sequence"] > delta["prev_sequence"], delta
        for side, levels in ((self.bids, delta["bids"]), (self.asks, delta["asks"])):
            for price, size in levels:
                if Decimal(size) == 0:
                    side.pop(price, None)
                else:
                    side[price] = size
        self.sequence = delta["sequence"]
        if self.bids and self.asks:
            assert max(map(Decimal, self.bids)) < min(map(Decimal, self.asks)), f"crossed after {delta}"

    def levels(self) -> tuple[list, list]:
        bids = sorted(([p, z] for p, z in self.bids.items()), key=lambda lv: Decimal(lv[0]), reverse=True)
        asks = sorted(([p, z] for p, z in self.asks.items()), key=lambda lv: Decimal(lv[0]))
        return bids, asks


def test_snapshot_and_deltas_rebuild_the_rest_book(burst):
    assert not burst["reader_errors"], burst["reader_errors"]
    events = [f for f in burst["events"] if f["channel"] == f"orderbook.{SYMBOL}"]
    assert events and events[0]["op"] == "book_snapshot", events[:1]
    book = LocalBook(events[0]["data"])
    deltas = periodic = 0
    for frame in events[1:]:
        if frame["op"] == "book_delta":
            book.apply(frame["data"])
            deltas += 1
        else:  # a periodic snapshot sits between two deltas: it is the local book at that moment
            assert frame["data"]["sequence"] == book.sequence, (frame["data"]["sequence"], book.sequence)
            assert [frame["data"]["bids"], frame["data"]["asks"]] == list(book.levels()), "periodic snapshot differs"
            periodic += 1
    rest = burst["rest_book"]
    assert book.sequence == rest["sequence"], (book.sequence, rest["sequence"])
    bids, asks = book.levels()
    assert len(bids) < 500 and len(asks) < 500  # REST's depth=500 is then the whole book
    assert bids == rest["bids"] and asks == rest["asks"]
    assert deltas >= 250 and burst["stats"]["placed"] >= 250, (deltas, burst["stats"])
    print(f"\n{deltas} deltas and {periodic} periodic snapshots applied; book at {book.sequence}, "
          f"{len(bids)} bids / {len(asks)} asks")


def test_trade_frames_are_the_trades_rest_lists(burst):
    frames = [f["data"] for f in burst["events"] if f["op"] == "trade"]
    rest = list(reversed(burst["rest_trades"]))  # REST lists newest first; the stream sends in print order
    assert len(frames) >= 30, len(frames)
    assert len(frames) == len(rest), (len(frames), len(rest))
    assert [t["id"] for t in frames] == [t["id"] for t in rest]
    assert frames == rest


def test_no_empty_deltas(burst):
    """asyncapi.yaml BookDelta: `sequence` is "greater than `prev_sequence`" (a delta is a change of the book)."""
    empty = [f["data"] for f in burst["events"]
             if f["op"] == "book_delta" and f["data"]["sequence"] <= f["data"]["prev_sequence"]]
    assert not empty, f"{len(empty)} book_delta frames change nothing, e.g. {empty[0]}"


def test_removed_levels_are_written_as_size_zero_string(burst):
    """asyncapi.yaml: 'a size of "0" removes the level' (and the BookDelta example writes "0")."""
    removals = [size for f in burst["events"] if f["op"] == "book_delta"
                for side in ("bids", "asks") for _, size in f["data"][side] if Decimal(size) == 0]
    assert removals, "the burst removed no level"
    assert set(removals) == {"0"}, f"{len(removals)} removals written as {sorted(set(removals))}, not '0'"
