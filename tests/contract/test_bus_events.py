"""The event path over real NATS JetStream (impl/bus/events.py): an engine (a local `Trading` on a temporary SQLite
file, in this process) publishes its outbox with `OutboxPublisher`; workers consume with `BusEvents` over their own
store connection and keep L2 books. Checked: every command's events reach every worker once and in order, whatever
happens to the connection, the server-side consumer, the engine or the NATS server; the workers' books equal the
engine's; a late worker is exact; the stream hub works on a worker as in the embedded mode.

NATS is the machine's (127.0.0.1:4222; each test its own subject prefix and stream, deleted afterwards) — except the
restart test, which restarts a throwaway `nats-server -js` of its own. The tests skip only when NATS is unreachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import shutil
import socket
import subprocess
import threading
import time
import uuid
from decimal import Decimal
from fractions import Fraction

import nats
import pytest

from impl import demo
from impl.bus.events import BusEvents, OutboxPublisher, message_of, stream_names
from impl.domain.errors import DomainError
from impl.domain.trading import Trading
from impl.ids import new_id
from impl.store.sqlite import SQLiteStore
from impl.ws.events import Publisher
from impl.ws.hub import Hub
from tests.live import free_port

NATS_URL = "nats://127.0.0.1:4222"
NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"
ACCOUNTS = ("usr_A", "usr_B", "usr_C")
SYMBOLS = {"BTC/USDT": (60_000, "0.001"), "ETH/USDT": (3_000, "0.01")}
NEVER = 3600.0  # an idle check that never comes: deliveries come from the stream (and gap fills) only
DEPTH = 1 << 30


def reachable(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


@pytest.fixture(scope="module", autouse=True)
def nats_server():
    if not reachable("127.0.0.1", 4222):
        pytest.skip(f"no NATS server reachable at {NATS_URL}")


class Engine:
    """The engine process's part, in this process: a Trading over a SQLite file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.store = SQLiteStore(path)
        self.store.migrate()
        demo.seed_if_empty(self.store)
        self.books: dict = {}
        self.trading = self._trading()
        for account in ACCOUNTS:
            for asset, amount in (("BTC", "100"), ("ETH", "1000"), ("USDT", "100000000")):
                self.trading.deposit(account, asset, amount, f"dep-{account}-{asset}")

    def _trading(self) -> Trading:
        return Trading(self.store, self.store.list_markets(), self.store.list_assets(), self.books,
                       lambda _a: (Fraction(1, 1000), Fraction(2, 1000)), lambda: time.time_ns() // 1_000_000,
                       new_id)

    def restart(self) -> None:
        """A new engine over the same database (the old one's listeners go with it)."""
        self.trading.close()
        self.books.clear()
        self.trading = self._trading()

    def drive(self, n: int, seed: int) -> None:
        """n random commands: limit orders around a mid price (many crossing), market orders, cancels."""
        rng = random.Random(seed)
        placed: list[tuple[str, str]] = []
        for _ in range(n):
            account = rng.choice(ACCOUNTS)
            symbol = rng.choice(list(SYMBOLS))
            mid, size = SYMBOLS[symbol]
            roll = rng.random()
            try:
                if roll < 0.15 and placed:
                    owner, order_id = placed.pop(rng.randrange(len(placed)))
                    self.trading.cancel(owner, order_id)
                elif roll < 0.25:
                    self.trading.place(account, {"symbol": symbol, "side": rng.choice(("buy", "sell")),
                                                 "type": "market", "size": size})
                else:
                    price = mid + rng.randint(-20, 20)
                    order = self.trading.place(account, {"symbol": symbol, "side": rng.choice(("buy", "sell")),
                                                         "type": "limit", "price": str(price),
                                                         "size": str(Decimal(size) * rng.randint(1, 5))})
                    placed.append((account, order.id))
            except DomainError:
                pass  # refused by a rule (e.g. nothing to match a market order): no event

    def head(self) -> int:
        return self.store.last_outbox_seq()

    def snapshots(self) -> dict:
        return {s: self.books[s].snapshot(DEPTH, 0) for s in self.books}

    def close(self) -> None:
        self.trading.close()
        self.store.close()


class Recorder:
    """A worker listener: every Committed it was given, in order."""

    def __init__(self) -> None:
        self.seen: list = []

    def __call__(self, batch) -> None:
        self.seen.extend(batch)

    @property
    def seqs(self) -> list[int]:
        return [c.seq for c in self.seen]


async def connect(url: str = NATS_URL):
    return await nats.connect(url, max_reconnect_attempts=-1, reconnect_time_wait=0.2, connect_timeout=2)


async def eventually(condition, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        await asyncio.sleep(0.02)


def books_of(worker: BusEvents) -> dict:
    return {s: b.snapshot(DEPTH, 0) for s, b in worker.books.items()}


@pytest.fixture
def prefix():
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
def engine(tmp_path):
    e = Engine(str(tmp_path / "engine.sqlite3"))
    yield e
    e.close()


@contextlib.asynccontextmanager
async def bus(prefix: str, url: str = NATS_URL):
    """A connection for the test; the prefix's stream is deleted at the end."""
    nc = await connect(url)
    try:
        yield nc
    finally:
        with contextlib.suppress(Exception):
            await nc.jetstream().delete_stream(stream_names(prefix, "main")[0])
        await nc.close()


async def worker(nc, engine: Engine, prefix: str, idle_check_s: float = NEVER, position=None,
                 books=None) -> tuple[BusEvents, Recorder]:
    store = SQLiteStore(engine.path)  # the worker's own connection to the engine's database
    w = BusEvents(nc, store, [m.symbol for m in store.list_markets()], prefix, books=books,
                  idle_check_s=idle_check_s)
    recorder = Recorder()
    w.listeners.append(recorder)
    await w.start(position)
    return w, recorder


async def stop(*workers: BusEvents) -> None:
    """Close workers with their connection and store (those `worker` made)."""
    for w in workers:
        await w.close()
        await w._nc.close()
        w._store.close()


async def settled(engine: Engine, publisher: OutboxPublisher, *workers: BusEvents) -> int:
    head = engine.head()
    await publisher.wait_published(head, 30)
    await eventually(lambda: all(w.position == head for w in workers), what="workers at the head")
    return head


def test_every_worker_sees_every_event_once_in_order_and_keeps_exact_books(engine, prefix):
    async def main():
        async with bus(prefix) as nc:
            publisher = OutboxPublisher(nc, engine.store, prefix)
            await publisher.start(engine.trading.listeners)
            first, early = await worker(await connect(), engine, prefix)
            start = first.position
            await asyncio.to_thread(engine.drive, 150, 1)
            late, later = await worker(await connect(), engine, prefix)  # joins mid-stream, from the store's books
            joined = late.position
            assert books_of(late) == engine.snapshots()
            await asyncio.to_thread(engine.drive, 150, 2)
            head = await settled(engine, publisher, first, late)
            stored = {c.seq: c for c in engine.store.outbox_after(0, 100_000)}
            assert early.seqs == list(range(start + 1, head + 1))
            assert later.seqs == list(range(joined + 1, head + 1))
            assert early.seen == [stored[s] for s in early.seqs]  # the very records the engine committed
            assert first.stats["live"] == head - start and first.stats["stored"] == 0  # all through NATS
            assert books_of(first) == books_of(late) == engine.snapshots()
            assert any(b.sequence > 0 for b in engine.books.values())
            await stop(first, late)
            await publisher.close()

    asyncio.run(main())


def test_a_worker_that_reconnects_resumes_with_no_loss_and_no_duplicate(engine, prefix):
    async def main():
        async with bus(prefix) as nc:
            publisher = OutboxPublisher(nc, engine.store, prefix)
            await publisher.start(engine.trading.listeners)
            conn = await connect()
            w, recorder = await worker(conn, engine, prefix)
            start = w.position
            await asyncio.to_thread(engine.drive, 80, 3)
            await settled(engine, publisher, w)
            # 1. Its NATS connection closes; events go on meanwhile; a new connection resumes from its position.
            await w.close()
            await conn.close()
            w._store.close()
            await asyncio.to_thread(engine.drive, 80, 4)
            again, more = await worker(await connect(), engine, prefix, position=w.position, books=w.books)
            await asyncio.to_thread(engine.drive, 80, 5)
            await settled(engine, publisher, again)
            # 2. The server-side consumer disappears (as after a NATS restart): the ordered consumer notices the
            # missing heartbeats and recreates it from the last stream sequence it saw.
            info = await again._sub.consumer_info()
            await nc.jetstream().delete_consumer(again.stream, info.name)
            await asyncio.to_thread(engine.drive, 80, 6)
            head = await settled(engine, publisher, again)
            seqs = recorder.seqs + more.seqs
            assert seqs == list(range(start + 1, head + 1))
            assert (await again._sub.consumer_info()).name != info.name  # a new consumer delivered the rest
            assert books_of(again) == engine.snapshots()
            await stop(again)
            await publisher.close()

    asyncio.run(main())


def test_a_restarted_engine_republishes_what_it_committed_but_never_published(engine, prefix):
    async def main():
        async with bus(prefix) as nc:
            w, recorder = await worker(await connect(), engine, prefix)
            start = w.position
            publisher = OutboxPublisher(nc, engine.store, prefix)
            await publisher.start(engine.trading.listeners)
            await asyncio.to_thread(engine.drive, 60, 7)
            published = engine.head()
            await publisher.wait_published(published, 30)
            await publisher.close()  # the engine "dies" between commit and publish: these are committed only
            await asyncio.to_thread(engine.drive, 60, 8)
            unpublished = engine.head()
            assert unpublished > published
            await asyncio.to_thread(engine.restart)
            successor = OutboxPublisher(nc, engine.store, prefix)
            await successor.start(engine.trading.listeners)
            await asyncio.to_thread(engine.drive, 30, 9)
            head = await settled(engine, successor, w)
            # The stream holds every event once, in order: the successor filled in what its predecessor missed.
            js = nc.jetstream()
            info = await js.stream_info(successor.stream)
            ids = [int((await js.get_msg(successor.stream, seq)).headers["Nats-Msg-Id"])
                   for seq in range(info.state.first_seq, info.state.last_seq + 1)]
            assert ids == list(range(1, head + 1))
            assert recorder.seqs == list(range(start + 1, head + 1))
            assert books_of(w) == engine.snapshots()
            await stop(w)
            await successor.close()

    asyncio.run(main())


def test_a_gap_in_the_stream_is_filled_from_the_store(engine, prefix):
    """Only the last of a run of commands reaches the stream: the worker reads the others from the store first."""
    async def main():
        async with bus(prefix) as nc:
            w, recorder = await worker(await connect(), engine, prefix)
            start = w.position
            await asyncio.to_thread(engine.drive, 40, 14)  # committed; no publisher runs
            rows = engine.store.outbox_after(start, 1000)
            payload, headers = message_of(rows[-1])
            await nc.jetstream().publish(w.subject, payload, headers=headers)
            await eventually(lambda: w.position == rows[-1].seq, what="the last event delivered")
            assert recorder.seen == rows
            # The live message set it off (no idle check runs); the store's read covered it too, so it was skipped.
            assert (w.stats["stored"], w.stats["live"]) == (len(rows), 0)
            assert books_of(w) == engine.snapshots()
            await stop(w)

    asyncio.run(main())


def test_while_the_stream_is_silent_the_idle_check_delivers_from_the_store(engine, prefix):
    async def main():
        async with bus(prefix):
            w, recorder = await worker(await connect(), engine, prefix, idle_check_s=0.2)
            start = w.position
            await asyncio.to_thread(engine.drive, 30, 15)  # committed; no publisher runs
            await eventually(lambda: w.position == engine.head(), 10, "caught up from the store")
            assert recorder.seqs == list(range(start + 1, engine.head() + 1)) and w.stats["live"] == 0
            assert books_of(w) == engine.snapshots()
            await stop(w)

    asyncio.run(main())


def test_a_publisher_refuses_a_stream_ahead_of_its_outbox(engine, prefix):
    """A stream holding sequences the outbox never reached belongs to another database: publishing into it would
    have the new events dropped as duplicates, so the publisher refuses to start."""
    async def main():
        async with bus(prefix) as nc:
            first = OutboxPublisher(nc, engine.store, prefix)
            await first.start([])
            await first.wait_published(engine.head(), 10)
            stranger = engine.store.outbox_after(0, 1)[0]
            payload, headers = message_of(stranger)
            headers["Nats-Msg-Id"] = str(engine.head() + 100)
            await nc.jetstream().publish(first.subject, payload, headers=headers)
            await first.close()
            listeners: list = []
            with pytest.raises(RuntimeError, match="another database"):
                await OutboxPublisher(nc, engine.store, prefix).start(listeners)
            assert listeners == []

    asyncio.run(main())


def test_a_worker_out_of_step_restores_its_books_from_the_store(engine, prefix):
    """Told to resume from 0 with empty books, the first book change does not fit: it restores from the store."""
    async def main():
        await asyncio.to_thread(engine.drive, 40, 10)
        async with bus(prefix) as nc:
            publisher = OutboxPublisher(nc, engine.store, prefix)
            await publisher.start(engine.trading.listeners)
            resynced: list[int] = []
            store = SQLiteStore(engine.path)
            w = BusEvents(nc, store, list(SYMBOLS), prefix, idle_check_s=NEVER)
            w.on_resync.append(lambda: resynced.append(w.position))
            await w.start(position=0)
            assert w.stats["resyncs"] == 1 and resynced == [engine.head()]
            await asyncio.to_thread(engine.drive, 40, 11)
            await settled(engine, publisher, w)
            assert books_of(w) == {s: engine.books[s].snapshot(DEPTH, 0) for s in SYMBOLS}
            await w.close()
            store.close()
            await publisher.close()

    asyncio.run(main())


def test_the_stream_hub_on_a_worker_follows_the_engine(engine, prefix):
    """impl/ws: the Publisher as a worker listener, the hub attached through `exclusively_async` (as the gateway)."""
    async def main():
        async with bus(prefix) as nc:
            publisher = OutboxPublisher(nc, engine.store, prefix)
            await publisher.start(engine.trading.listeners)
            w, _ = await worker(nc, engine, prefix)
            hub = Hub(render_book=lambda book: {})
            w.listeners.append(Publisher(engine.trading, hub).committed)  # units/assets: the worker's listings
            await asyncio.to_thread(engine.drive, 50, 12)
            loop = asyncio.get_running_loop()
            await w.exclusively_async(lambda: hub.attach(loop, w.books))
            await asyncio.to_thread(engine.drive, 100, 13)
            await settled(engine, publisher, w)
            await asyncio.sleep(0)  # the hub's posted deliveries run on the loop after the listener call
            await eventually(lambda: {s: hub.book(s).snapshot(DEPTH, 0) for s in engine.books} == engine.snapshots(),
                             5, "the hub's book copies equal the engine's")
            await w.close()
            w._store.close()
            await publisher.close()

    asyncio.run(main())


# -- a NATS restart ----------------------------------------------------------------------------------------------
class ThrowawayNats:
    """`nats-server -js` on a free port with its own store directory (never the machine's daemon)."""

    def __init__(self, store_dir) -> None:
        self.port, self.store_dir = free_port(), store_dir
        self.url = f"nats://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([NATS_SERVER, "-js", "-a", "127.0.0.1", "-p", str(self.port),
                                      "-sd", str(self.store_dir)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not reachable("127.0.0.1", self.port):
            assert self.proc.poll() is None and time.monotonic() < deadline, "nats-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.mark.skipif(not (shutil.which("nats-server") or shutil.which(NATS_SERVER)), reason="no nats-server binary")
def test_a_nats_restart_mid_stream_loses_and_duplicates_nothing(engine, prefix, tmp_path):
    server = ThrowawayNats(tmp_path / "nats")
    server.start()

    async def main():
        async with bus(prefix, server.url) as nc:
            publisher = OutboxPublisher(nc, engine.store, prefix)
            await publisher.start(engine.trading.listeners)
            w, recorder = await worker(await connect(server.url), engine, prefix)
            start = w.position
            halt = threading.Event()

            def trade_on() -> None:
                seed = 100
                while not halt.is_set():
                    engine.drive(10, seed)
                    seed += 1

            trading = asyncio.create_task(asyncio.to_thread(trade_on))
            await eventually(lambda: w.position > start + 30, what="events before the restart")
            await asyncio.to_thread(server.stop)
            await asyncio.sleep(0.5)  # orders go on while NATS is down
            await asyncio.to_thread(server.start)
            live_before = w.stats["live"]
            await eventually(lambda: w.stats["live"] > live_before + 30, what="live deliveries after the restart")
            halt.set()
            await trading
            head = await settled(engine, publisher, w)
            assert recorder.seqs == list(range(start + 1, head + 1))
            assert books_of(w) == engine.snapshots()
            await stop(w)
            await publisher.close()

    try:
        asyncio.run(main())
    finally:
        server.stop()
