"""A consumer's view of the engine's events: everything after a sequence number, once each and in order.

The engine writes each command's events to the outbox in the same transaction as its effect and hands them to
in-process listeners after the commit (impl/domain/sequencer.py). A consumer that was away — reconnected, or
started after a restart — remembers the last sequence it handled and opens a `Feed` after it: the feed first
replays the stored rows after that sequence (`store.outbox_after`), then continues with live batches, skipping
whatever the replay already covered. So no event is lost between the replay and the live stream, and none is
delivered twice; a gap (rows pruned past the consumer's position) raises `OutboxGap` instead of being skipped.

The same rules serve consumers in other processes (impl/bus/events.py, fed by the NATS stream instead of the
engine's listeners): `stored_after` is one page of the replay, gap-checked; a consumer delivers `seq` only once
everything up to `seq - 1` was delivered, and skips what it has already delivered.

`deliver` is called with one `Committed` at a time: from the opening thread during the replay, then from the
engine's thread. It must not block (it delays the engine's answers) and must not raise.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from impl.domain.events import Committed

REPLAY_PAGE = 1000


class OutboxGap(Exception):
    """The consumer's position is older than the oldest row still kept: it must resynchronise from a snapshot."""


def stored_after(store, after: int, limit: int = REPLAY_PAGE) -> list[Committed]:
    """The stored rows after `after` (at most `limit`, oldest first); OutboxGap when they do not continue from it
    (the rows right after `after` were pruned)."""
    rows = store.outbox_after(after, limit)
    if rows and rows[0].seq != after + 1:
        raise OutboxGap(f"events {after + 1}..{rows[0].seq - 1} are no longer kept")
    return rows


class Feed:
    def __init__(self, trading, store, after: int, deliver: Callable[[Committed], None]) -> None:
        self._trading, self._deliver = trading, deliver
        self._lock = threading.Lock()
        self._buffer: list[Committed] | None = []  # live batches that arrive while the replay runs
        self.last = after
        trading.listeners.append(self._live)
        try:
            self._replay(store)
        finally:
            with self._lock:
                buffered, self._buffer = self._buffer, None
                for committed in buffered or ():
                    self._hand(committed)

    def close(self) -> None:
        if self._live in self._trading.listeners:
            self._trading.listeners.remove(self._live)

    def _replay(self, store) -> None:
        while True:
            rows = stored_after(store, self.last)
            with self._lock:
                for committed in rows:
                    self._hand(committed)
            if len(rows) < REPLAY_PAGE:
                return

    def _live(self, batch: list[Committed]) -> None:
        with self._lock:
            if self._buffer is not None:
                self._buffer.extend(batch)
                return
            for committed in batch:
                self._hand(committed)

    def _hand(self, committed: Committed) -> None:
        if committed.seq <= self.last:
            return  # already replayed from the store
        self._deliver(committed)
        self.last = committed.seq
