"""The store contract: the behaviour every implementation of the ports in `impl.domain.ports` (MarketStore,
IdentityStore, IdempotencyStore, TradingStore, OutboxStore) must show, whatever holds the data. Tests call only
the ports' methods — and, for the trading ports, the engine (impl/domain/engine.py, trading.py), which is what
writes and rebuilds from them: a store passes when the engine over it keeps every ledger and book invariant,
rebuilds exactly what it had after a restart, and its outbox replays to exactly the state it stores.

To run it against an implementation, a test module star-imports this one and defines the fixture `make_store`
(module-scoped): a no-argument factory returning a fresh, empty, migrated store. tests/unit/test_store_contract.py
runs it for SQLite and the in-memory store; a PostgreSQL store adds one factory there (or its own module).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import fields, replace
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from impl import demo
from impl.domain.book import apply_book_changes, restore_books
from impl.domain.candles import INTERVAL_MS, apply_trade, bucket
from impl.domain.commands import CancelOrder, Deposit, PlaceOrder, decode_result
from impl.domain.conditional import LIMIT_KINDS, ConditionalOrder, direction
from impl.domain.engine import Batch, Engine
from impl.domain.errors import InvalidArgument, OrderNotFound, OrderRejected
from impl.domain.events import (
    BalanceChanged,
    Committed,
    ConditionalUpdated,
    FillMade,
    OrderListUpdated,
    OrderUpdated,
    TradeMade,
)
from impl.domain.identity_model import ApiKey, Session, User
from impl.domain.ledger import Entry, Journal, Posting
from impl.domain.model import Candle, Trade
from impl.domain.order_lists import LIST_STATUSES, Leg, OrderList
from impl.domain.orders import NewOrder, OrderState
from impl.domain.ports import AlreadyExists
from impl.domain.trading import Trading
from impl.ids import new_id

T0 = 1_779_105_851_842
DAY = 86_400_000
FEW = settings(max_examples=25, deadline=None)


@pytest.fixture
def store(make_store):
    with contextlib.closing(make_store()) as s:
        yield s


def fresh(make_store):
    """A fresh store for one hypothesis example (function-scoped fixtures are shared across examples)."""
    return contextlib.closing(make_store())


def add_user(store, n: int = 1, *, email: str | None = "", wallet: str | None = None) -> User:
    user = User(f"usr_{n:026d}", f"u{n}@example.com" if email == "" else email, "hash", wallet, None, None, None,
                "required", 0, T0)
    store.add_user(user)
    return user


def add_session(store, user: User, n: int = 1, cookie_hash: str | None = None) -> Session:
    session = Session(f"ses_{n:026d}", user.id, "password", "203.0.113.0/24", T0, T0 + 30 * DAY, None)
    store.add_session(session, cookie_hash)
    return session


def new_key(user: User, n: int, **changes) -> ApiKey:
    fields = dict(id=f"key_{n:026d}", user_id=user.id, label=f"k{n}", scopes=("read", "trade"),
                  ip_allowlist=("203.0.113.0/24",), status="enabled", generation=1, created_at_ms=T0,
                  expires_at_ms=T0 + 90 * DAY, rotated_at_ms=None)
    return ApiKey(**{**fields, **changes})


def trade(n: int, ts_ms: int = T0, symbol: str = "BTC/USDT", price: int = 6_150_000, size: int = 1_000) -> Trade:
    return Trade(f"trd_{n:026d}", symbol, price, size, "buy" if n % 2 else "sell", ts_ms)


def listed(store):
    store.add_assets(demo.ASSETS)
    store.add_markets(demo.MARKETS)
    return store


def concurrently(n: int, claim: Callable[[int], object]) -> list:
    """Run claim(0..n-1) on n threads released together; their results, in thread order."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i: int) -> None:
        barrier.wait()
        results[i] = claim(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# -- users ---------------------------------------------------------------------------------------------------
def test_users_are_found_by_id_email_and_wallet(store):
    by_email = add_user(store, 1)
    by_wallet = add_user(store, 2, email=None, wallet="0xAbC0000000000000000000000000000000000001")
    add_user(store, 3, email=None, wallet="0xAbC0000000000000000000000000000000000002")  # many users without email
    assert store.user_by("id", by_email.id) == by_email
    assert store.user_by("email", "u1@example.com") == by_email
    assert store.user_by("wallet_address", by_wallet.wallet_address) == by_wallet
    assert store.user_by("email", "U1@example.com") is None  # exact match
    assert store.user_by("id", "usr_nobody") is None


def test_users_are_unique_by_id_email_and_wallet(store):
    first = add_user(store, 1, wallet="0xAbC0000000000000000000000000000000000001")
    clashes = (dict(n=1, email="other@example.com"), dict(n=2, email=first.email),
               dict(n=3, email=None, wallet=first.wallet_address))
    for clash in clashes:
        with pytest.raises(AlreadyExists):
            add_user(store, **clash)
    assert store.user_by("id", f"usr_{2:026d}") is None and store.user_by("id", f"usr_{3:026d}") is None
    assert store.user_by("id", first.id) == first


def test_user_updates_and_the_totp_step_only_moves_forward(store):
    user = add_user(store)
    store.update_user(user.id, totp_pending="sealed", invite_status="not_required")
    assert (store.user_by("id", user.id).totp_pending, store.user_by("id", user.id).invite_status) == \
        ("sealed", "not_required")
    assert store.advance_totp_step(user.id, 100)
    assert not store.advance_totp_step(user.id, 100)  # a replayed step
    assert not store.advance_totp_step(user.id, 99)
    assert store.advance_totp_step(user.id, 101)
    assert store.user_by("id", user.id).totp_last_step == 101


# -- sessions and refresh tokens --------------------------------------------------------------------------------
def test_sessions_are_found_by_id_and_cookie_and_revoked_once(store):
    user = add_user(store)
    plain, cookie = add_session(store, user, 1), add_session(store, user, 2, cookie_hash="c" * 64)
    assert store.session(plain.id) == plain
    assert store.session_by_cookie("c" * 64) == cookie
    assert store.session_by_cookie("d" * 64) is None and store.session("ses_nope") is None
    store.revoke_session(plain.id, T0 + 5)
    store.revoke_session(plain.id, T0 + 9)  # revoking again keeps the first time
    assert store.session(plain.id).revoked_at_ms == T0 + 5
    assert store.session(cookie.id).revoked_at_ms is None


def test_a_refresh_token_rotates_once_then_reports_reuse_until_it_expires(store):
    session = add_session(store, add_user(store))
    store.add_refresh_token("r" * 64, session.id, T0, T0 + 1000)
    assert store.rotate_refresh_token("x" * 64, T0) is None
    rotated = store.rotate_refresh_token("r" * 64, T0 + 1)
    assert (rotated.session_id, rotated.outcome) == (session.id, "rotated")
    assert tuple(store.rotate_refresh_token("r" * 64, T0 + 2)) == (session.id, "reused")
    assert store.rotate_refresh_token("r" * 64, T0 + 1000) is None  # expired
    store.add_refresh_token("s" * 64, session.id, T0, T0 + 1000)
    assert store.rotate_refresh_token("s" * 64, T0 + 1000) is None


def test_purging_removes_dead_identity_rows_and_keeps_live_ones(store):
    alice, bob = add_user(store, 1), add_user(store, 2)
    now = T0 + 10 * DAY
    expired = "ses_expired"
    store.add_session(Session(expired, alice.id, "wallet", "203.0.113.0/24", T0, now, None), "c" * 64)
    revoked = add_session(store, alice, 2)
    store.revoke_session(revoked.id, T0 + 1)
    live = add_session(store, alice, 3, cookie_hash="d" * 64)
    other = add_session(store, bob, 4)
    store.add_refresh_token("t-expired-session", expired, T0, now)
    store.add_refresh_token("t-revoked-session", revoked.id, T0, now + DAY)  # unexpired, but its session is dead
    store.add_refresh_token("t-expired", live.id, T0, now)  # expired at `now` (expires_at_ms <= now_ms)
    store.add_refresh_token("t-rotated-live", live.id, T0, now + DAY)  # kept: reuse detection still needs it
    assert store.rotate_refresh_token("t-rotated-live", T0 + 1).outcome == "rotated"
    store.add_refresh_token("t-live", other.id, T0, now + 1)
    store.add_nonce("n-expired", now)
    store.add_nonce("n-live", now + 1)
    store.add_listen_key("lk-expired", alice.id, T0, now, 10)
    store.add_listen_key("lk-live", alice.id, T0, now + 1, 10)

    purged = store.purge_expired_identity(now)
    assert tuple(purged) == (2, 3, 1, 1)
    assert (purged.sessions, purged.refresh_tokens, purged.nonces, purged.listen_keys) == (2, 3, 1, 1)
    assert store.session(expired) is None and store.session(revoked.id) is None
    assert store.session_by_cookie("c" * 64) is None
    assert store.session(live.id) == live and store.session_by_cookie("d" * 64) == live
    assert store.session(other.id) == other
    for gone in ("t-expired-session", "t-revoked-session", "t-expired"):
        assert store.rotate_refresh_token(gone, T0) is None  # unknown now, even at a time it was alive
    assert store.rotate_refresh_token("t-rotated-live", now).outcome == "reused"
    assert store.rotate_refresh_token("t-live", now).outcome == "rotated"
    assert not store.consume_nonce("n-expired", T0)  # unknown now, even at a time it was alive
    assert store.consume_nonce("n-live", now)
    assert store.listen_key("lk-expired", T0) is None
    assert store.listen_key("lk-live", now).user_id == alice.id
    assert tuple(store.purge_expired_identity(now)) == (0, 0, 0, 0)  # nothing left to purge
    store.add_session(Session(expired, alice.id, "wallet", "203.0.113.0/24", T0, now + DAY, None), "c" * 64)  # id free


# -- nonces and invites ---------------------------------------------------------------------------------------
def test_a_nonce_is_consumed_once_and_never_after_it_expires(store):
    store.add_nonce("n1", T0 + 300_000)
    store.add_nonce("n2", T0 + 300_000)
    assert not store.consume_nonce("unknown", T0)
    assert store.consume_nonce("n1", T0)
    assert not store.consume_nonce("n1", T0 + 1)
    assert not store.consume_nonce("n2", T0 + 300_000)  # expired


def test_an_invite_is_redeemed_once_and_marks_its_user(store):
    first, second = add_user(store, 1), add_user(store, 2)
    store.add_invite("INV-1", T0)
    assert not store.redeem_invite("INV-unknown", first.id, T0)
    assert store.redeem_invite("INV-1", first.id, T0)
    assert not store.redeem_invite("INV-1", second.id, T0)
    assert store.user_by("id", first.id).invite_status == "redeemed"
    assert store.user_by("id", second.id).invite_status == "required"


# -- sign-in attempts -------------------------------------------------------------------------------------------
def test_login_attempts_count_within_a_window_and_clear(store):
    assert store.count_login_attempt("a", T0, 900_000) == (1, T0 + 900_000)
    assert store.count_login_attempt("a", T0 + 10, 900_000) == (2, T0 + 900_000)  # same window
    assert store.count_login_attempt("b", T0 + 10, 900_000) == (1, T0 + 900_010)  # subjects are separate
    assert store.count_login_attempt("a", T0 + 899_999, 900_000) == (3, T0 + 900_000)
    assert store.count_login_attempt("a", T0 + 900_000, 900_000) == (1, T0 + 1_800_000)  # the window ended
    store.clear_login_attempts("a")
    store.clear_login_attempts("unknown")
    assert store.count_login_attempt("a", T0 + 900_001, 900_000) == (1, T0 + 1_800_001)
    assert store.count_login_attempt("b", T0 + 900_001, 900_000) == (2, T0 + 900_010)


@FEW
@given(n=st.integers(min_value=2, max_value=8))
def test_concurrent_login_attempts_are_each_counted_once(make_store, n):
    with fresh(make_store) as store:
        counts = concurrently(n, lambda i: store.count_login_attempt("s", T0, 900_000).attempts)
        assert sorted(counts) == list(range(1, n + 1))


CLAIMS = {
    "nonce": (lambda s, users: s.add_nonce("n", T0 + 1000), lambda s, users, i: s.consume_nonce("n", T0), True),
    "invite": (lambda s, users: s.add_invite("INV", T0),
               lambda s, users, i: s.redeem_invite("INV", users[i].id, T0), True),
    "refresh": (lambda s, users: s.add_refresh_token("r", add_session(s, users[0]).id, T0, T0 + 1000),
                lambda s, users, i: s.rotate_refresh_token("r", T0).outcome, "rotated"),
    "idempotency": (lambda s, users: None,
                    lambda s, users, i: s.reserve_idempotency_key("usr_A", "k", f"fp{i}", T0, DAY) is None, True),
}


@pytest.mark.parametrize("kind", CLAIMS)
@FEW
@given(n=st.integers(min_value=2, max_value=8))
def test_concurrent_single_use_claims_have_exactly_one_winner(make_store, kind, n):
    prepare, claim, win = CLAIMS[kind]
    with fresh(make_store) as store:
        users = [add_user(store, i) for i in range(n)]
        prepare(store, users)
        results = concurrently(n, lambda i: claim(store, users, i))
        assert results.count(win) == 1, results


# -- API keys ---------------------------------------------------------------------------------------------------
def test_api_keys_are_created_read_replaced_and_deleted(store):
    alice, bob = add_user(store, 1), add_user(store, 2)
    keys = [new_key(alice, 1), new_key(alice, 2, scopes=("read",), ip_allowlist=()), new_key(bob, 3)]
    for key in keys:
        store.add_api_key(key)
    assert [store.api_key(k.id) for k in keys] == keys
    assert (store.count_api_keys(alice.id), store.count_api_keys(bob.id)) == (2, 1)
    changed = new_key(alice, 1, label="renamed", scopes=("read", "trade", "withdraw"), ip_allowlist=("10.0.0.0/8",),
                      status="disabled", generation=2, expires_at_ms=T0 + DAY, rotated_at_ms=T0 + 1)
    store.replace_api_key(changed)
    assert store.api_key(changed.id) == changed
    assert store.delete_api_keys(bob.id, keys[0].id) == 0  # another user's key
    assert store.delete_api_keys(alice.id, keys[0].id) == 1
    assert store.delete_api_keys(alice.id, keys[0].id) == 0
    assert store.api_key(keys[0].id) is None
    assert store.delete_api_keys(alice.id) == 1
    assert store.count_api_keys(alice.id) == 0 and store.api_key(keys[2].id) == keys[2]


def pages(fetch: Callable[[int, str | None], list], size: int) -> list:
    """Every item of a cursor-paginated read, page by page (`before_id` = the last id of the previous page)."""
    out, before = [], None
    while True:
        page = fetch(size, before)
        assert len(page) <= size
        assert before is None or all(item.id < before for item in page), "a page must be strictly older than its cursor"
        out += page
        if len(page) < size:
            return out
        before = page[-1].id


@FEW
@given(n=st.integers(min_value=0, max_value=25), others=st.integers(min_value=0, max_value=3),
       size=st.integers(min_value=1, max_value=7))
def test_api_key_pages_cover_every_key_of_the_user_once_newest_first(make_store, n, others, size):
    with fresh(make_store) as store:
        alice, bob = add_user(store, 1), add_user(store, 2)
        for i in range(n + others):  # interleaved ids
            store.add_api_key(new_key(alice if i < n else bob, 7 * i % 101 if i < n else 1000 + i))
        listed_keys = pages(lambda limit, before: store.api_keys(alice.id, limit, before), size)
        assert [k.id for k in listed_keys] == sorted((k.id for k in listed_keys), reverse=True)
        assert len({k.id for k in listed_keys}) == len(listed_keys) == n
        assert all(k.user_id == alice.id for k in listed_keys)


# -- listen keys ------------------------------------------------------------------------------------------------
def test_listen_keys_are_capped_per_user_evicting_the_oldest(store):
    alice, bob = add_user(store, 1), add_user(store, 2)
    store.add_listen_key("bob", bob.id, T0, T0 + 3_600_000, 2)
    for i, at in enumerate((T0, T0, T0 + 1)):  # two in the same millisecond: insertion order breaks the tie
        store.add_listen_key(f"a{i}", alice.id, at, at + 3_600_000, 2)
    assert store.listen_key("a0", T0 + 2) is None
    assert [store.listen_key(h, T0 + 2) for h in ("a1", "a2", "bob")] == \
        [(alice.id, T0 + 3_600_000), (alice.id, T0 + 3_600_001), (bob.id, T0 + 3_600_000)]


def test_listen_keys_expire_extend_and_close_only_for_their_owner(store):
    alice, bob = add_user(store, 1), add_user(store, 2)
    store.add_listen_key("k", alice.id, T0, T0 + 100, 10)
    owner = store.listen_key("k", T0 + 99)
    assert (owner.user_id, owner.expires_at_ms) == (alice.id, T0 + 100)
    assert not store.extend_listen_key("k", bob.id, T0 + 50, T0 + 500)
    assert store.extend_listen_key("k", alice.id, T0 + 50, T0 + 500)
    assert store.listen_key("k", T0 + 499).expires_at_ms == T0 + 500
    assert not store.delete_listen_key("k", bob.id, T0 + 60)
    assert store.delete_listen_key("k", alice.id, T0 + 60)
    assert store.listen_key("k", T0 + 61) is None
    assert not store.delete_listen_key("k", alice.id, T0 + 62)
    store.add_listen_key("old", alice.id, T0, T0 + 100, 10)
    assert store.listen_key("old", T0 + 100) is None
    assert not store.extend_listen_key("old", alice.id, T0 + 100, T0 + 500)
    assert not store.delete_listen_key("old", alice.id, T0 + 100)


# -- idempotency ------------------------------------------------------------------------------------------------
def test_an_idempotency_key_is_reserved_completed_and_replayed(store):
    assert store.reserve_idempotency_key("usr_A", "k", "fp-1", T0, DAY) is None
    pending = store.reserve_idempotency_key("usr_A", "k", "fp-1", T0 + 1, DAY)
    assert (pending.fingerprint, pending.state, pending.status, pending.body) == ("fp-1", "in_flight", None, None)
    store.complete_idempotency_key("usr_A", "k", 201, '[["content-type", "application/json"]]', b"{}")
    store.complete_idempotency_key("usr_A", "k", 500, "[]", b"late")  # a done key keeps its first answer
    done = store.reserve_idempotency_key("usr_A", "k", "fp-2", T0 + 2, DAY)  # another request: the stored record
    assert done == ("fp-1", "done", 201, '[["content-type", "application/json"]]', b"{}", None)
    assert done.result is None  # no domain result was stored with an effect
    assert store.reserve_idempotency_key("usr_B", "k", "fp-1", T0, DAY) is None  # keys are per account


def test_released_and_unfinished_idempotency_keys_can_be_claimed_again(store):
    for key in ("a", "b", "c"):
        assert store.reserve_idempotency_key("usr_A", key, "fp", T0, DAY) is None
    store.complete_idempotency_key("usr_A", "c", 200, "[]", b"")
    store.release_idempotency_key("usr_A", "a")
    store.release_idempotency_key("usr_A", "c")  # done: kept
    assert store.reserve_idempotency_key("usr_A", "a", "fp-new", T0, DAY) is None
    assert store.release_unfinished_idempotency_keys() == 2  # a and b
    assert store.reserve_idempotency_key("usr_A", "b", "fp", T0, DAY) is None
    assert store.reserve_idempotency_key("usr_A", "c", "fp", T0, DAY).state == "done"


def test_idempotency_records_are_forgotten_after_their_ttl(store):
    assert store.reserve_idempotency_key("usr_A", "old", "fp-1", T0, DAY) is None
    assert store.reserve_idempotency_key("usr_A", "new", "fp-1", T0 + 10, DAY) is None
    assert store.reserve_idempotency_key("usr_A", "old", "fp-2", T0 + DAY - 1, DAY).fingerprint == "fp-1"
    assert store.reserve_idempotency_key("usr_A", "old", "fp-2", T0 + DAY, DAY) is None  # expired: claimed afresh
    assert store.purge_expired_idempotency_keys(T0 + DAY + 10, DAY) == 1  # "new"
    assert store.purge_expired_idempotency_keys(T0 + DAY + 10, DAY) == 0
    assert store.reserve_idempotency_key("usr_A", "old", "fp-3", T0 + DAY + 10, DAY).fingerprint == "fp-2"


# -- markets, trades and candles ------------------------------------------------------------------------------
def test_assets_and_markets_round_trip_in_listing_order(store):
    assert store.list_markets() == [] and store.list_assets() == {}
    store.add_assets({"USDT": 8, "BTC": 8})
    store.add_assets({"ETH": 8, "SOL": 6})
    assert list(store.list_assets().items()) == sorted(demo.ASSETS.items())
    store.add_markets(demo.MARKETS[2:])
    store.add_markets(demo.MARKETS[:2])
    assert store.list_markets() == demo.MARKETS[2:] + demo.MARKETS[:2]
    with pytest.raises(Exception):  # noqa: B017 (the implementation's own integrity error)
        store.add_markets(demo.MARKETS[:1])
    with pytest.raises(Exception):  # noqa: B017
        store.add_assets({"XRP": 6, "BTC": 8})
    assert store.list_markets() == demo.MARKETS[2:] + demo.MARKETS[:2]
    assert store.list_assets() == demo.ASSETS


def test_recording_trades_is_all_or_nothing(store):
    listed(store)
    store.record_trades([trade(1)])
    with pytest.raises(Exception):  # noqa: B017 (a duplicate id: the implementation's own integrity error)
        store.record_trades([trade(2), trade(1)])
    assert store.get_trade(trade(2).id) is None
    assert store.list_trades("BTC/USDT", 10, None) == [trade(1)]
    assert [c.trades for c in store.candles("BTC/USDT", "1m", None, None, 10)] == [1]


@FEW
@given(n=st.integers(min_value=0, max_value=30), size=st.integers(min_value=1, max_value=8),
       other=st.sets(st.integers(min_value=0, max_value=29)))
def test_trade_pages_cover_every_trade_of_the_market_once_newest_first(make_store, n, size, other):
    with fresh(make_store) as store:
        trades = [trade(i, T0 + i, "ETH/USDT" if i in other else "BTC/USDT") for i in range(n)]
        listed(store).record_trades(trades)
        mine = [t for t in trades if t.symbol == "BTC/USDT"]
        assert pages(lambda limit, before: store.list_trades("BTC/USDT", limit, before), size) == mine[::-1]
        assert all(store.get_trade(t.id) == t for t in trades)
        assert store.get_trade("trd_unknown") is None


def test_candles_are_the_newest_of_a_window_oldest_first(store):
    base = T0 - T0 % DAY
    listed(store).record_trades([trade(i, base + i * 60_000 + 1, price=100 + i, size=i + 1) for i in range(5)]
                                + [trade(5, base + 4 * 60_000 + 2, price=90, size=10)])

    def minutes(candles: list[Candle]) -> list[int]:
        return [(c.open_time_ms - base) // 60_000 for c in candles]

    assert minutes(store.candles("BTC/USDT", "1m", None, None, 2)) == [3, 4]
    assert minutes(store.candles("BTC/USDT", "1m", base + 60_000, base + 240_000, 10)) == [1, 2, 3]
    assert minutes(store.candles("BTC/USDT", "1m", base + 60_000, base + 240_000, 2)) == [2, 3]
    (five,) = store.candles("BTC/USDT", "5m", None, None, 10)
    assert five == Candle(base, 100, 104, 90, 90, 25, 100 * 1 + 101 * 2 + 102 * 3 + 103 * 4 + 104 * 5 + 90 * 10, 6)


trade_ticks = st.lists(st.tuples(st.integers(min_value=0, max_value=3 * 3_600_000),
                                 st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=10**9)),
                       max_size=40)


@FEW
@given(ticks=trade_ticks, interval=st.sampled_from(sorted(INTERVAL_MS)),
       start=st.none() | st.integers(min_value=-60_000, max_value=4 * 3_600_000),
       end=st.none() | st.integers(min_value=0, max_value=4 * 3_600_000), limit=st.integers(min_value=1, max_value=20))
def test_candles_fold_the_trades_and_return_the_newest_of_a_window_oldest_first(make_store, ticks, interval, start,
                                                                               end, limit):
    with fresh(make_store) as store:
        base = T0 - T0 % DAY
        trades = [trade(i, base + at, price=p, size=s) for i, (at, p, s) in enumerate(sorted(ticks))]
        listed(store).record_trades(trades)
        expected: dict = {}
        for t in trades:
            open_time = bucket(t.ts_ms, interval)
            expected[open_time] = apply_trade(expected.get(open_time), open_time, t.price, t.size)
        window = [c for _, c in sorted(expected.items()) if (start is None or c.open_time_ms >= base + start)
                  and (end is None or c.open_time_ms < base + end)]
        got = store.candles("BTC/USDT", interval, None if start is None else base + start,
                            None if end is None else base + end, limit)
        assert got == window[-limit:]
        assert store.candles("ETH/USDT", interval, None, None, limit) == []


# -- trading: the engine's unit of work, its reads and its outbox -----------------------------------------------
ACCOUNTS = ("usr_A", "usr_B", "usr_C")
RATES = (Fraction(1, 1000), Fraction(2, 1000))  # (maker, taker) of every account's fee tier
PROBLEMS = ("unbalanced_entries", "balance_drift", "negative_balances", "locked_vs_reserved", "duplicate_priorities",
            "crossed_books")
EVERYTHING = 1_000_000


@contextlib.contextmanager
def trading_on(store, books: dict | None = None, now_ms: Callable[[], int] = lambda: T0):
    """A Trading (engine + sequencer threads) over the store, closed at the end."""
    trading = Trading(store, store.list_markets(), store.list_assets(), {} if books is None else books,
                      lambda _account: RATES, now_ms, new_id)
    try:
        yield trading
    finally:
        trading.close()


def fund(trading: Trading) -> None:
    for account in ACCOUNTS:
        for asset, amount in (("BTC", "50"), ("ETH", "500"), ("USDT", "5000000")):
            trading.deposit(account, asset, amount, f"dep-{account}-{asset}")


def limit(symbol: str, side: str, price: str, size: str, **extra) -> dict:
    return {"symbol": symbol, "side": side, "type": "limit", "price": price, "size": size, **extra}


def resting_of(trading_or_engine) -> dict:
    """The engine's books as {symbol: [(id, remaining, seq, price, side)]} in time priority (empty books left out)."""
    resting = trading_or_engine.resting()
    return {s: [(o.id, o.remaining, o.seq, o.price, o.side) for o in r] for s, r in resting.items() if r}


def stored_resting(store) -> dict:
    out: dict = {}
    for o in store.open_orders():
        out.setdefault(o.symbol, []).append((o.id, o.remaining, o.seq, o.price, o.side))
    return out


def check_ledger(store) -> None:
    report = store.ledger_report()
    assert {k: report[k] for k in PROBLEMS} == {k: [] for k in PROBLEMS}
    assert all(total == 0 for total in report["asset_totals"].values()), report["asset_totals"]


def check_reads(store) -> None:
    """Each read of the committed state agrees with the others."""
    opened = store.open_orders()
    assert [(o.symbol, o.seq) for o in opened] == sorted((o.symbol, o.seq) for o in opened)
    assert all(o.is_open and store.get_order(o.account, o.id) == o for o in opened)
    live = store.live_conditionals()
    assert [c.id for c in live] == sorted(c.id for c in live)
    assert all(c.is_live and store.get_conditional(c.account, c.id) == c for c in live)
    working = store.live_order_lists()
    assert [ol.id for ol in working] == sorted(ol.id for ol in working)
    assert all(ol.is_live and store.get_order_list(ol.account, ol.id) == ol for ol in working)
    balances = store.all_balances()
    for (account, asset), held in balances.items():
        assert store.balance(account, asset) == held
        assert store.balances_of(account)[asset] == held
    assert store.balance("usr_nobody", "BTC") == (0, 0) and store.balances_of("usr_nobody") == {}


def replayed(store) -> dict:
    """The state the outbox describes: the last update of every order, conditional order, strategy order and balance,
    every fill and trade."""
    rows = store.outbox_after(0, EVERYTHING)
    orders, conditionals, order_lists, balances, fills, trades = {}, {}, {}, {}, [], []
    for committed in rows:
        for event in committed.events:
            if isinstance(event, OrderUpdated):
                orders[event.order.id] = event.order
            elif isinstance(event, ConditionalUpdated):
                conditionals[event.conditional.id] = event.conditional
            elif isinstance(event, OrderListUpdated):
                order_lists[event.order_list.id] = event.order_list
            elif isinstance(event, BalanceChanged):
                balances[(event.account, event.asset)] = (event.free, event.locked)
            elif isinstance(event, FillMade):
                fills.append(event.fill)
            elif isinstance(event, TradeMade):
                trades.append(event.trade)
    return {"seqs": [c.seq for c in rows], "orders": orders, "conditionals": conditionals, "order_lists": order_lists,
            "balances": balances, "fills": fills, "trades": trades}


def check_outbox_replays_the_state(store) -> dict:
    """An unpruned outbox holds every committed command, seqs 1..last, and replays to exactly what is stored."""
    state = replayed(store)
    assert state["seqs"] == list(range(1, store.last_outbox_seq() + 1))
    assert state["balances"] == store.all_balances()
    assert all(store.get_order(o.account, o.id) == o for o in state["orders"].values())
    for account in ACCOUNTS:
        assert store.list_orders(account, {}, EVERYTHING, None) == \
            sorted((o for o in state["orders"].values() if o.account == account), key=lambda o: o.id, reverse=True)
        assert store.list_fills(account, {}, EVERYTHING, None) == \
            sorted((f for f in state["fills"] if f.account == account), key=lambda f: f.id, reverse=True)
        assert store.list_conditionals(account, {}, EVERYTHING, None) == \
            sorted((c for c in state["conditionals"].values() if c.account == account), key=lambda c: c.id,
                   reverse=True)
        assert store.list_order_lists(account, {}, EVERYTHING, None) == \
            sorted((ol for ol in state["order_lists"].values() if ol.account == account), key=lambda ol: ol.id,
                   reverse=True)
    for symbol in {t.symbol for t in state["trades"]}:
        assert store.list_trades(symbol, EVERYTHING, None) == \
            sorted((t for t in state["trades"] if t.symbol == symbol), key=lambda t: t.id, reverse=True)
    return state


def _dec(units: int, precision: int) -> str:
    text = str(units).rjust(precision + 1, "0")
    return f"{text[:-precision]}.{text[-precision:]}"


SYMBOLS = ("BTC/USDT", "ETH/USDT")
symbols = st.sampled_from(SYMBOLS)
prices = st.integers(min_value=9_990, max_value=10_010)  # 99.90 .. 100.10 USDT
sizes = st.integers(min_value=500, max_value=20_000)  # 0.05 .. 2 (4 decimals: on the step of both markets)
trading_operation = st.one_of(
    st.tuples(st.just("limit"), st.sampled_from(ACCOUNTS), symbols, st.sampled_from(["buy", "sell"]), prices, sizes,
              st.sampled_from(["GTC", "GTC", "IOC", "FOK"]), st.booleans(), st.none() | st.sampled_from(["c1", "c2"])),
    st.tuples(st.just("market"), st.sampled_from(ACCOUNTS), symbols, st.sampled_from(["buy", "sell"]), sizes),
    st.tuples(st.just("market_quote"), st.sampled_from(ACCOUNTS), symbols, st.integers(min_value=10, max_value=500)),
    st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("amend"), st.integers(min_value=0, max_value=50), st.none() | prices, st.none() | sizes),
    st.tuples(st.just("cancel_all"), st.sampled_from(ACCOUNTS), symbols),
)


def open_books(trading: Trading) -> list:
    """A few resting orders on both sides of both markets (by two accounts), so random orders trade against them;
    returns (account, order id) of each."""
    placed = []
    for symbol in SYMBOLS:
        for i, (side, price) in enumerate((("sell", "100.01"), ("sell", "100.04"), ("buy", "99.99"), ("buy", "99.96"))):
            account = ACCOUNTS[1 + i % 2]
            placed.append((account, trading.place(account, limit(symbol, side, price, "0.5")).id))
    return placed


def run_operation(trading: Trading, placed: list, op: tuple) -> None:
    kind = op[0]
    if kind in ("cancel", "amend"):
        if placed:
            account, order_id = placed[op[1] % len(placed)]
            if kind == "cancel":
                trading.cancel(account, order_id)
            else:
                trading.amend(account, order_id, None if op[2] is None else _dec(op[2], 2),
                              None if op[3] is None else _dec(op[3], 4))
        return
    if kind == "cancel_all":
        trading.cancel_all(op[1], op[2], None)
        return
    if kind == "limit":
        _, account, symbol, side, price, size, tif, post_only, client_order_id = op
        request = limit(symbol, side, _dec(price, 2), _dec(size, 4), tif=tif,
                        post_only=post_only and tif == "GTC", client_order_id=client_order_id)
    elif kind == "market":
        _, account, symbol, side, size = op
        request = {"symbol": symbol, "side": side, "type": "market", "size": _dec(size, 4)}
    else:
        _, account, symbol, amount = op
        request = {"symbol": symbol, "side": "buy", "type": "market", "quote_size": f"{amount}.12345678"}
    placed.append((account, trading.place(account, request).id))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(trading_operation, min_size=10, max_size=40))
def test_the_engine_over_the_store_keeps_every_invariant_and_rebuilds_after_a_restart(make_store, ops):
    with fresh(make_store) as store:
        demo.seed_if_empty(store)
        books: dict = {}
        with trading_on(store, books, itertools.count(T0, 250).__next__) as trading:
            fund(trading)
            placed = open_books(trading)
            for op in ops:
                try:
                    run_operation(trading, placed, op)
                except (OrderRejected, InvalidArgument, OrderNotFound):
                    pass  # refused by a rule: must have changed nothing, which the checks below see
                check_ledger(store)
                assert stored_resting(store) == resting_of(trading)
            check_reads(store)
            resting = resting_of(trading)
        check_outbox_replays_the_state(store)
        sequences = store.book_sequences()
        assert {s: b.sequence for s, b in books.items() if b.sequence} == sequences
        rebuilt: dict = {}
        with trading_on(store, rebuilt) as reborn:
            assert resting_of(reborn) == resting
            assert {s: b.snapshot(10_000, 0) for s, b in rebuilt.items()} == \
                {s: b.snapshot(10_000, 0) for s, b in books.items()}
            assert reborn.engine.next_entry_id == store.last_entry_id() + 1
            assert reborn.engine.seq == store.last_outbox_seq()
        check_ledger(store)


def test_the_book_state_is_the_books_at_its_outbox_sequence(make_store):
    """book_state() read while the engine commits: its open orders and L2 sequences, moved by the BookChanged events
    after its outbox sequence, give exactly the engine's final books — whichever batch it was read between."""
    with fresh(make_store) as store:
        demo.seed_if_empty(store)
        books: dict = {}
        with trading_on(store, books) as trading:
            fund(trading)
            states = [store.book_state()]
            placed = open_books(trading)
            done = threading.Event()

            def trade() -> None:
                for i in range(120):
                    price = ("99.98", "100.00", "100.02", "100.03")[i % 4]
                    side = ("buy", "sell")[i % 3 % 2]
                    try:
                        placed.append((ACCOUNTS[i % 3], trading.place(ACCOUNTS[i % 3], limit(SYMBOLS[i % 2], side,
                                                                                             price, "0.3")).id))
                    except OrderRejected:
                        pass
                done.set()

            thread = threading.Thread(target=trade)
            thread.start()
            while not done.wait(0.002):
                states.append(store.book_state())
            thread.join()
            states.append(store.book_state())
            final = {s: books[s].snapshot(10_000, 0) for s in SYMBOLS}
        assert states[-1].outbox_seq == store.last_outbox_seq() and states[-1].sequences == store.book_sequences()
        assert states[-1].orders == store.open_orders()
        assert len({state.outbox_seq for state in states}) > 2  # read between different batches
        for state in states:
            view: dict = {}
            restore_books(view, SYMBOLS, state.orders, state.sequences)
            for committed in store.outbox_after(state.outbox_seq, EVERYTHING):
                apply_book_changes(view, committed)
            assert {s: b.snapshot(10_000, 0) for s, b in view.items()} == final, state.outbox_seq


def trading_state(store) -> dict:
    """Everything a batch can change, as read through the ports."""
    return {
        "orders": {a: store.list_orders(a, {}, EVERYTHING, None) for a in ACCOUNTS},
        "open": store.open_orders(),
        "fills": {a: store.list_fills(a, {}, EVERYTHING, None) for a in ACCOUNTS},
        "trades": {s: store.list_trades(s, EVERYTHING, None) for s in SYMBOLS},
        "candles": {s: store.candles(s, "1m", None, None, EVERYTHING) for s in SYMBOLS},
        "balances": store.all_balances(),
        "sequences": store.book_sequences(),
        "last_entry_id": store.last_entry_id(),
        "report": store.ledger_report(),
        "last_outbox_seq": store.last_outbox_seq(),
        "outbox": store.outbox_after(0, EVERYTHING),
        "client_order_ids": [store.client_order_id_taken("usr_A", c) for c in ("taken", "fresh")],
        "conditionals": {a: store.list_conditionals(a, {}, EVERYTHING, None) for a in ACCOUNTS},
        "live_conditionals": store.live_conditionals(),
        "conditional_client_ids": [store.conditional_client_id_taken("usr_B", c) for c in ("taken", "fresh")],
        "order_lists": {a: store.list_order_lists(a, {}, EVERYTHING, None) for a in ACCOUNTS},
        "live_order_lists": store.live_order_lists(),
        "order_list_client_ids": [store.order_list_client_id_taken("usr_B", c) for c in ("taken", "fresh")],
        "last_prices": store.last_prices(),
    }


def test_write_trading_writes_a_whole_batch_or_nothing(store):
    demo.seed_if_empty(store)
    with trading_on(store) as trading:
        fund(trading)
        taken = trading.place("usr_A", limit("BTC/USDT", "sell", "100.00", "1", client_order_id="taken"))
    inbox = store.enqueue_operator_command('{"kind": "deposit"}', T0)
    assert store.reserve_idempotency_key("usr_B", "k-1", "fp", T0, DAY) is None
    # A batch built by the engine itself (no sequencer: this thread is its only user): a trade against usr_A's
    # order with its fills, orders, journal, balances and L2 changes; an API result; an operator result; a prune.
    engine = Engine(store, store.list_markets(), store.list_assets(), {}, lambda _a: RATES, lambda: T0 + 1, new_id)
    batch = engine.begin()
    buy = NewOrder("BTC/USDT", "buy", "limit", "GTC", False, 10_000, 40_000, None, "fresh")
    engine.execute(batch, PlaceOrder("usr_B", buy, "k-1"))
    engine.execute(batch, Deposit("usr_C", "USDT", 10**8, "dep-op", str(inbox), "operator"))
    engine.execute(batch, PlaceOrder("usr_A", NewOrder("BTC/USDT", "buy", "limit", "GTC", False, 9_000, 1_000, None,
                                                       "fresh")))
    batch.prune_outbox_through = 1
    assert batch.trades and batch.fills and batch.sequences and len(batch.results) == 2
    refused = conditional(1, "usr_B", status="rejected", reason="market_halted", reserved=0, client_order_id="fresh")
    batch.conditionals[refused.id] = refused  # a conditional order that ended (it holds no funds)
    ended = order_list(1, "usr_B", client_list_id="fresh", status="rejected", reason="insufficient_balance")
    ended.legs = [replace(leg, status="not_placed", reason="insufficient_balance") for leg in ended.legs]
    batch.order_lists[ended.id] = ended  # a strategy order that ended (it links no live order)
    # ... and, last, an order of usr_A that reuses a client order id usr_A already has: the batch must be refused
    duplicate = OrderState(new_id("ord"), "usr_A", "BTC/USDT", "sell", "limit", "GTC", False, 10_100, 1_000, None,
                           "taken", "open", 0, 0, 0, 1_000, 0, None, None, T0, T0)
    batch.orders[duplicate.id] = duplicate
    before = trading_state(store)
    with pytest.raises(Exception):  # noqa: B017 (the implementation's own integrity error)
        with store.transaction():
            store.write_trading(batch)
    assert trading_state(store) == before
    assert store.get_order("usr_A", duplicate.id) is None
    assert store.reserve_idempotency_key("usr_B", "k-1", "fp", T0, DAY).state == "in_flight"
    assert store.operator_command(inbox) == ("pending", None)

    del batch.orders[duplicate.id]  # the rest of the batch is valid: it was refused for the duplicate alone
    with pytest.raises(RuntimeError):  # and a transaction that fails after a good write keeps nothing either
        with store.transaction():
            store.write_trading(batch)
            raise RuntimeError("the commit failed")
    assert trading_state(store) == before
    with store.transaction():
        store.write_trading(batch)
    after = trading_state(store)
    assert after["last_entry_id"] == before["last_entry_id"] + len(batch.journal.entries)
    assert after["last_outbox_seq"] == batch.outbox[-1].seq and after["outbox"][0].seq == 2  # row 1 pruned
    assert after["client_order_ids"] == [True, True]
    assert after["conditionals"]["usr_B"] == [refused] and after["conditional_client_ids"] == [False, True]
    assert after["order_lists"]["usr_B"] == [ended] and after["live_order_lists"] == []
    assert after["order_list_client_ids"] == [False, True]
    assert after["last_prices"] == {"BTC/USDT": batch.trades[-1].price}
    assert store.get_order("usr_A", taken.id).filled == 40_000
    assert store.reserve_idempotency_key("usr_B", "k-1", "fp", T0, DAY).state == "done"
    assert store.operator_command(inbox).state == "done"
    check_ledger(store)
    check_reads(store)
    rebuilt = Engine(store, store.list_markets(), store.list_assets(), {}, lambda _a: RATES, lambda: T0, new_id)
    assert resting_of(rebuilt) == resting_of(engine) == stored_resting(store)


def test_the_ledger_report_finds_what_breaks_the_invariants(store):
    """The report is what every other test trusts: a batch written by hand (the engine would never build it) with one
    of each problem is reported, each where it is."""
    demo.seed_if_empty(store)
    journal = Journal(store.balance)
    journal.deposit("usr_A", "USDT", 1_000, "dep", T0)  # entry 1, balanced
    journal.entries.append(Entry("fill", "bad", T0, (Posting("usr_B", "BTC", "free", 5),)))  # entry 2, unbalanced
    journal.balances[("usr_C", "ETH")] = [7, 0]  # a balance no posting explains
    journal.changed.add(("usr_C", "ETH"))

    def order(n: int, symbol: str, side: str, price: int, seq: int, reserved: int) -> OrderState:
        return OrderState(f"ord_{n:026d}", "usr_A", symbol, side, "limit", "GTC", False, price, 100, None, None, "open",
                          0, 0, 0, 100, reserved, None, seq, T0, T0)

    orders = [order(1, "BTC/USDT", "buy", 10_000, 1, 100), order(2, "BTC/USDT", "sell", 9_000, 2, 0),
              order(3, "ETH/USDT", "sell", 9_000, 1, 0), order(4, "ETH/USDT", "sell", 9_100, 1, 0)]
    with store.transaction():
        store.write_trading(Batch(journal, orders={o.id: o for o in orders}))
    report = {k: [tuple(row) for row in v] if isinstance(v, list) else v for k, v in store.ledger_report().items()}
    assert report["unbalanced_entries"] == [(2, "BTC", 5)]
    assert report["balance_drift"] == [("usr_C", "ETH", 7, 0, 0, 0)]
    assert report["negative_balances"] == []
    assert report["locked_vs_reserved"] == [(("usr_A", "USDT"), 0, 100)]
    assert report["duplicate_priorities"] == [("ETH/USDT", 1, 2)]
    assert report["crossed_books"] == [("BTC/USDT", 10_000, 9_000)]
    assert report["asset_totals"] == {"USDT": 0, "ETH": 7}


def test_a_commit_that_fails_inside_its_transaction_leaves_the_store_as_it_was(store):
    demo.seed_if_empty(store)
    with trading_on(store) as trading:
        fund(trading)
        trading.place("usr_A", limit("BTC/USDT", "sell", "100.00", "1"))
        before, resting = trading_state(store), resting_of(trading)
        real_write = store.write_trading

        def write_then_fail(batch) -> None:
            real_write(batch)
            raise OSError("the disk went away before the commit")

        store.write_trading = write_then_fail
        try:
            with pytest.raises(OSError):
                trading.place("usr_B", limit("BTC/USDT", "buy", "100.00", "0.4"))
        finally:
            del store.write_trading
        assert trading_state(store) == before
        assert resting_of(trading) == resting  # the engine rebuilt itself from what is stored
        assert trading.place("usr_B", limit("BTC/USDT", "buy", "100.00", "0.4")).filled == 40_000
    check_ledger(store)
    check_outbox_replays_the_state(store)


def prune(store, through: int) -> None:
    with store.transaction():
        store.write_trading(Batch(Journal(store.balance), first_entry_id=store.last_entry_id() + 1,
                                  prune_outbox_through=through))


def test_the_outbox_holds_every_committed_command_in_order_and_survives_pruning(store):
    demo.seed_if_empty(store)
    assert store.last_outbox_seq() == 0 and store.outbox_after(0, 10) == []
    heard: list = []
    with trading_on(store) as trading:
        trading.listeners.append(heard.extend)  # the events as the engine published them, from memory
        fund(trading)
        for i in range(6):
            trading.place(ACCOUNTS[i % 3], limit("BTC/USDT", "sell" if i % 2 else "buy", "100.00", "0.5"))
    rows = store.outbox_after(0, EVERYTHING)
    n = len(rows)
    assert [c.seq for c in rows] == list(range(1, n + 1)) and store.last_outbox_seq() == n
    assert rows == heard  # what was stored reads back equal to what was published
    assert any(isinstance(e, TradeMade) for c in rows for e in c.events)
    for after in range(n + 2):
        for size in (1, 3, EVERYTHING):
            assert store.outbox_after(after, size) == rows[after:after + size]
    assert store.outbox_after(0, 0) == []

    prune(store, 3)
    assert store.outbox_after(0, EVERYTHING) == rows[3:] and store.last_outbox_seq() == n
    assert store.outbox_after(3, 2) == rows[3:5]
    prune(store, 2)  # already gone: nothing more
    assert store.outbox_after(0, EVERYTHING) == rows[3:]
    with trading_on(store) as trading:
        trading.deposit("usr_A", "USDT", "1", "dep-after-prune")
    assert [c.seq for c in store.outbox_after(n - 1, EVERYTHING)] == [n, n + 1]


def test_the_last_outbox_seq_survives_pruning_every_row(store):
    demo.seed_if_empty(store)
    with trading_on(store) as trading:
        fund(trading)
    n = store.last_outbox_seq()
    assert n == len(ACCOUNTS) * 3
    prune(store, n)  # every row: the highest sequence written is still known ...
    assert store.outbox_after(0, EVERYTHING) == [] and store.last_outbox_seq() == n
    with trading_on(store) as trading:  # ... so an engine started now continues after it: a consumer that had
        trading.deposit("usr_A", "USDT", "1", "dep-after-prune")  # seen n never mistakes the next for seq 1
    assert [c.seq for c in store.outbox_after(0, EVERYTHING)] == [n + 1] and store.last_outbox_seq() == n + 1


def test_an_idempotent_command_stores_its_result_with_its_effect(store):
    demo.seed_if_empty(store)
    for key in ("k-place", "k-batch", "k-cancel", "k-deposit"):
        assert store.reserve_idempotency_key("usr_A", key, f"fp-{key}", T0, DAY) is None
    with trading_on(store) as trading:
        fund(trading)
        placed = trading.call(trading.place_command("usr_A", limit("BTC/USDT", "sell", "100.00", "1"), "k-place"))
        batch = trading.call(trading.place_batch_command("usr_A", [limit("BTC/USDT", "sell", "101.00", "1"),
                                                                   limit("BTC/USDT", "sell", "101.001", "1")],
                                                         "k-batch"))
        cancelled = trading.call(CancelOrder("usr_A", placed.id, "k-cancel"))
        deposited = trading.call(Deposit("usr_A", "USDT", 12_345, "dep-k", "k-deposit", "api"))
        unreserved = trading.call(Deposit("usr_B", "USDT", 1, "dep-u", "k-unreserved", "api"))
    answers = {"k-place": placed, "k-batch": batch, "k-cancel": cancelled, "k-deposit": deposited}
    for key, answer in answers.items():
        record = store.reserve_idempotency_key("usr_A", key, "fp-other", T0 + 1, DAY)
        assert (record.fingerprint, record.state, record.status, record.headers, record.body) == \
            (f"fp-{key}", "done", None, None, None)
        stored = decode_result(record.result)
        if key == "k-batch":
            assert stored[0] == answer[0] and stored[1].code == answer[1].code == "invalid_tick_size"
        else:
            assert stored == answer
    assert deposited == (5 * 10**14 + 12_345, 0) and unreserved == (5 * 10**14 + 1, 0)
    # a result is stored only under a key that was reserved: it creates no record of its own
    assert store.reserve_idempotency_key("usr_B", "k-unreserved", "fp", T0 + 1, DAY) is None
    # the HTTP answer is still stored after the engine made the key done (once), and the result is kept
    store.complete_idempotency_key("usr_A", "k-place", 201, "[]", b"{}")
    store.complete_idempotency_key("usr_A", "k-place", 500, "[]", b"late")
    record = store.reserve_idempotency_key("usr_A", "k-place", "fp", T0 + 2, DAY)
    assert (record.state, record.status, record.body) == ("done", 201, b"{}")
    assert decode_result(record.result) == placed


def test_the_operator_inbox_marks_a_command_done_with_its_effect_or_failed(store):
    demo.seed_if_empty(store)
    commands = [json.dumps({"kind": "deposit", "account": "usr_A", "asset": "USDT", "amount": i, "ref": f"op-{i}"})
                for i in (1, 2, 3, 4)]
    ids = [store.enqueue_operator_command(c, T0 + i) for i, c in enumerate(commands)]
    assert ids == sorted(set(ids))
    rows = list(zip(ids, commands, strict=True))
    assert store.pending_operator_commands(10) == rows
    assert store.pending_operator_commands(2) == rows[:2]
    assert store.operator_command(ids[0]) == ("pending", None)
    assert store.operator_command(max(ids) + 1) is None
    with trading_on(store) as trading:
        answer = trading.call(Deposit("usr_A", "USDT", 1, "op-1", str(ids[0]), "operator"))
        store.fail_operator_command(ids[1], '{"code": "invalid_argument", "message": "no", "field": null}')
        again = trading.call(Deposit("usr_A", "USDT", 2, "op-2", str(ids[1]), "operator"))  # a failed row stays so
    done = store.operator_command(ids[0])
    assert done.state == "done" and decode_result(done.result) == answer == (1, 0) and again == (3, 0)
    store.fail_operator_command(ids[0], '{"code": "late"}')  # a done row is never failed afterwards
    assert store.operator_command(ids[0]) == done
    assert store.operator_command(ids[1]) == \
        ("failed", '{"code": "invalid_argument", "message": "no", "field": null}')
    assert store.pending_operator_commands(10) == rows[2:]
    assert store.enqueue_operator_command("{}", T0) > max(ids)


def test_order_and_fill_pages_cover_every_match_once_newest_first(store):
    demo.seed_if_empty(store)
    with trading_on(store, now_ms=itertools.count(T0, 1000).__next__) as trading:
        fund(trading)
        for i in range(16):
            symbol = ("BTC/USDT", "ETH/USDT")[i % 2]
            account = ACCOUNTS[i % 3]
            order = trading.place(account, limit(symbol, "buy" if i % 4 < 2 else "sell", f"{100 + i % 3}.00", "0.5",
                                                 client_order_id=f"c{i}"))
            if i % 5 == 0 and order.is_open:
                trading.cancel(account, order.id)
    state = check_outbox_replays_the_state(store)
    orders, fills = list(state["orders"].values()), state["fills"]
    assert len(orders) == 16 and fills and {o.status for o in orders} >= {"open", "filled", "cancelled"}
    middle = sorted(o.created_at_ms for o in orders)[len(orders) // 2]
    order_filters = [{}, {"symbol": "ETH/USDT"}, {"side": "sell"}, {"status": "filled"}, {"status": "open"},
                     {"client_order_id": "c4"}, {"client_order_id": "c5"}, {"start_ms": middle},
                     {"end_ms": middle}, {"start_ms": middle - 2000, "end_ms": middle + 2000, "symbol": "BTC/USDT"},
                     {"symbol": None, "status": None}]
    fill_filters = [{}, {"symbol": "BTC/USDT"}, {"order_id": fills[0].order_id}, {"side": "buy"},
                    {"start_ms": middle}, {"end_ms": middle}, {"symbol": "ETH/USDT", "start_ms": middle - 3000}]

    def matches(record, filters: dict, time_field: str) -> bool:
        for name, value in filters.items():
            if value is None:
                continue
            if name == "start_ms" and getattr(record, time_field) < value:
                return False
            if name == "end_ms" and getattr(record, time_field) >= value:
                return False
            if name not in ("start_ms", "end_ms") and getattr(record, name) != value:
                return False
        return True

    for account in ACCOUNTS:
        for filters in order_filters:
            expected = sorted((o for o in orders if o.account == account and matches(o, filters, "created_at_ms")),
                              key=lambda o: o.id, reverse=True)
            for size in (1, 2, 5, 100):
                listed = pages(lambda n, before, a=account, f=filters: store.list_orders(a, f, n, before), size)
                assert listed == expected
        for filters in fill_filters:
            expected = sorted((f for f in fills if f.account == account and matches(f, filters, "ts_ms")),
                              key=lambda f: f.id, reverse=True)
            for size in (1, 3, 100):
                listed = pages(lambda n, before, a=account, f=filters: store.list_fills(a, f, n, before), size)
                assert listed == expected
    some = orders[0]
    assert store.get_order(ACCOUNTS[(ACCOUNTS.index(some.account) + 1) % 3], some.id) is None  # another's order
    assert store.get_order(some.account, "ord_unknown") is None


def test_orders_are_handed_out_as_copies(store):
    demo.seed_if_empty(store)
    with trading_on(store) as trading:
        fund(trading)
        placed = trading.place("usr_A", limit("BTC/USDT", "sell", "100.00", "1", client_order_id="mine"))
    for read in (lambda: store.get_order("usr_A", placed.id), lambda: store.open_orders()[0],
                 lambda: store.list_orders("usr_A", {}, 1, None)[0],
                 lambda: store.outbox_after(0, EVERYTHING)[-1].events[-2].order):
        copy = read()
        assert copy == placed
        copy.remaining, copy.status = 0, "filled"
    assert store.get_order("usr_A", placed.id) == placed and store.open_orders() == [placed]
    balances, sequences = store.all_balances(), store.book_sequences()
    store.all_balances().clear()
    store.balances_of("usr_A").clear()
    store.book_sequences().clear()
    assert (store.all_balances(), store.book_sequences()) == (balances, sequences) and balances and sequences
    assert store.client_order_id_taken("usr_A", "mine") and not store.client_order_id_taken("usr_B", "mine")


def test_an_abandoned_idempotency_claim_is_taken_over_only_after_its_timeout(store):
    assert store.reserve_idempotency_key("usr_A", "k", "fp-1", T0, DAY, abandon_after_ms=60_000) is None
    in_flight = store.reserve_idempotency_key("usr_A", "k", "fp-2", T0 + 59_999, DAY, abandon_after_ms=60_000)
    assert (in_flight.fingerprint, in_flight.state) == ("fp-1", "in_flight")  # its worker may still be running it
    assert store.reserve_idempotency_key("usr_A", "k", "fp-2", T0 + 60_000, DAY) is not None  # no timeout given
    assert store.reserve_idempotency_key("usr_A", "k", "fp-2", T0 + 60_000, DAY, abandon_after_ms=60_000) is None
    taken = store.reserve_idempotency_key("usr_A", "k", "fp-3", T0 + 60_001, DAY, abandon_after_ms=60_000)
    assert (taken.fingerprint, taken.state) == ("fp-2", "in_flight")  # the new claim starts its own timeout
    store.complete_idempotency_key("usr_A", "k", 201, "[]", b"{}")
    done = store.reserve_idempotency_key("usr_A", "k", "fp-3", T0 + DAY - 1, DAY, abandon_after_ms=60_000)
    assert (done.fingerprint, done.state, done.status) == ("fp-2", "done", 201)  # a done key is never taken over


def test_the_engines_stored_result_is_read_back_by_key(store):
    demo.seed_if_empty(store)
    assert store.reserve_idempotency_key("usr_A", "k-deposit", "fp", T0, DAY) is None
    assert store.idempotency_result("usr_A", "k-deposit") is None  # in flight: nothing stored yet
    with trading_on(store) as trading:
        deposited = trading.call(Deposit("usr_A", "USDT", 7, "dep-r", "k-deposit", "api"))
    assert decode_result(store.idempotency_result("usr_A", "k-deposit")) == deposited
    assert store.idempotency_result("usr_B", "k-deposit") is None and store.idempotency_result("usr_A", "x") is None
    assert store.reserve_idempotency_key("usr_A", "k-http", "fp", T0, DAY) is None
    store.complete_idempotency_key("usr_A", "k-http", 200, "[]", b"{}")
    assert store.idempotency_result("usr_A", "k-http") is None  # done by an HTTP answer, no engine result



def test_stored_results_are_read_in_one_call_for_many_keys(store):
    """`idempotency_results`: what the engine process asks once per fetch of commands (impl/bus/engine_process.py)."""
    demo.seed_if_empty(store)
    keys = [f"k-{i}" for i in range(450)]  # more than one SQLite statement's worth of pairs
    for key in keys:
        assert store.reserve_idempotency_key("usr_A", key, "fp", T0, DAY) is None
    with trading_on(store) as trading:
        results = {key: trading.call(Deposit("usr_A", "USDT", 1, f"dep-{key}", key, "api")) for key in keys[::2]}
    store.reserve_idempotency_key("usr_A", "k-http", "fp", T0, DAY)
    store.complete_idempotency_key("usr_A", "k-http", 200, "[]", b"{}")
    asked = [("usr_A", key) for key in keys] + [("usr_B", "k-0"), ("usr_A", "k-http"), ("usr_A", "nope")]
    found = store.idempotency_results(asked)
    assert set(found) == {("usr_A", key) for key in results}  # in flight, no result, other account: absent
    assert all(decode_result(found[("usr_A", key)]) == result for key, result in results.items())
    assert store.idempotency_results([]) == {}


# -- conditional orders ---------------------------------------------------------------------------------------------
def conditional(n: int, account: str = "usr_A", symbol: str = "BTC/USDT", side: str = "sell",
                kind: str = "stop_market", status: str = "new", **changes) -> ConditionalOrder:
    """A conditional order as the engine would store it (amounts only need to be consistent where a test says)."""
    trailing, limit_kind = kind == "trailing_stop", kind in LIMIT_KINDS
    sized_by_quote = side == "buy" and not limit_kind
    record = ConditionalOrder(
        id=f"cond_{n:026d}", account=account, symbol=symbol, side=side, type=kind,
        trigger_direction=direction(kind, side), trigger_price=None if trailing else 9_500,
        price=10_100 if limit_kind else None, size=None if sized_by_quote else 1_000,
        quote_size=5_000_000 if sized_by_quote else None, tif="GTC" if limit_kind else "IOC",
        activation_price=10_200 if trailing else None, callback_rate=150 if trailing else None, callback_amount=None,
        tracked_price=None, client_order_id=None, status=status, reason=None, order_id=None, order_list_id=None,
        reserved=1_000, created_at_ms=T0 + n, updated_at_ms=T0 + n, triggered_at_ms=None)
    return replace(record, **changes)


def write(store, journal: Journal | None = None, **batch) -> None:
    """One hand-built batch (the engine would build it; these tests write what they read back)."""
    with store.transaction():
        store.write_trading(Batch(journal or Journal(store.balance), first_entry_id=store.last_entry_id() + 1,
                                  **batch))


def order_of(n: int, account: str = "usr_A", **changes) -> OrderState:
    order = OrderState(f"ord_{n:026d}", account, "BTC/USDT", "sell", "limit", "GTC", False, 10_000, 100, None, None,
                       "open", 0, 0, 0, 100, 0, None, n, T0 + n, T0 + n)  # positional, as before parent_id: None
    return replace(order, **changes)


CONDITIONAL_MUTABLE = ("trigger_price", "tracked_price", "status", "reason", "order_id", "reserved", "updated_at_ms",
                       "triggered_at_ms")


def test_an_orders_parent_id_is_stored_read_back_and_never_changes(store):
    demo.seed_if_empty(store)
    plain, placed = order_of(1), order_of(2, parent_id=conditional(7).id)
    assert plain.parent_id is None
    seq = store.last_outbox_seq() + 1
    write(store, orders={o.id: o for o in (plain, placed)},
          outbox=[Committed(seq, T0, (OrderUpdated(plain), OrderUpdated(placed)))])
    assert store.get_order("usr_A", placed.id) == placed and store.get_order("usr_A", plain.id) == plain
    assert store.open_orders() == [plain, placed]
    assert store.list_orders("usr_A", {}, 10, None) == [placed, plain]
    assert store.outbox_after(seq - 1, 1)[0].events == (OrderUpdated(plain), OrderUpdated(placed))
    # an update carries whatever the writer had; the parent, like the owner, stays as first written
    write(store, orders={o.id: o for o in (replace(placed, status="cancelled", remaining=0, parent_id=None),
                                           replace(plain, status="cancelled", remaining=0, parent_id="cond_other"))})
    assert store.get_order("usr_A", placed.id) == replace(placed, status="cancelled", remaining=0)
    assert store.get_order("usr_A", plain.id) == replace(plain, status="cancelled", remaining=0)
    assert store.open_orders() == []


def test_a_conditional_order_is_upserted_changing_only_what_moves_after_placement(store):
    demo.seed_if_empty(store)
    trailing = conditional(1, side="sell", kind="trailing_stop", client_order_id="trail", order_list_id="list_1")
    stop = conditional(2, "usr_B", "ETH/USDT", "buy", "stop_limit", reserved=1_010_000)
    take = conditional(3, side="buy", kind="take_profit_market")
    seq = store.last_outbox_seq() + 1
    write(store, conditionals={c.id: c for c in (trailing, stop, take)},
          outbox=[Committed(seq, T0, (ConditionalUpdated(trailing),))])
    assert store.get_conditional("usr_A", trailing.id) == trailing
    assert store.get_conditional("usr_B", stop.id) == stop and store.get_conditional("usr_A", take.id) == take
    assert store.get_conditional("usr_B", trailing.id) is None  # another's
    assert store.get_conditional("usr_A", "cond_unknown") is None
    assert store.live_conditionals() == [trailing, stop, take]
    assert store.outbox_after(seq - 1, 1)[0].events == (ConditionalUpdated(trailing),)

    # the engine rewrites a whole snapshot; a store keeps what it was placed with and takes what moved
    moved = dict(trigger_price=10_050, tracked_price=10_200, status="triggered", reason=None, order_id="ord_placed",
                 reserved=0, updated_at_ms=T0 + 50, triggered_at_ms=T0 + 50)
    assert set(moved) == set(CONDITIONAL_MUTABLE)
    fixed = dict(account="usr_C", symbol="ETH/USDT", side="buy", type="stop_market", trigger_direction="rise",
                 price=1, size=2, quote_size=3, tif="FOK", activation_price=4, callback_rate=5, callback_amount=6,
                 client_order_id="other", order_list_id=None, created_at_ms=T0 + 99)
    assert set(moved) | set(fixed) | {"id"} == {f.name for f in fields(ConditionalOrder)}  # every field is one or other
    write(store, conditionals={trailing.id: replace(trailing, **moved, **fixed),
                               take.id: replace(take, status="cancelled", reason="requested", reserved=0)})
    expected = replace(trailing, **moved)
    assert store.get_conditional("usr_A", trailing.id) == expected
    assert store.get_conditional("usr_C", trailing.id) is None
    assert store.live_conditionals() == [expected, stop]  # triggered is still live; cancelled is not
    assert store.conditional_client_id_taken("usr_A", "trail") and not store.conditional_client_id_taken("usr_C",
                                                                                                        "other")
    # handed out as copies
    for read in (lambda: store.get_conditional("usr_A", trailing.id), lambda: store.live_conditionals()[0],
                 lambda: store.list_conditionals("usr_A", {}, 10, None)[-1]):
        copy = read()
        assert copy == expected
        copy.status, copy.reserved = "finished", 7
    assert store.get_conditional("usr_A", trailing.id) == expected


def test_a_conditional_client_order_id_is_unique_per_account_among_its_conditional_orders(store):
    demo.seed_if_empty(store)
    first = conditional(1, client_order_id="c1")
    write(store, conditionals={first.id: first})
    assert store.conditional_client_id_taken("usr_A", "c1")
    assert not store.conditional_client_id_taken("usr_B", "c1") and not store.conditional_client_id_taken("usr_A", "c2")
    assert not store.client_order_id_taken("usr_A", "c1")  # orders have client order ids of their own
    order = order_of(1, client_order_id="c1")
    write(store, orders={order.id: order})
    assert store.client_order_id_taken("usr_A", "c1") and store.get_order("usr_A", order.id) == order
    before = trading_state(store)

    clash = conditional(2, client_order_id="c1")
    twins = [conditional(3, client_order_id="c3"), conditional(4, client_order_id="c3")]
    bad = [conditional(5, kind="stop_loss"), conditional(6, status="open"), conditional(7, symbol="DOGE/USDT"),
           conditional(8, tif="GTD"), conditional(9, trigger_direction="up")]
    for refused in ([clash], twins, *([b] for b in bad)):
        fine = conditional(10, "usr_B", client_order_id="c1")
        with pytest.raises(Exception):  # noqa: B017 (the implementation's own integrity error)
            write(store, conditionals={c.id: c for c in [fine, *refused]})
        assert trading_state(store) == before
        assert store.get_conditional("usr_B", fine.id) is None
        assert all(store.get_conditional("usr_A", c.id) is None for c in refused)
    write(store, conditionals={first.id: replace(first, status="cancelled", reason="requested", reserved=0)})
    assert store.conditional_client_id_taken("usr_A", "c1")  # an ended one keeps its client order id taken
    fine = conditional(10, "usr_B", client_order_id="c1")
    write(store, conditionals={fine.id: fine})
    assert store.get_conditional("usr_B", fine.id) == fine


def test_conditional_order_pages_filter_and_cover_every_match_once_newest_first(store):
    demo.seed_if_empty(store)
    statuses = ("new", "triggered", "finished", "cancelled", "rejected", "expired")
    records = [conditional(i, ACCOUNTS[i % 2], SYMBOLS[i % 3 % 2], ("sell", "buy")[i % 4 // 2],
                           ("stop_market", "stop_limit", "take_profit_market", "trailing_stop")[i % 4],
                           statuses[i % 6], created_at_ms=T0 + 1000 * i) for i in range(24)]
    write(store, conditionals={c.id: c for c in records})
    middle = T0 + 1000 * 12
    cases = [{}, {"symbol": "ETH/USDT"}, {"live": True}, {"live": False}, {"live": None}, {"start_ms": middle},
             {"end_ms": middle}, {"start_ms": middle - 4000, "end_ms": middle + 4000, "symbol": "BTC/USDT"},
             {"live": True, "symbol": "BTC/USDT", "start_ms": T0 + 3000}, {"symbol": None, "live": False},
             {"symbol": "SOL/USDT"}]

    def matches(c: ConditionalOrder, f: dict) -> bool:
        return ((f.get("symbol") is None or c.symbol == f["symbol"])
                and (f.get("live") is None or c.is_live == f["live"])
                and (f.get("start_ms") is None or c.created_at_ms >= f["start_ms"])
                and (f.get("end_ms") is None or c.created_at_ms < f["end_ms"]))

    for account in ACCOUNTS:
        for filters in cases:
            expected = sorted((c for c in records if c.account == account and matches(c, filters)),
                              key=lambda c: c.id, reverse=True)
            for size in (1, 2, 5, 100):
                listed = pages(lambda n, before, a=account, f=filters: store.list_conditionals(a, f, n, before),
                               size)
                assert listed == expected, (account, filters, size)
    assert store.live_conditionals() == [c for c in records if c.is_live]
    assert store.list_conditionals("usr_A", {}, 3, records[-1].id) == \
        sorted((c for c in records[:-1] if c.account == "usr_A"), key=lambda c: c.id, reverse=True)[:3]


def test_the_last_price_of_each_market_is_its_newest_trade(store):
    demo.seed_if_empty(store)
    assert store.last_prices() == {}
    store.record_trades([trade(5, price=6_100_000), trade(2, price=6_200_000), trade(3, symbol="ETH/USDT", price=300)])
    assert store.last_prices() == {"BTC/USDT": 6_100_000, "ETH/USDT": 300}  # the greatest id, not the last written
    write(store, trades=[trade(6, price=6_150_100), trade(7, price=6_150_200)])
    assert store.last_prices() == {"BTC/USDT": 6_150_200, "ETH/USDT": 300}


def test_the_ledger_report_counts_live_conditional_orders_reservations_as_locked(store):
    demo.seed_if_empty(store)
    journal = Journal(store.balance)
    journal.deposit("usr_A", "USDT", 10_000, "dep-1", T0)
    journal.deposit("usr_A", "BTC", 500, "dep-2", T0)
    journal.reserve("usr_A", "USDT", 3_000, "cond-buy", T0)  # a live conditional buy
    journal.reserve("usr_A", "USDT", 2_000, "ord-1", T0)  # the open order a triggered conditional order placed
    journal.reserve("usr_A", "BTC", 200, "cond-sell", T0)  # a live conditional sell
    buy = conditional(1, side="buy", kind="take_profit_market", reserved=3_000)
    sell = conditional(2, side="sell", kind="stop_limit", reserved=200)
    triggered = conditional(3, side="buy", kind="stop_limit", status="triggered", reserved=0, order_id="ord_1")
    ended = conditional(4, side="sell", status="cancelled", reason="requested", reserved=0)
    placed = order_of(1, side="buy", price=9_000, reserved=2_000, parent_id=triggered.id)
    write(store, orders={placed.id: placed}, conditionals={c.id: c for c in (buy, sell, triggered, ended)},
          journal=journal)
    check_ledger(store)
    assert store.balance("usr_A", "USDT") == (5_000, 5_000) and store.balance("usr_A", "BTC") == (300, 200)

    # a conditional order that ended without its funds released, and one whose funds were never locked
    unfunded = conditional(5, "usr_B", "ETH/USDT", side="buy", kind="stop_market", reserved=70)
    write(store, conditionals={sell.id: replace(sell, status="cancelled", reason="requested", reserved=0),
                               unfunded.id: unfunded})
    report = store.ledger_report()
    assert sorted((tuple(k), locked, reserved) for k, locked, reserved in report["locked_vs_reserved"]) == \
        [(("usr_A", "BTC"), 200, 0), (("usr_B", "USDT"), 0, 70)]
    assert {k: report[k] for k in PROBLEMS if k != "locked_vs_reserved"} == \
        {k: [] for k in PROBLEMS if k != "locked_vs_reserved"}


# -- strategy orders (order lists) ----------------------------------------------------------------------------------
def order_list(n: int, account: str = "usr_A", symbol: str = "BTC/USDT", kind: str = "oco", status: str = "working",
               **changes) -> OrderList:
    """A strategy order as the engine would store it: its legs in request order, each with its request as accepted
    (wire strings, keys in the order they came, a bool and a client order id among them) and its progress."""
    sell = {"symbol": symbol, "side": "sell", "type": "limit", "price": "101.00", "size": "0.5", "tif": "GTC",
            "post_only": False}
    stop = {"type": "stop_market", "symbol": symbol, "side": "sell", "trigger_price": "95.00", "size": "0.5",
            "client_order_id": f"stop-{n}"}
    buy = {"symbol": symbol, "side": "buy", "type": "limit", "size": "0.5", "price": "99.50"}
    placed, fired = f"ord_{n:026d}", f"cond_{n:026d}"
    legs = {"oto": [Leg("working", buy, "live", None, placed), Leg("pending", stop)],
            "otoco": [Leg("working", buy, "live", None, placed), Leg("oco", sell), Leg("oco", stop)]}.get(
        kind, [Leg("oco", sell, "live", None, placed), Leg("oco", stop, "live", None, None, fired)])
    record = OrderList(f"olst_{n:026d}", account, symbol, kind, None, status, None, legs, T0 + n, T0 + n)
    return replace(record, **changes)


def key_orders(order_list: OrderList | None) -> list[list[str]]:
    """The keys of each leg's request in their order (dict equality ignores it; the answer echoes the request)."""
    return [list(leg.request) for leg in order_list.legs]


def test_an_order_list_is_upserted_changing_only_its_status_reason_legs_and_update_time(store):
    demo.seed_if_empty(store)
    oco = order_list(1, client_list_id="bracket-1")
    oto = order_list(2, "usr_B", "ETH/USDT", "oto")
    otoco = order_list(3, kind="otoco")
    seq = store.last_outbox_seq() + 1
    write(store, order_lists={ol.id: ol for ol in (oco, oto, otoco)},
          outbox=[Committed(seq, T0, (OrderListUpdated(oco), OrderListUpdated(otoco)))])
    assert store.get_order_list("usr_A", oco.id) == oco and key_orders(store.get_order_list("usr_A", oco.id)) == \
        key_orders(oco)
    assert store.get_order_list("usr_B", oto.id) == oto and store.get_order_list("usr_A", otoco.id) == otoco
    assert store.get_order_list("usr_B", oco.id) is None  # another's
    assert store.get_order_list("usr_A", "olst_unknown") is None
    assert store.live_order_lists() == [oco, oto, otoco]
    assert store.list_order_lists("usr_A", {}, 10, None) == [otoco, oco]
    replay = store.outbox_after(seq - 1, 1)[0].events
    assert replay == (OrderListUpdated(oco), OrderListUpdated(otoco))
    assert [key_orders(e.order_list) for e in replay] == [key_orders(oco), key_orders(otoco)]
    assert all(isinstance(leg, Leg) for e in replay for leg in e.order_list.legs)

    # the engine rewrites a whole snapshot; a store keeps what it was placed with and takes what moved — the legs
    # whole: statuses, reasons, the ids of what they placed, in request order
    legs = [Leg("oco", oco.legs[0].request, "ended", None, "ord_filled"),
            Leg("oco", oco.legs[1].request, "ended", "oco_sibling", None, oco.legs[1].conditional_order_id)]
    moved = dict(status="done", reason=None, legs=legs, updated_at_ms=T0 + 50)
    fixed = dict(account="usr_C", symbol="ETH/USDT", type="oto", client_list_id="other", created_at_ms=T0 + 99)
    assert set(moved) | set(fixed) | {"id"} == {f.name for f in fields(OrderList)}  # every field is one or other
    not_placed = [otoco.legs[0], *(replace(leg, status="not_placed", reason="list_ended") for leg in otoco.legs[1:])]
    write(store, order_lists={oco.id: replace(oco, **moved, **fixed),
                              otoco.id: replace(otoco, status="cancelled", reason="requested", legs=not_placed)})
    expected = replace(oco, **moved)
    assert store.get_order_list("usr_A", oco.id) == expected and store.get_order_list("usr_C", oco.id) is None
    assert store.get_order_list("usr_A", otoco.id) == replace(otoco, status="cancelled", reason="requested",
                                                              legs=not_placed)
    assert store.live_order_lists() == [oto]  # done and cancelled are not working
    assert store.order_list_client_id_taken("usr_A", "bracket-1")
    assert not store.order_list_client_id_taken("usr_C", "other")

    # handed out as copies, and not sharing what the writer still holds
    for read in (lambda: store.get_order_list("usr_A", oco.id), lambda: store.live_order_lists()[0],
                 lambda: store.list_order_lists("usr_A", {}, 10, None)[-1]):
        copy = read()
        assert copy in (expected, oto)
        copy.status, copy.legs[0].status = "rejected", "not_placed"
        copy.legs[0].request["size"] = "7"
        copy.legs.append(Leg("oco", {}))
    oto.legs[1].request["trigger_price"] = "1.00"
    assert store.get_order_list("usr_A", oco.id) == expected and key_orders(store.get_order_list("usr_A", oco.id)) == \
        key_orders(oco)
    assert store.live_order_lists()[0].legs == order_list(2, "usr_B", "ETH/USDT", "oto").legs


def test_a_client_list_id_is_unique_per_account_among_its_strategy_orders(store):
    demo.seed_if_empty(store)
    first = order_list(1, client_list_id="c1")
    anonymous = [order_list(2), order_list(3)]  # no client list id: as many as wanted
    write(store, order_lists={ol.id: ol for ol in (first, *anonymous)})
    assert store.order_list_client_id_taken("usr_A", "c1")
    assert not store.order_list_client_id_taken("usr_B", "c1") and not store.order_list_client_id_taken("usr_A", "c2")
    # orders and conditional orders have client ids of their own
    assert not store.client_order_id_taken("usr_A", "c1") and not store.conditional_client_id_taken("usr_A", "c1")
    order, stop = order_of(1, client_order_id="c1"), conditional(1, client_order_id="c1")
    write(store, orders={order.id: order}, conditionals={stop.id: stop})
    assert store.get_order("usr_A", order.id) == order and store.get_conditional("usr_A", stop.id) == stop
    before = trading_state(store)

    clash = order_list(4, client_list_id="c1")
    twins = [order_list(5, client_list_id="c5"), order_list(6, client_list_id="c5")]
    bad = [order_list(7, kind="bracket"), order_list(8, status="open"), order_list(9, symbol="DOGE/USDT"),
           order_list(10, legs={"role": "oco"}),  # legs must be an array
           replace(first, status="live"), replace(first, legs=None)]  # an update is checked too
    for refused in ([clash], twins, *([b] for b in bad)):
        fine = order_list(11, "usr_B", client_list_id="c1")
        with pytest.raises(Exception):  # noqa: B017 (the implementation's own integrity error)
            write(store, order_lists={ol.id: ol for ol in [fine, *refused]})
        assert trading_state(store) == before
        assert store.get_order_list("usr_B", fine.id) is None
        assert all(store.get_order_list("usr_A", ol.id) in (None, first) for ol in refused)
    assert store.get_order_list("usr_A", first.id) == first
    write(store, order_lists={first.id: replace(first, status="cancelled", reason="requested")})
    assert store.order_list_client_id_taken("usr_A", "c1")  # an ended one keeps its client list id taken
    fine = order_list(11, "usr_B", client_list_id="c1")
    write(store, order_lists={fine.id: fine})
    assert store.get_order_list("usr_B", fine.id) == fine


def test_order_list_pages_filter_and_cover_every_match_once_newest_first(store):
    demo.seed_if_empty(store)
    records = [order_list(i, ACCOUNTS[i % 2], SYMBOLS[i % 3 % 2], ("oco", "oto", "otoco")[i % 3],
                          LIST_STATUSES[i % 4], created_at_ms=T0 + 1000 * i) for i in range(24)]
    write(store, order_lists={ol.id: ol for ol in records})
    middle = T0 + 1000 * 12
    cases = [{}, {"symbol": "ETH/USDT"}, {"live": True}, {"live": False}, {"live": None}, {"start_ms": middle},
             {"end_ms": middle}, {"start_ms": middle - 4000, "end_ms": middle + 4000, "symbol": "BTC/USDT"},
             {"live": True, "symbol": "BTC/USDT", "start_ms": T0 + 3000}, {"symbol": None, "live": False},
             {"symbol": "SOL/USDT"}]

    def matches(ol: OrderList, f: dict) -> bool:
        return ((f.get("symbol") is None or ol.symbol == f["symbol"])
                and (f.get("live") is None or ol.is_live == f["live"])
                and (f.get("start_ms") is None or ol.created_at_ms >= f["start_ms"])
                and (f.get("end_ms") is None or ol.created_at_ms < f["end_ms"]))

    for account in ACCOUNTS:
        for filters in cases:
            expected = sorted((ol for ol in records if ol.account == account and matches(ol, filters)),
                              key=lambda ol: ol.id, reverse=True)
            for size in (1, 2, 5, 100):
                listed = pages(lambda n, before, a=account, f=filters: store.list_order_lists(a, f, n, before), size)
                assert listed == expected, (account, filters, size)
    assert store.live_order_lists() == [ol for ol in records if ol.is_live]
    assert store.list_order_lists("usr_A", {}, 3, records[-1].id) == \
        sorted((ol for ol in records[:-1] if ol.account == "usr_A"), key=lambda ol: ol.id, reverse=True)[:3]


def test_the_outbox_replays_strategy_orders_to_what_is_stored(store):
    """Batches as the engine writes them — every change of a strategy order with its OrderListUpdated event — leave
    an outbox that replays to exactly the stored lists (check_outbox_replays_the_state)."""
    demo.seed_if_empty(store)
    lists = [order_list(1), order_list(2, "usr_B", kind="oto"), order_list(3, "usr_C", "ETH/USDT", "otoco")]
    steps = [lists,
             [replace(lists[1], legs=[replace(lists[1].legs[0], status="ended"),
                                      replace(lists[1].legs[1], status="live", conditional_order_id="cond_9")],
                      updated_at_ms=T0 + 10)],
             [replace(lists[0], status="cancelled", reason="requested", updated_at_ms=T0 + 20,
                      legs=[replace(leg, status="ended") for leg in lists[0].legs]),
              replace(lists[2], status="rejected", reason="insufficient_balance", updated_at_ms=T0 + 20,
                      legs=[replace(lists[2].legs[0], status="ended"),
                            *(replace(leg, status="not_placed", reason="insufficient_balance")
                              for leg in lists[2].legs[1:])])]]
    for seq, changed in enumerate(steps, start=1):
        write(store, order_lists={ol.id: ol for ol in changed},
              outbox=[Committed(seq, T0 + seq, tuple(OrderListUpdated(ol) for ol in changed))])
    state = check_outbox_replays_the_state(store)
    assert sorted(state["order_lists"]) == [ol.id for ol in lists]
    assert all(store.get_order_list(ol.account, ol.id) == ol for ol in state["order_lists"].values())
    assert store.live_order_lists() == [state["order_lists"][lists[1].id]]
    check_reads(store)
