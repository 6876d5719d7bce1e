"""Aggregated (L2) view of a market's resting orders, with a sequence number.

Invariants: every level has a positive size; `sequence` increases by exactly one per change and never
decreases (it is persisted with every change and restored at start-up); bids are returned highest price first,
asks lowest first. The trading service owns the order books (impl/domain/matching.py) and applies their level
changes here; a market that never traded has an empty book at sequence 0.

Threads: the engine applies a committed batch's changes (`apply`, `restore`) under the book's lock and readers
take their `snapshot` and `best` under it too, so a snapshot's sequence always matches its levels.
"""

from __future__ import annotations

import threading

from impl.domain.model import BookSnapshot


class L2Book:
    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self.sequence = 0
        self._bids: dict[int, int] = {}
        self._asks: dict[int, int] = {}
        self._lock = threading.Lock()

    def set_level(self, side: str, price: int, size: int) -> int:
        """Set the total size at a price (0 removes the level); returns the new sequence."""
        if size < 0 or price <= 0:
            raise ValueError("price must be positive and size non-negative")
        levels = self._bids if side == "buy" else self._asks
        if size == 0:
            levels.pop(price, None)
        else:
            levels[price] = size
        self.sequence += 1
        return self.sequence

    def apply(self, levels) -> None:
        """Set several levels (side, price, size) at once, as one step for readers."""
        with self._lock:
            for side, price, size in levels:
                self.set_level(side, price, size)

    def restore(self, bids: list[tuple[int, int]], asks: list[tuple[int, int]], sequence: int) -> None:
        """Replace the levels and the sequence at once (start-up rebuild); not a change, so no new sequence."""
        with self._lock:
            self._bids, self._asks, self.sequence = dict(bids), dict(asks), sequence

    def best(self, side: str) -> tuple[int, int] | None:
        with self._lock:
            levels = self._bids if side == "buy" else self._asks
            if not levels:
                return None
            price = max(levels) if side == "buy" else min(levels)
            return price, levels[price]

    def snapshot(self, depth: int, ts_ms: int) -> BookSnapshot:
        with self._lock:
            bids = sorted(self._bids.items(), reverse=True)[:depth]
            asks = sorted(self._asks.items())[:depth]
            return BookSnapshot(self.symbol, self.sequence, bids, asks, ts_ms)
