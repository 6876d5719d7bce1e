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
