"""Value types of the market-data domain.

Prices and sizes inside are integers: a price is a count of 10^-price_precision quote units, a size a count of
10^-size_precision base units, and a quote amount (price × size) a count of 10^-(price_precision+size_precision)
quote units — so every sum and product is exact. Timestamps are integer milliseconds since the Unix epoch (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from impl.domain.units import precision_of

MARKET_STATUSES = ("trading", "halted")


@dataclass(frozen=True)
class Market:
    symbol: str  # "BTC/USDT"
    base: str
    quote: str
    status: str
    tick_size: Decimal
    step_size: Decimal
    min_size: Decimal
    max_size: Decimal
    min_notional: Decimal
    maker_fee_rate: Decimal
    taker_fee_rate: Decimal

    def __post_init__(self) -> None:
        if self.symbol != f"{self.base}/{self.quote}":
            raise ValueError(f"symbol {self.symbol!r} does not match {self.base}/{self.quote}")
        if self.status not in MARKET_STATUSES:
            raise ValueError(f"unknown market status {self.status!r}")
        for name in ("tick_size", "step_size", "min_size", "max_size"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.min_size > self.max_size:
            raise ValueError("min_size exceeds max_size")

    @cached_property
    def price_precision(self) -> int:
        return precision_of(self.tick_size)

    @cached_property
    def size_precision(self) -> int:
        return precision_of(self.step_size)

    @cached_property
    def quote_precision(self) -> int:
        """Precision of price × size amounts."""
        return self.price_precision + self.size_precision


@dataclass(frozen=True)
class Trade:
    id: str  # trd_<ULID>, time-sortable
    symbol: str
    price: int
    size: int
    taker_side: str  # "buy" | "sell"
    ts_ms: int


@dataclass(frozen=True)
class Candle:
    open_time_ms: int
    open: int
    high: int
    low: int
    close: int
    volume: int  # size units
    quote_volume: int  # quote-amount units
    trades: int


@dataclass(frozen=True)
class Ticker:
    symbol: str
    open: int | None
    high: int | None
    low: int | None
    last: int | None
    volume: int
    quote_volume: int
    best_bid: tuple[int, int] | None  # (price, size)
    best_ask: tuple[int, int] | None
    ts_ms: int


@dataclass(frozen=True)
class BookSnapshot:
    symbol: str
    sequence: int
    bids: list[tuple[int, int]]  # best first
    asks: list[tuple[int, int]]
    ts_ms: int


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None
