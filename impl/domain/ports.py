"""The store interface the domain needs, as a Protocol; `impl.store` provides implementations.

Later capabilities (accounts, orders, ledger) extend this interface rather than reaching for a database
directly, so the domain stays testable with any conforming store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from impl.domain.model import Candle, Market, Trade


class MarketStore(Protocol):
    def list_markets(self) -> list[Market]: ...

    def list_trades(self, symbol: str, limit: int, before_id: str | None) -> list[Trade]:
        """Trades of `symbol` newest first, strictly older than `before_id` when given."""
        ...

    def get_trade(self, trade_id: str) -> Trade | None: ...

    def candles(self, symbol: str, interval: str, start_ms: int | None, end_ms: int | None, limit: int) -> list[Candle]:
        """The newest `limit` candles with start_ms <= open_time < end_ms, returned oldest first."""
        ...

    def record_trades(self, trades: Sequence[Trade]) -> None:
        """Persist trades (in order) and fold them into the candles of every interval, atomically."""
        ...
