"""The store contract: the behaviour every implementation of the ports in `impl.domain.ports` (MarketStore,
IdentityStore, IdempotencyStore) must show, whatever holds the data. Tests call only the ports' methods.

To run it against an implementation, a test module star-imports this one and defines the fixture `make_store`
(module-scoped): a no-argument factory returning a fresh, empty, migrated store. tests/unit/test_store_contract.py
runs it for SQLite and the in-memory store; a PostgreSQL store adds one factory there (or its own module).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impl import demo
from impl.domain.candles import INTERVAL_MS, apply_trade, bucket
from impl.domain.identity_model import ApiKey, Session, User
from impl.domain.model import Candle, Trade
from impl.domain.ports import AlreadyExists

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
