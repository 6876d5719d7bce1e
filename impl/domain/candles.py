"""Candle intervals and the fold of trades into OHLCV candles.

Candles are aligned to the Unix epoch in UTC (a 1h candle opens on the hour). Invariant of `apply_trade`:
trades must be applied in trade order; `open` is the first trade's price, `close` the last's, `high`/`low`
the extremes, and volumes are exact integer sums.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from impl.domain.model import Candle, Trade

INTERVAL_MS = {
    "1m": 60_000,
    "5m": 300_000,
    "15m": 900_000,
    "1h": 3_600_000,
    "4h": 14_400_000,
    "1d": 86_400_000,
}


def bucket(ts_ms: int, interval: str) -> int:
    width = INTERVAL_MS[interval]
    return ts_ms - ts_ms % width


def apply_trade(candle: Candle | None, open_time_ms: int, price: int, size: int) -> Candle:
    if candle is None:
        return Candle(open_time_ms, price, price, price, price, size, price * size, 1)
    if candle.open_time_ms != open_time_ms:
        raise ValueError("trade does not belong to this candle")
    return Candle(
        open_time_ms,
        candle.open,
        max(candle.high, price),
        min(candle.low, price),
        price,
        candle.volume + size,
        candle.quote_volume + price * size,
        candle.trades + 1,
    )


def fold_trades(trades: Iterable[Trade], stored: Callable[[str, str, int], Candle | None]
                ) -> dict[tuple[str, str, int], Candle]:
    """Every candle (symbol, interval, open time) that `trades` (in trade order) touch, after them: `apply_trade`
    for a whole batch at once, reading each touched candle from `stored` once (the engine commits hundreds of trades
    per batch, mostly into the same few candles)."""
    folded: dict[tuple[str, str, int], list] = {}  # [open, high, low, close, volume, quote volume, trades]
    for t in trades:
        quote = t.price * t.size
        for interval, width in INTERVAL_MS.items():
            key = (t.symbol, interval, t.ts_ms - t.ts_ms % width)
            c = folded.get(key)
            if c is None:
                before = stored(*key)
                c = folded[key] = [t.price, t.price, t.price, t.price, 0, 0, 0] if before is None else [
                    before.open, before.high, before.low, before.close, before.volume, before.quote_volume,
                    before.trades]
            if t.price > c[1]:
                c[1] = t.price
            elif t.price < c[2]:
                c[2] = t.price
            c[3] = t.price
            c[4] += t.size
            c[5] += quote
            c[6] += 1
    return {key: Candle(key[2], *c) for key, c in folded.items()}
