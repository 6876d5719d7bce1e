"""The event path of the scaled deployment: the engine's outbox -> one NATS JetStream stream -> every stream worker.

The store's outbox is the source of truth (every command's events, committed with its effect: impl/domain/events.py,
impl/domain/outbox.py); the stream `{prefix}_EVT_{group}` (subject `{prefix}.evt.{group}`) is only the fan-out, kept
for `STREAM_MAX_AGE_S` and at most `STREAM_MAX_BYTES` (limits retention). One message per committed command:
headers `Nats-Msg-Id` = its sequence (JetStream drops a re-sent one within the duplicate window) and `Cooud-Ts-Ms`;
body = `events.encode(committed.events)`.

Engine side — `OutboxPublisher`, a listener of the engine's `Trading.listeners`: called in the engine's thread after
each commit, it only hands the batch to its event loop (never blocks the engine); one task there publishes in
sequence order, pipelined (`publish_async`) and acknowledged, retrying from the first unacknowledged record (the
message id makes a retry harmless). On `start` — a new or failed-over engine — it reads the last sequence present in
the stream and first re-publishes the outbox rows after it (at most `CATCH_UP_MAX`: older ones are left to the
workers' store reads), so an engine that died between commit and publish loses nothing; a stream that holds a
sequence beyond the outbox belongs to another database and the publisher refuses to start. Records it cannot queue
(more than `QUEUE_MAX` behind, NATS down) are read back from the store when it catches up.

Worker side — `BusEvents` gives a worker what `Trading.listeners` and `Trading.exclusively_async` give in the
embedded mode, with the outbox consumer's rules (impl/domain/outbox.py): `listeners` are called on the event loop
with `Committed` batches, each command exactly once and in sequence order, across reconnects. It subscribes live
first (a JetStream ordered consumer, deliver policy LAST: see below), then brings its position up from the store,
then takes the live messages, skipping what it already has; when the live sequence jumps (a message lost, dropped by
a full queue, or the stream reset) it fills the gap from `store.outbox_after` before going on; when idle for
`idle_check_s` it asks the store too (a lost tail is delivered even while NATS is down). A gap the store no longer
has (`OutboxGap`) or a book change that does not continue a view (`BookOutOfStep`) makes it resynchronise: the views
are restored from the store and the `on_resync` callbacks run (e.g. the stream hub re-copies the books), since the
events in between are not delivered.

Books: `BusEvents.books` are the worker's L2 views of every market (what REST order book reads and the WebSocket
hub copy): restored from ONE consistent read of the open orders, the L2 sequences and the outbox head
(`OutboxStore.book_state`), then moved by each later command's `BookChanged` events before the listeners see it — so
a worker's snapshot is exact at a sequence, whenever the worker joined.

Exclusivity: batches are applied on the event loop under one asyncio lock; `exclusively_async(fn)` runs `fn` under
it — between two batches, as in the embedded mode (the hub's `attach` copies the books there).

Wiring in a worker: build `BusEvents(nc, store, symbols, prefix, group, books=services.books)` (the dict MarketData
and the hub read), let the worker's trading facade expose its `listeners` and `exclusively_async`, append the stream
`Publisher(...).committed` to `listeners` and a re-attach of the hub to `on_resync`, and `await start()` in the
lifespan before the stream starts (its `attach` then copies restored books).

nats-py quirks handled here: its ordered consumer recreates the server-side consumer (from the last stream sequence
seen + 1) on a sequence mismatch and on missed heartbeats — after a reconnect or a NATS restart the ephemeral consumer
is gone and only the heartbeat watch notices (every 2 x `HEARTBEAT_S`). Before the first message "the last seen" is
0, so such a reset would re-deliver everything the stream retains: the consumer starts with deliver policy LAST, whose
first message (the stream's last, already covered by the store) sets it at once and is skipped. A message dropped by
nats-py as a slow consumer shows as a sequence jump and is read from the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable

import nats.js.errors
from nats.js import api

from impl.blocking import run_blocking
from impl.domain import events
from impl.domain.book import BookOutOfStep, L2Book, apply_book_changes, restore_books
from impl.domain.events import Committed
from impl.domain.outbox import REPLAY_PAGE, OutboxGap, stored_after

log = logging.getLogger("cooud.bus")

STREAM_MAX_AGE_S = 3600.0
# JetStream reserves a stream's max_bytes out of the server's storage when the stream is created: a workers' fan-out
# buffer needs minutes of events, not gigabytes (the outbox in the store has the rest; a worker further behind fills
# its gap from there).
STREAM_MAX_BYTES = 256 << 20
DUPLICATE_WINDOW_S = 120.0
CATCH_UP_MAX = 10_000  # rows a starting publisher re-publishes at most
QUEUE_MAX = 100_000  # records queued in memory (publisher or worker) before the store takes over
PUBLISH_CHUNK = 512  # records in flight per acknowledged round
PUBLISH_TIMEOUT_S = 5.0
RETRY_S = 0.5
HEARTBEAT_S = 1.0
IDLE_CHECK_S = 5.0
DELIVER_MAX = 1000  # records per listener call
TS_HEADER = "Cooud-Ts-Ms"


def stream_names(prefix: str, group: str) -> tuple[str, str]:
    """(stream, subject) of a market group's events."""
    return f"{prefix}_EVT_{group}", f"{prefix}.evt.{group}"


async def ensure_stream(js, prefix: str, group: str) -> None:
    """Create the group's event stream if it does not exist (an existing one is used as it is)."""
    stream, subject = stream_names(prefix, group)
    try:
        await js.stream_info(stream)
    except nats.js.errors.NotFoundError:
        await js.add_stream(api.StreamConfig(
            name=stream, subjects=[subject], retention=api.RetentionPolicy.LIMITS, storage=api.StorageType.FILE,
            max_age=STREAM_MAX_AGE_S, max_bytes=STREAM_MAX_BYTES, duplicate_window=DUPLICATE_WINDOW_S))


def message_of(committed: Committed) -> tuple[bytes, dict[str, str]]:
    return events.encode(committed.events), {"Nats-Msg-Id": str(committed.seq), TS_HEADER: str(committed.ts_ms)}


def committed_of(data: bytes, headers: dict[str, str]) -> Committed:
    return Committed(int(headers["Nats-Msg-Id"]), int(headers[TS_HEADER]), events.decode(data))


# -- the engine's side ---------------------------------------------------------------------------------------------
class OutboxPublisher:
    """Publishes the engine's committed events to the group's stream, in sequence order (see the module docstring).
    `start(trading.listeners)` on the event loop that owns `nc`; `close()` there too."""

    def __init__(self, nc, store, prefix: str = "cooud", group: str = "main", *,
                 catch_up_max: int = CATCH_UP_MAX) -> None:
        self._js = nc.jetstream()
        self._store = store
        self._prefix, self._group = prefix, group
        self.stream, self.subject = stream_names(prefix, group)
        self._catch_up_max = catch_up_max
        self.published = 0  # the highest sequence the stream acknowledged (or had at start)
        self._queue: deque[Committed] = deque()
        self._from_store = True  # rows after `published` may be only in the store (start-up, overflow)
        self._wake = asyncio.Event()
        self._advanced = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listeners: list | None = None
        self._task: asyncio.Task | None = None

    async def start(self, listeners: list) -> None:
        """Register on the engine's `listeners` and start publishing: first what the stream lacks, then live."""
        self._loop = asyncio.get_running_loop()
        await ensure_stream(self._js, self._prefix, self._group)
        in_stream = await self._stream_last()
        self._listeners = listeners
        listeners.append(self.committed)  # before reading the head: nothing committed from here on is missed
        head = await run_blocking(self._store.last_outbox_seq)
        if in_stream > head:
            listeners.remove(self.committed)
            raise RuntimeError(f"stream {self.stream} holds event {in_stream} but the outbox ends at {head}: "
                               "it belongs to another database (use another COOUD_BUS_PREFIX or delete it)")
        self.published = max(in_stream, head - self._catch_up_max)
        self._task = asyncio.create_task(self._run(), name=f"cooud-outbox-publisher-{self._group}")

    async def close(self, flush_s: float = 2.0) -> None:
        """Stop listening; give what is queued up to `flush_s` to be acknowledged (the next publisher re-publishes
        whatever is not), then stop."""
        if self._listeners is not None and self.committed in self._listeners:
            self._listeners.remove(self.committed)
        if self._queue and self._task is not None and not self._task.done():
            with contextlib.suppress(TimeoutError):
                await self.wait_published(self._queue[-1].seq, flush_s)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def wait_published(self, seq: int, timeout: float) -> None:
        """Until the stream acknowledged everything through `seq` (for tests and a graceful stop)."""
        async with asyncio.timeout(timeout):
            while self.published < seq:
                self._advanced.clear()
                await self._advanced.wait()

    # -- the engine's thread ---------------------------------------------------------------------------------------
    def committed(self, batch: list[Committed]) -> None:
        """Engine listener: hand the batch to the loop (never blocks)."""
        try:
            self._loop.call_soon_threadsafe(self._enqueue, batch)
        except RuntimeError:  # the loop has closed: the next publisher re-publishes from the outbox
            pass

    # -- the event loop -------------------------------------------------------------------------------------------
    def _enqueue(self, batch: list[Committed]) -> None:
        if len(self._queue) + len(batch) > QUEUE_MAX:
            self._from_store = True  # dropped: still in the outbox, read back from there
        else:
            self._queue.extend(batch)
        self._wake.set()

    async def _stream_last(self) -> int:
        try:
            last = await self._js.get_last_msg(self.stream, self.subject)
        except nats.js.errors.NotFoundError:
            return 0
        return int(last.headers["Nats-Msg-Id"])

    async def _run(self) -> None:
        while True:
            try:
                sent = await self._step()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - NATS or the store failed: retry from `published`
                log.warning("bus: publishing events after %d failed (%r); retrying", self.published, exc)
                if isinstance(exc, nats.js.errors.NoStreamResponseError):
                    await _quietly(ensure_stream(self._js, self._prefix, self._group))
                await asyncio.sleep(RETRY_S)
                continue
            if not sent:
                self._wake.clear()
                await self._wake.wait()

    async def _step(self) -> bool:
        """Publish the next run of records; False when there is nothing to publish."""
        queue = self._queue
        while queue and queue[0].seq <= self.published:
            queue.popleft()
        if queue and queue[0].seq == self.published + 1:
            rows = [queue[i] for i in range(min(PUBLISH_CHUNK, len(queue)))]
        elif queue or self._from_store:
            rows = await run_blocking(self._store.outbox_after, self.published, PUBLISH_CHUNK)
            self._from_store = bool(rows)
        else:
            return False
        if rows:
            await self._send(rows)
        return bool(rows)

    async def _send(self, rows: list[Committed]) -> None:
        """Publish `rows` pipelined; `published` advances through the acknowledged prefix, the first failure raises."""
        futures = []
        for committed in rows:
            payload, headers = message_of(committed)
            futures.append(await self._js.publish_async(self.subject, payload, headers=headers))
        try:
            await asyncio.wait(futures, timeout=PUBLISH_TIMEOUT_S)
        finally:
            for future in futures:
                future.cancel()  # an unanswered one would hold nats-py's pending-publish slot for ever
        failures = [TimeoutError("not acknowledged in time") if f.cancelled() else f.exception() for f in futures]
        try:
            for committed, failure in zip(rows, failures, strict=True):
                if failure is not None:
                    raise failure
                self.published = max(self.published, committed.seq)
        finally:
            self._advanced.set()


async def _quietly(awaitable) -> None:
    try:
        await awaitable
    except Exception:  # noqa: BLE001 - retried with the next attempt
        pass


# -- a worker's side -------------------------------------------------------------------------------------------------
class BusEvents:
    """A worker's view of the engine's events and books (see the module docstring). Create, then `await start()` on
    the event loop that owns `nc`; `listeners` and `on_resync` may be added at any time; `await close()` there."""

    def __init__(self, nc, store, symbols: Iterable[str], prefix: str = "cooud", group: str = "main", *,
                 books: dict[str, L2Book] | None = None, idle_check_s: float = IDLE_CHECK_S) -> None:
        self._nc, self._js = nc, nc.jetstream()
        self._store = store
        self.symbols = tuple(symbols)
        self._prefix, self._group = prefix, group
        self.stream, self.subject = stream_names(prefix, group)
        self.books: dict[str, L2Book] = {} if books is None else books
        self.listeners: list[Callable[[list[Committed]], None]] = []
        self.on_resync: list[Callable[[], None]] = []
        self.position = 0  # the last sequence applied and delivered
        self.stats = {"live": 0, "stored": 0, "resyncs": 0}
        self._idle_check_s = idle_check_s
        self._inbox: deque[Committed] = deque()
        self._behind = False  # a live message was dropped (queue full): ask the store
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._sub = None
        self._task: asyncio.Task | None = None

    async def start(self, position: int | None = None) -> None:
        """Subscribe, then restore the books from the store (position None) or resume after `position` (the books
        as they were then: a restart of the subscription in the same process)."""
        await ensure_stream(self._js, self._prefix, self._group)  # a worker may start before the engine
        self._sub = await self._js.subscribe(self.subject, stream=self.stream, cb=self._on_message,
                                             ordered_consumer=True, idle_heartbeat=HEARTBEAT_S,
                                             deliver_policy=api.DeliverPolicy.LAST)
        async with self._lock:
            if position is None:
                await self._restore()
            else:
                self.position = position
            await self._guarded(self._catch_up)
        self._task = asyncio.create_task(self._run(), name=f"cooud-bus-events-{self.stream}")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._sub is not None:
            await _quietly(self._sub.unsubscribe())

    async def exclusively_async(self, fn: Callable[[], object]) -> object:
        """Run `fn` on the loop between two applied batches: the books and the listeners' events agree."""
        async with self._lock:
            return fn()

    # -- nats-py's callback ----------------------------------------------------------------------------------------
    async def _on_message(self, msg) -> None:
        try:
            committed = committed_of(msg.data, msg.headers or {})
        except Exception:  # noqa: BLE001 - not ours, or broken: the store has the real record
            log.exception("bus: unreadable event message on %s", msg.subject)
            self._behind = True
        else:
            if len(self._inbox) < QUEUE_MAX:
                self._inbox.append(committed)
            else:
                self._behind = True
        self._wake.set()

    # -- applying, on the loop ---------------------------------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self._idle_check_s)
                idle = False
            except TimeoutError:
                idle = True
            self._wake.clear()
            try:
                async with self._lock:
                    await self._guarded(self._catch_up if idle or self._behind else self._drain)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the store failed: try again at the next wake-up or idle check
                log.exception("bus: applying events after %d failed", self.position)
                self._behind = True
                await asyncio.sleep(RETRY_S)

    async def _guarded(self, step) -> None:
        try:
            await step()
        except (OutboxGap, BookOutOfStep) as exc:
            log.warning("bus: %s; restoring the books from the store", exc)
            await self._restore()
            self.stats["resyncs"] += 1
            for callback in list(self.on_resync):
                try:
                    callback()
                except Exception:
                    log.exception("bus: a resync callback failed")

    async def _restore(self) -> None:
        state = await run_blocking(self._store.book_state)
        restore_books(self.books, self.symbols, state.orders, state.sequences)
        self.position = state.outbox_seq

    async def _catch_up(self) -> None:
        """Deliver what the store holds after the position, then the live messages it did not cover."""
        self._behind = False
        await self._read_store()
        await self._drain()

    async def _read_store(self) -> None:
        while True:
            rows = await run_blocking(stored_after, self._store, self.position)
            self._deliver(rows, "stored")
            if len(rows) < REPLAY_PAGE:
                return

    async def _drain(self) -> None:
        """Deliver the queued live messages in order; a jump in the sequence is filled from the store first."""
        run: list[Committed] = []
        filled_before = 0  # the message whose gap was last filled from the store
        while self._inbox:
            committed = self._inbox.popleft()
            last = run[-1].seq if run else self.position
            if committed.seq <= last:
                continue  # already delivered (read from the store, or sent again)
            if committed.seq > last + 1:
                if filled_before == committed.seq:  # committed before it was published, yet not in the store
                    raise OutboxGap(f"events {last + 1}..{committed.seq - 1} are in neither the stream nor the store")
                self._inbox.appendleft(committed)
                self._deliver(run, "live")
                run, filled_before = [], committed.seq
                await self._read_store()
                continue
            run.append(committed)
            if len(run) >= DELIVER_MAX:
                self._deliver(run, "live")
                run = []
        self._deliver(run, "live")

    def _deliver(self, batch: list[Committed], source: str) -> None:
        if not batch:
            return
        for committed in batch:
            apply_book_changes(self.books, committed)
            self.position = committed.seq
        self.stats[source] += len(batch)
        for listener in list(self.listeners):
            try:
                listener(batch)
            except Exception:
                log.exception("bus: an event listener failed")
