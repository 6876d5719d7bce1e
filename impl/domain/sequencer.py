"""The single writer: one thread applies commands to the engine in arrival order and group-commits them.

Callers from any thread `submit` a command (a `concurrent.futures.Future` comes back) or, on an event loop,
`submit_async` it (an asyncio future of that loop). The engine thread takes whatever has queued — everything that
arrived while it was busy (the previous batch's commit included), up to `max_batch` — applies it command by command
(impl/domain/engine.py), writes the batch in one store transaction with one fsync (`transaction()` +
`write_trading(batch)`) and only then:
1. makes the batch visible to readers (the L2 views REST reads; balances, orders and fills are read from the store),
2. hands the batch's events, in sequence order, to the `listeners` (the stream's publisher; later the bus),
3. answers every command of the batch; answers for one event loop go in one wake-up of that loop.
So nobody is answered before the commit that holds their effect, and events reach listeners in commit order and
before the answers they belong to. (Committing batch k in a second thread while k+1 is applied was measured and
lost: the GIL hand-offs of sqlite3's per-row calls cost more than the overlap gained; docs/BENCHMARKS.md.)

Failures: a refused command (DomainError) is answered with its error and changes nothing. A command that fails
mid-way (`Poisoned`) is answered with its error; the batch is dropped, the engine reloads from the store and runs
the batch's other commands again without it (none of them had been answered). A failed commit answers every
command of the batch with the failure and reloads the engine from the store: nothing of the batch happened.

Queries (impl/domain/commands.py `Preview`, `Inspect`) run in the engine thread between two batches, once
everything before them is committed and published: they see exactly the committed state, and nothing is published
while they run.

The outbox keeps the last `outbox_retention` rows; older ones are deleted with the batch that crosses each
`PRUNE_EVERY` sequence numbers.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from impl.domain.commands import Inspect, Preview
from impl.domain.engine import Engine, Poisoned
from impl.domain.errors import DomainError
from impl.domain.events import Committed

log = logging.getLogger("cooud.engine")
_STOP = object()
PRUNE_EVERY = 10_000


class Sequencer:
    def __init__(self, engine: Engine, store, *, max_batch: int = 4096, outbox_retention: int = 100_000) -> None:
        self.engine = engine
        self._store = store
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self.max_batch = max_batch
        self.outbox_retention = outbox_retention
        self.listeners: list[Callable[[list[Committed]], None]] = []
        self.stats = {"batches": 0, "commands": 0, "commit_s": 0.0, "largest_batch": 0}
        self._thread = threading.Thread(target=self._run, name="cooud-engine", daemon=True)
        self._thread.start()

    # -- from any thread -----------------------------------------------------------------------------------------
    def submit(self, command) -> Future:
        """Queue a command or query; the future resolves after the commit that holds its effect."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("the engine cannot wait for itself (use a Reaction)")
        future: Future = Future()
        self._queue.put((command, future))
        return future

    def call(self, command):
        """submit() and wait: the result, or the refusal raised."""
        return self.submit(command).result()

    def submit_async(self, command) -> asyncio.Future:
        """Queue a command from a running event loop; await the returned future."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put((command, (loop, future)))
        return future

    def close(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            self._queue.put((_STOP, None))
            self._thread.join(timeout)

    # -- the engine thread ---------------------------------------------------------------------------------------
    def _run(self) -> None:
        q, items = self._queue, []
        while True:
            items.append(q.get())
            while len(items) < self.max_batch:
                try:
                    items.append(q.get_nowait())
                except queue.Empty:
                    break
            start = 0
            for i, (command, waiter) in enumerate(items):
                if command is _STOP:
                    self._commands(items[start:i])
                    for _, left in items[i + 1:]:
                        _answer_one(left, False, RuntimeError("the engine has stopped"))
                    return
                if isinstance(command, (Preview, Inspect)):
                    self._commands(items[start:i])
                    self._query(command, waiter)
                    start = i + 1
            self._commands(items[start:])
            items = []

    def _query(self, query, waiter) -> None:
        try:
            value = self.engine.preview(query) if isinstance(query, Preview) else query.fn(self.engine)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            _answer_one(waiter, False, exc)
        else:
            _answer_one(waiter, True, value)

    def _commands(self, items: list) -> None:
        while items:
            items = self._batch(items)

    def _batch(self, items: list) -> list:
        """Apply and commit `items`; returns the items still to run when one of them poisoned the batch."""
        engine = self.engine
        batch = engine.begin()
        answers = []
        for i, (command, waiter) in enumerate(items):
            try:
                answers.append((waiter, True, engine.execute(batch, command)))
            except DomainError as refusal:
                answers.append((waiter, False, refusal))
            except Poisoned as poisoned:
                log.error("engine: %s failed; batch dropped and re-run without it", type(command).__name__,
                          exc_info=poisoned.cause)
                _answer_one(waiter, False, poisoned.cause)
                engine.load()
                return items[:i] + items[i + 1:]
        engine.applied(batch)
        self._prune_outbox(batch)
        self._commit(batch, answers)
        return []

    def _commit(self, batch, answers: list) -> None:
        if not batch.empty:
            started = time.perf_counter()
            try:
                with self._store.transaction():
                    self._store.write_trading(batch)
            except BaseException as exc:  # noqa: BLE001 - every caller gets it; nothing of the batch happened
                log.exception("engine: commit of %d commands failed", len(answers))
                self.engine.load()
                _answer_all([(waiter, False, exc) for waiter, _, _ in answers])
                return
            self._count(len(answers), time.perf_counter() - started)
            self.engine.committed(batch)
            for listener in self.listeners if batch.outbox else ():
                try:
                    listener(batch.outbox)
                except Exception:
                    log.exception("engine: an event listener failed")
        _answer_all(answers)

    def _prune_outbox(self, batch) -> None:
        first = batch.outbox[0].seq if batch.outbox else None
        if first is not None and (first - 1) // PRUNE_EVERY != batch.outbox[-1].seq // PRUNE_EVERY:
            batch.prune_outbox_through = batch.outbox[-1].seq - self.outbox_retention

    def _count(self, commands: int, seconds: float) -> None:
        s = self.stats
        s["batches"] += 1
        s["commands"] += commands
        s["commit_s"] += seconds
        s["largest_batch"] = max(s["largest_batch"], commands)


def _answer_one(waiter, ok: bool, value) -> None:
    _answer_all([(waiter, ok, value)])


def _answer_all(answers: list) -> None:
    by_loop: dict = {}
    for waiter, ok, value in answers:
        if isinstance(waiter, Future):
            if ok:
                waiter.set_result(value)
            else:
                waiter.set_exception(value)
        else:
            by_loop.setdefault(waiter[0], []).append((waiter[1], ok, value))
    for loop, items in by_loop.items():
        try:
            loop.call_soon_threadsafe(_resolve, items)
        except RuntimeError:  # that loop has closed: nobody is waiting any more
            pass


def _resolve(items: list) -> None:
    for future, ok, value in items:
        if future.done():
            continue
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)
