"""The ledger's fast path for moves between the buckets of one balance (`reserve`, `release`) is `post` with two
postings: same balances, same entries, same refusals, for any amounts (a property test against `post` itself)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from impl.domain.ledger import DEPOSITS, Journal, LedgerViolation, Posting

amounts = st.integers(min_value=-5, max_value=20)


@given(free=st.integers(0, 15), locked=st.integers(0, 15), amount=amounts, kind=st.sampled_from(["reserve", "release"]),
       account=st.sampled_from(["usr_A", DEPOSITS]))
def test_reserve_and_release_are_post_with_two_postings(free, locked, amount, kind, account):
    fast, slow = Journal(lambda a, b: (free, locked)), Journal(lambda a, b: (free, locked))
    source, target = ("free", "locked") if kind == "reserve" else ("locked", "free")
    outcomes = []
    for act in (lambda: getattr(fast, kind)(account, "BTC", amount, "o", 7),
                lambda: slow.post(kind, "o", 7, [Posting(account, "BTC", source, -amount),
                                                 Posting(account, "BTC", target, amount)])):
        try:
            act()
            outcomes.append("ok")
        except LedgerViolation:
            outcomes.append("refused")
    assert outcomes[0] == outcomes[1]
    assert fast.entries == slow.entries
    assert fast.balance(account, "BTC") == slow.balance(account, "BTC")
    assert fast.changed == slow.changed and fast.touched == slow.touched


def test_a_reserve_beyond_the_free_balance_is_refused_and_changes_nothing():
    journal = Journal(lambda a, b: (10, 0))
    with pytest.raises(LedgerViolation):
        journal.reserve("usr_A", "BTC", 11, "o", 0)
    assert journal.balance("usr_A", "BTC") == (10, 0) and journal.entries == [] and not journal.changed


@given(held=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=4, max_size=4),
       base_amount=amounts, quote_amount=amounts, buyer_fee=st.integers(-2, 8), seller_fee=st.integers(-2, 8),
       seller=st.sampled_from(["usr_B", "usr_A", "sys:fees"]))
def test_settle_fill_is_post_with_its_six_postings(held, base_amount, quote_amount, buyer_fee, seller_fee, seller):
    balances = {("usr_A", "USDT"): held[0], ("usr_A", "BTC"): held[1], (seller, "USDT"): held[2],
                (seller, "BTC"): held[3]}
    fast, slow = (Journal(lambda a, b: balances.get((a, b), (0, 0))) for _ in range(2))
    args = dict(buyer="usr_A", seller=seller, base="BTC", quote="USDT", base_amount=base_amount,
                quote_amount=quote_amount, buyer_fee=buyer_fee, seller_fee=seller_fee, ref="t", ts_ms=7)
    postings = [Posting("usr_A", "USDT", "locked", -quote_amount), Posting(seller, "USDT", "free",
                quote_amount - seller_fee), Posting("sys:fees", "USDT", "free", seller_fee),
                Posting(seller, "BTC", "locked", -base_amount), Posting("usr_A", "BTC", "free",
                base_amount - buyer_fee), Posting("sys:fees", "BTC", "free", buyer_fee)]
    outcomes = []
    for act in (lambda: fast.settle_fill(**args), lambda: slow.post("fill", "t", 7, postings)):
        try:
            act()
            outcomes.append("ok")
        except LedgerViolation:
            outcomes.append("refused")
    assert outcomes[0] == outcomes[1]
    assert fast.entries == slow.entries and fast.changed == slow.changed and fast.touched == slow.touched
    for key in set(balances) | {("sys:fees", "USDT"), ("sys:fees", "BTC")}:
        assert fast.balance(*key) == slow.balance(*key)
