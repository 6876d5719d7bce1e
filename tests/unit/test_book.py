"""The L2 view: sequence moves by one per change, levels sorted best first, empty levels disappear."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from impl.domain.book import L2Book

changes = st.lists(st.tuples(st.sampled_from(["buy", "sell"]), st.integers(1, 50), st.integers(0, 5)), max_size=80)


@given(changes=changes, depth=st.integers(1, 60))
def test_snapshot_invariants(changes, depth):
    book = L2Book("BTC/USDT")
    expected = {"buy": {}, "sell": {}}
    for i, (side, price, size) in enumerate(changes, start=1):
        assert book.set_level(side, price, size) == i
        if size:
            expected[side][price] = size
        else:
            expected[side].pop(price, None)
    snap = book.snapshot(depth, 0)
    assert snap.sequence == len(changes)
    assert snap.bids == sorted(expected["buy"].items(), reverse=True)[:depth]
    assert snap.asks == sorted(expected["sell"].items())[:depth]
    assert all(size > 0 for _, size in snap.bids + snap.asks)
