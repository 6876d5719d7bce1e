"""Folding trades into candles agrees with a direct computation, for every interval."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from impl.domain.candles import INTERVAL_MS, apply_trade, bucket

trades = st.lists(
    st.tuples(st.integers(0, 10**9), st.integers(1, 10**6), st.integers(1, 10**6)), min_size=1, max_size=60
).map(lambda ts: sorted(ts, key=lambda t: t[0]))


@given(trades=trades, interval=st.sampled_from(sorted(INTERVAL_MS)))
def test_fold_matches_direct_aggregation(trades, interval):
    candles = {}
    for ts, price, size in trades:
        open_time = bucket(ts, interval)
        candles[open_time] = apply_trade(candles.get(open_time), open_time, price, size)
    for open_time, candle in candles.items():
        inside = [t for t in trades if bucket(t[0], interval) == open_time]
        assert open_time % INTERVAL_MS[interval] == 0
        assert candle.open == inside[0][1] and candle.close == inside[-1][1]
        assert candle.high == max(p for _, p, _ in inside) and candle.low == min(p for _, p, _ in inside)
        assert candle.volume == sum(s for _, _, s in inside)
        assert candle.quote_volume == sum(p * s for _, p, s in inside)
        assert candle.trades == len(inside)
    assert sum(c.trades for c in candles.values()) == len(trades)
