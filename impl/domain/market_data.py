"""Public market data: markets and their rules, tickers, L2 snapshots, trades and candles.

Reads only; nothing here is fabricated — a market with no trades has no candles, a null last price and an
empty ticker window. The 24-hour ticker is computed from 1-minute candles, so its window is rolling with
one-minute resolution (the current minute plus the previous 1439).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from datetime import datetime

from impl.domain.book import L2Book
from impl.domain.candles import INTERVAL_MS, bucket
from impl.domain.errors import InvalidArgument, MarketNotFound
from impl.domain.model import BookSnapshot, Candle, Market, Page, Ticker
from impl.domain.ports import MarketStore

_TRADE_ID = re.compile(r"^trd_[0-9A-HJKMNP-TV-Z]{26}$")
_DAY_MS = 86_400_000


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def page_of(rows: list, limit: int) -> Page:
    """A page from rows fetched with `limit + 1`: the first `limit`, and a cursor after the last when more exist."""
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id) if more else None)


def decode_cursor(cursor: str, pattern: re.Pattern = _TRADE_ID) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    if not pattern.match(raw):
        raise InvalidArgument("Unknown cursor; pass a next_cursor returned by the server.", field="cursor")
    return raw


def parse_timestamp(value: str, field: str) -> int:
    """RFC 3339 UTC string -> epoch milliseconds; impossible dates are an InvalidArgument, not a crash."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidArgument(f"{value!r} is not a valid RFC 3339 timestamp.", field=field) from None
    if moment.utcoffset() is None or moment.utcoffset().total_seconds() != 0:
        raise InvalidArgument(f"{value!r} must be in UTC (suffix Z).", field=field)
    return int(moment.timestamp() * 1000)


class MarketData:
    def __init__(self, store: MarketStore, books: dict[str, L2Book], now_ms: Callable[[], int]) -> None:
        self._store = store
        self._books = books
        self._now_ms = now_ms
        self._markets = {m.symbol: m for m in store.list_markets()}

    def markets(self) -> list[Market]:
        return list(self._markets.values())

    def market(self, symbol: str) -> Market:
        try:
            return self._markets[symbol]
        except KeyError:
            raise MarketNotFound(symbol) from None

    def book(self, symbol: str) -> L2Book:
        self.market(symbol)
        return self._books.setdefault(symbol, L2Book(symbol))

    def orderbook(self, symbol: str, depth: int) -> BookSnapshot:
        return self.book(symbol).snapshot(depth, self._now_ms())

    def ticker(self, symbol: str) -> Ticker:
        book = self.book(symbol)
        now = self._now_ms()
        window_start = bucket(now, "1m") - _DAY_MS + INTERVAL_MS["1m"]
        minutes = self._store.candles(symbol, "1m", window_start, None, 1440)
        if minutes:
            first, last = minutes[0], minutes[-1]
            stats = dict(
                open=first.open,
                high=max(c.high for c in minutes),
                low=min(c.low for c in minutes),
                last=last.close,
                volume=sum(c.volume for c in minutes),
                quote_volume=sum(c.quote_volume for c in minutes),
            )
        else:
            stats = dict(open=None, high=None, low=None, last=None, volume=0, quote_volume=0)
        return Ticker(symbol=symbol, best_bid=book.best("buy"), best_ask=book.best("sell"), ts_ms=now, **stats)

    def trades(self, symbol: str, limit: int, cursor: str | None) -> Page:
        self.market(symbol)
        before = decode_cursor(cursor) if cursor else None
        return page_of(self._store.list_trades(symbol, limit + 1, before), limit)

    def candles(
        self, symbol: str, interval: str, start: str | None, end: str | None, limit: int
    ) -> list[Candle]:
        self.market(symbol)
        if interval not in INTERVAL_MS:
            raise InvalidArgument(f"Unknown interval {interval!r}.", field="interval")
        start_ms = parse_timestamp(start, "start") if start else None
        end_ms = parse_timestamp(end, "end") if end else None
        if start_ms is not None and end_ms is not None and start_ms >= end_ms:
            return []  # an empty window, not an error: [start, end) holds nothing
        return self._store.candles(symbol, interval, start_ms, end_ms, limit)
