"""The in-process store: one `OrderedDict` in least-recently-used order behind a `threading.Lock`.

Memory is bounded two ways, both O(1) per call:
- a clock sweep: every `acquire` also inspects the `sweep` entries at the front (least recently used); one that
  has been dead for `ttl_slack_ms` (its TAT, rejection window and cool-off all in the past, i.e. equivalent to an
  absent key) is dropped, any other moves to the back. A dead entry is thus found within about `len / sweep` calls.
  The slack (default 10 s, as `RedisStore`'s) keeps a just-dead entry for a caller whose clock steps back a little;
  an entry that dies on the caller's own write is dropped at once, as `RedisStore` deletes it. Reads follow the same
  rule as a Redis key's `PEXPIRE`: an entry is read as absent only once dead for `ttl_slack_ms`, whether or not the
  sweep has reached it yet; before that its stored state is used (read as `EMPTY`, a just-dead entry that is then
  rejected would be written back with TAT 0: a refused request would refund the debt that a caller whose clock
  steps back within the slack still has to see);
- a hard cap, `max_keys` (default 1,000,000, roughly 200 MB): inserting a key beyond it evicts the entry at the
  front (neither used nor inspected by the sweep for longest) even if it is live, which forgets that bucket's usage
  (it starts full again, its cool-off is lifted: fail-open for the client idle longest). Size it above the number
  of keys active within one period or in a cool-off.
Per-process only: with several worker processes each has its own budget; use `RedisStore` to share one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from .model import EMPTY, Decision, Rule, State, check_request, decide, expiry


class MemoryStore:
    blocking = False  # an O(1) update under a lock held for nothing else: called on the event loop

    def __init__(self, max_keys: int = 1_000_000, sweep: int = 2, ttl_slack_ms: int = 10_000) -> None:
        if max_keys < 1 or sweep < 0 or ttl_slack_ms < 0:
            raise ValueError("max_keys must be >= 1, sweep >= 0 and ttl_slack_ms >= 0")
        self.max_keys = max_keys
        self.sweep = sweep
        self.ttl_slack_ms = ttl_slack_ms
        self._lock = threading.Lock()
        # key -> (state, epoch ms from which the state is equivalent to an absent key)
        self._entries: OrderedDict[str, tuple[State, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def acquire(self, buckets: Sequence[tuple[str, Rule]], weight: int, now_ms: int) -> Decision:
        check_request(buckets, weight, now_ms)
        entries = self._entries
        # An entry is read as absent only once it has been dead for the slack, as a Redis key whose PEXPIRE has run
        # out: until then its state is read as stored (equivalent to absent at `now_ms`, but a rejection writes its
        # TAT back unchanged, and a caller whose clock steps back within the slack still sees that debt).
        gone = now_ms - self.ttl_slack_ms
        with self._lock:
            states = []
            for key, _rule in buckets:
                entry = entries.get(key)
                states.append(EMPTY if entry is None or entry[1] <= gone else entry[0])
            decision, writes = decide(buckets, states, weight, now_ms)
            for (key, rule), state in zip(buckets, writes, strict=True):
                if state is None:
                    if key in entries:
                        entries.move_to_end(key)
                    continue
                until = expiry(state, rule)
                if until <= now_ms:
                    entries.pop(key, None)
                    continue
                entries[key] = (state, until)
                entries.move_to_end(key)
            self._evict(now_ms)
        return decision

    def _evict(self, now_ms: int) -> None:
        entries = self._entries
        keep_after = now_ms - self.ttl_slack_ms
        for _ in range(min(self.sweep, len(entries))):
            key, entry = entries.popitem(last=False)
            if entry[1] > keep_after:
                entries[key] = entry
        while len(entries) > self.max_keys:
            entries.popitem(last=False)
