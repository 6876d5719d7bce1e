"""Candle intervals and the fold of trades into OHLCV candles.

Candles are aligned to the Unix epoch in UTC (a 1h candle opens on the hour). Invariant of `apply_trade`:
trades must be applied in trade order; `open` is the first trade's price, `close` the last's, `high`/`low`
the extremes, and volumes are exact integer sums.
"""

from __future__ import annotations

from impl.domain.model import Candle

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
