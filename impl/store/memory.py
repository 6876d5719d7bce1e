"""An in-memory store, for unit tests only: every port of `impl.domain.ports` (`MarketStore`, `IdentityStore`,
`IdempotencyStore`, `TradingStore`, `OutboxStore`) over plain dicts, behaving as impl/store/sqlite.py does
(tests/store_contract.py runs the same tests against both). Nothing survives the process.

Invariants: one lock guards every method, so each is atomic and a single-use claim has exactly one winner; only
immutable values are held and handed out (entries are replaced, never mutated; orders and conditional orders, which
are mutable dataclasses, are copied in and out with their `snapshot()`; strategy orders, whose legs hold request dicts,
are copied in and out through the JSON the SQL stores keep their legs in, so they come back as those stores give them;
outbox rows are kept encoded and decoded afresh on every read); a write checks everything before it changes anything,
so a refused write changes nothing.
Uniqueness, ordering and pagination are those of the SQL schema and queries: users unique by id, email and wallet
address; sessions by id and cookie hash; assets by code, markets by symbol (listed in insertion order), trades by
id; orders by id and by (account, client order id); conditional orders likewise, with client order ids of their
own; strategy orders by id and by (account, client list id); pages newest (greatest id) first.

Trading: `transaction()` is the store lock plus an undo log — every change made inside it to orders, conditional
orders, strategy orders, fills, trades and candles, the journal, balances, L2 sequences, the outbox, the operator
inbox and idempotency records records the value it replaced, and an exception anywhere in the block restores them,
so a transaction commits whole or not at all as SQLite's does. `write_trading` also checks every constraint of the
SQL schema (unique ids, one client order id per account among its orders and one among its conditional orders, one
client list id per account among its strategy orders, listed markets and assets, non-negative balances outside
`sys:deposits`, enumerated columns, a strategy order's legs an array) before it changes anything, and raises
`IntegrityError` (a bug in the writer, like SQLite's) for a broken one. `claim_writer` is a no-op: no other process
can reach this store's memory.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import NamedTuple

import orjson

from impl.domain import events
from impl.domain.candles import fold_trades
from impl.domain.conditional import FINAL_STATUSES, KINDS, LIVE_STATUSES, ConditionalOrder
from impl.domain.events import Committed
from impl.domain.identity_model import ApiKey, Session, User
from impl.domain.ledger import BUCKETS, DEPOSITS, ENTRY_KINDS, Entry
from impl.domain.model import Candle, Market, Trade
from impl.domain.order_lists import LIST_STATUSES, TYPES, Leg, OrderList
from impl.domain.orders import OPEN_STATUSES, FillRecord, OrderState
from impl.domain.ports import AlreadyExists, Balance, BookState, OperatorCommand, OperatorCommandState
from impl.domain.records import IdempotencyRecord, ListenKeyOwner, LoginAttempts, Purged, RefreshRotation

_DAY_MS = 86_400_000
_USER_FIELDS = {"totp_sealed", "totp_pending", "totp_last_step", "invite_status", "password_hash"}


class _Refresh(NamedTuple):
    session_id: str
    expires_at_ms: int
    rotated_at_ms: int | None


class _Nonce(NamedTuple):
    expires_at_ms: int
    used_at_ms: int | None


class _ListenKey(NamedTuple):
    user_id: str
    created_at_ms: int
    expires_at_ms: int


class _Idempotency(NamedTuple):
    created_at_ms: int
    record: IdempotencyRecord


class _Operator(NamedTuple):
    command: str
    state: str  # pending | done | failed
    result: str | None
    created_at_ms: int


_MISSING = object()
# The columns of the orders table that an upsert of an existing order changes (impl/store/trading.py `_MUTABLE`):
# an order's identity, owner, market, kind, client order id and creation time are fixed when it is first written.
_MUTABLE = ("price", "size", "status", "filled", "filled_quote", "fee", "remaining", "reserved", "cancel_reason", "seq",
            "updated_at_ms")
_ORDER_CHECKS = {"side": ("buy", "sell"), "type": ("limit", "market"), "tif": ("GTC", "IOC", "FOK"),
                 "status": ("open", "partially_filled", "filled", "cancelled", "expired")}
# Likewise for conditional orders (impl/store/trading.py `_CONDITIONAL_MUTABLE`, migrations/0008): what the engine
# moves after placement changes; what it was placed with does not.
_CONDITIONAL_MUTABLE = ("trigger_price", "tracked_price", "status", "reason", "order_id", "reserved", "updated_at_ms",
                        "triggered_at_ms")
_CONDITIONAL_CHECKS = {"side": ("buy", "sell"), "type": KINDS, "trigger_direction": ("rise", "fall"),
                       "tif": ("GTC", "IOC", "FOK"), "status": LIVE_STATUSES + FINAL_STATUSES}
# Likewise for strategy orders (impl/store/trading.py `_ORDER_LIST_MUTABLE`, migrations/0009). The enumerated columns
# are CHECKs, which SQL applies to every row written, an update's too; the legs' JSON must be an array (its CHECK).
_ORDER_LIST_MUTABLE = ("status", "reason", "legs", "updated_at_ms")
_ORDER_LIST_CHECKS = {"type": TYPES, "status": LIST_STATUSES}


class IntegrityError(RuntimeError):
    """A batch that breaks a constraint of the trading tables (as `sqlite3.IntegrityError` would): a bug in the
    writer, which checks every rule before it builds a batch — never a refusal to answer a request with."""


def _unique(what: str, new: Iterable, existing, error: type[Exception] = AlreadyExists) -> None:
    seen = set()
    for value in new:
        if value in existing or value in seen:
            raise error(f"{what} {value!r} already exists.")
        seen.add(value)


class MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        # listings and the public trade tape
        self._assets: dict[str, int] = {}
        self._markets: dict[str, Market] = {}  # in listing order
        self._trades: dict[str, Trade] = {}
        self._candles: dict[tuple[str, str], dict[int, Candle]] = {}  # (symbol, interval) -> open time -> candle
        # identity and access
        self._users: dict[str, User] = {}
        self._sessions: dict[str, Session] = {}
        self._cookies: dict[str, str] = {}  # cookie hash -> session id
        self._refresh: dict[str, _Refresh] = {}
        self._nonces: dict[str, _Nonce] = {}
        self._invites: dict[str, str | None] = {}  # code -> redeemed by
        self._login_attempts: dict[str, LoginAttempts] = {}  # subject -> its current window
        self._keys: dict[str, ApiKey] = {}
        self._listen: dict[str, _ListenKey] = {}  # in insertion order, which breaks ties of created_at_ms
        self._idempotency: dict[tuple[str, str], _Idempotency] = {}
        # trading (the engine's unit of work) and its outbox
        self._orders: dict[str, OrderState] = {}  # id -> order (a private copy, replaced on every write)
        self._client_ids: dict[tuple[str, str], str] = {}  # (account, client order id) -> order id
        self._conditionals: dict[str, ConditionalOrder] = {}  # id -> conditional order (a private copy, as orders)
        self._conditional_client_ids: dict[tuple[str, str], str] = {}  # (account, client order id) -> its id
        self._order_lists: dict[str, OrderList] = {}  # id -> strategy order (a private copy, see _through_json)
        self._order_list_client_ids: dict[tuple[str, str], str] = {}  # (account, client list id) -> its id
        self._fills: dict[str, FillRecord] = {}
        self._entries: dict[int, Entry] = {}  # journal entry id -> entry with its postings
        self._balances: dict[tuple[str, str], Balance] = {}
        self._sequences: dict[str, int] = {}  # symbol -> L2 sequence
        self._outbox: dict[int, tuple[int, bytes]] = {}  # seq -> (ts_ms, events encoded), in seq order
        self._operator: dict[int, _Operator] = {}
        self._counters = {"outbox": 0, "operator": 0}  # highest outbox seq ever written, last operator row id
        self._undo: list[tuple[dict, object, object]] | None = None  # inside transaction(): (mapping, key, old)

    def migrate(self) -> list[str]:
        return []

    def close(self) -> None:
        pass

    # -- markets ---------------------------------------------------------------------------------------------
    def add_assets(self, assets: dict[str, int]) -> None:
        with self._lock:
            _unique("asset", assets, self._assets)
            self._assets.update(assets)

    def list_assets(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._assets.items()))

    def add_markets(self, markets: Iterable[Market]) -> None:
        markets = list(markets)
        with self._lock:
            _unique("market", (m.symbol for m in markets), self._markets)
            if any(a not in self._assets for m in markets for a in (m.base, m.quote)):
                raise ValueError("a market's base and quote must be registered assets")
            self._markets.update((m.symbol, m) for m in markets)

    def list_markets(self) -> list[Market]:
        with self._lock:
            return list(self._markets.values())

    def seed_listings(self, assets: dict[str, int], markets: Iterable[Market]) -> bool:
        with self._lock:
            if self._markets:
                return False
            self.add_assets(assets)
            self.add_markets(markets)
            return True

    # -- trades and candles ----------------------------------------------------------------------------------
    def record_trades(self, trades: Sequence[Trade]) -> None:
        with self._lock:
            self._check_trades(trades)
            self._insert_trades(trades)

    def _check_trades(self, trades: Sequence[Trade], error: type[Exception] = AlreadyExists) -> None:
        _unique("trade", (t.id for t in trades), self._trades, error)
        for t in trades:
            if t.symbol not in self._markets or t.price <= 0 or t.size <= 0 or t.taker_side not in ("buy", "sell"):
                raise ValueError(f"invalid trade {t!r}")

    def _insert_trades(self, trades: Sequence[Trade]) -> None:
        """Store checked trades and fold them, in order, into the candles of every interval (as SQLite does)."""
        for t in trades:
            self._put(self._trades, t.id, t)
        def stored(symbol: str, interval: str, open_time: int) -> Candle | None:
            return self._candles.get((symbol, interval), {}).get(open_time)

        for (symbol, interval, open_time), candle in fold_trades(trades, stored).items():
            series = self._candles.get((symbol, interval))
            if series is None:
                series = {}
                self._put(self._candles, (symbol, interval), series)
            self._put(series, open_time, candle)

    def list_trades(self, symbol: str, limit: int, before_id: str | None) -> list[Trade]:
        with self._lock:
            found = [t for t in self._trades.values()
                     if t.symbol == symbol and (before_id is None or t.id < before_id)]
        return sorted(found, key=lambda t: t.id, reverse=True)[:limit]

    def get_trade(self, trade_id: str) -> Trade | None:
        with self._lock:
            return self._trades.get(trade_id)

    def candles(self, symbol: str, interval: str, start_ms: int | None, end_ms: int | None, limit: int) -> list[Candle]:
        with self._lock:
            series = list(self._candles.get((symbol, interval), {}).values())
        inside = sorted((c for c in series if (start_ms is None or c.open_time_ms >= start_ms)
                         and (end_ms is None or c.open_time_ms < end_ms)), key=lambda c: c.open_time_ms)
        return inside[-limit:] if limit > 0 else []

    # -- users -----------------------------------------------------------------------------------------------
    def add_user(self, user: User) -> None:
        with self._lock:
            taken = any(u.id == user.id or (user.email is not None and u.email == user.email)
                        or (user.wallet_address is not None and u.wallet_address == user.wallet_address)
                        for u in self._users.values())
            if taken:
                raise AlreadyExists("A user with this id, email or wallet address already exists.")
            self._users[user.id] = user

    def user_by(self, column: str, value: str) -> User | None:
        assert column in ("id", "email", "wallet_address")
        with self._lock:
            return next((u for u in self._users.values() if getattr(u, column) == value), None)

    def update_user(self, user_id: str, **fields) -> None:
        assert fields and set(fields) <= _USER_FIELDS
        with self._lock:
            if user_id in self._users:
                self._users[user_id] = replace(self._users[user_id], **fields)

    def advance_totp_step(self, user_id: str, step: int) -> bool:
        with self._lock:
            user = self._users.get(user_id)
            if user is None or (user.totp_last_step is not None and user.totp_last_step >= step):
                return False
            self._users[user_id] = replace(user, totp_last_step=step)
            return True

    # -- sessions and refresh tokens ---------------------------------------------------------------------------
    def add_session(self, session: Session, cookie_hash: str | None = None) -> None:
        with self._lock:
            _unique("session", [session.id], self._sessions)
            if cookie_hash is not None:
                _unique("cookie", [cookie_hash], self._cookies)
                self._cookies[cookie_hash] = session.id
            self._sessions[session.id] = session

    def session(self, session_id: str) -> Session | None:
        with self._lock:
            return self._sessions.get(session_id)

    def session_by_cookie(self, cookie_hash: str) -> Session | None:
        with self._lock:
            session_id = self._cookies.get(cookie_hash)
            return self._sessions.get(session_id) if session_id else None

    def revoke_session(self, session_id: str, now_ms: int) -> None:
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None and session.revoked_at_ms is None:
                self._sessions[session_id] = replace(session, revoked_at_ms=now_ms)

    def add_refresh_token(self, token_hash: str, session_id: str, now_ms: int, expires_at_ms: int) -> None:
        with self._lock:
            _unique("refresh token", [token_hash], self._refresh)
            self._refresh[token_hash] = _Refresh(session_id, expires_at_ms, None)

    def rotate_refresh_token(self, token_hash: str, now_ms: int) -> RefreshRotation | None:
        with self._lock:
            token = self._refresh.get(token_hash)
            if token is None or token.expires_at_ms <= now_ms:
                return None
            if token.rotated_at_ms is not None:
                return RefreshRotation(token.session_id, "reused")
            self._refresh[token_hash] = token._replace(rotated_at_ms=now_ms)
            return RefreshRotation(token.session_id, "rotated")

    # -- wallet nonces and invites -----------------------------------------------------------------------------
    def add_nonce(self, nonce: str, expires_at_ms: int) -> None:
        with self._lock:
            self._nonces = {k: n for k, n in self._nonces.items() if n.expires_at_ms >= expires_at_ms - _DAY_MS}
            _unique("nonce", [nonce], self._nonces)
            self._nonces[nonce] = _Nonce(expires_at_ms, None)

    def consume_nonce(self, nonce: str, now_ms: int) -> bool:
        with self._lock:
            found = self._nonces.get(nonce)
            if found is None or found.used_at_ms is not None or found.expires_at_ms <= now_ms:
                return False
            self._nonces[nonce] = found._replace(used_at_ms=now_ms)
            return True

    def count_login_attempt(self, subject: str, now_ms: int, window_ms: int) -> LoginAttempts:
        with self._lock:
            self._login_attempts = {k: a for k, a in self._login_attempts.items() if a.window_ends_at_ms > now_ms}
            current = self._login_attempts.get(subject)
            counted = (LoginAttempts(1, now_ms + window_ms) if current is None
                       else current._replace(attempts=current.attempts + 1))
            self._login_attempts[subject] = counted
            return counted

    def clear_login_attempts(self, subject: str) -> None:
        with self._lock:
            self._login_attempts.pop(subject, None)

    def add_invite(self, code: str, now_ms: int) -> None:
        with self._lock:
            _unique("invite", [code], self._invites)
            self._invites[code] = None

    def redeem_invite(self, code: str, user_id: str, now_ms: int) -> bool:
        with self._lock:
            if code not in self._invites or self._invites[code] is not None:
                return False
            self._invites[code] = user_id
            if user_id in self._users:
                self._users[user_id] = replace(self._users[user_id], invite_status="redeemed")
            return True

    # -- API keys ----------------------------------------------------------------------------------------------
    def add_api_key(self, key: ApiKey) -> None:
        with self._lock:
            _unique("API key", [key.id], self._keys)
            self._keys[key.id] = key

    def api_key(self, key_id: str) -> ApiKey | None:
        with self._lock:
            return self._keys.get(key_id)

    def api_keys(self, user_id: str, limit: int, before_id: str | None) -> list[ApiKey]:
        with self._lock:
            found = [k for k in self._keys.values()
                     if k.user_id == user_id and (before_id is None or k.id < before_id)]
        return sorted(found, key=lambda k: k.id, reverse=True)[:limit]

    def count_api_keys(self, user_id: str) -> int:
        with self._lock:
            return sum(k.user_id == user_id for k in self._keys.values())

    def replace_api_key(self, key: ApiKey) -> None:
        with self._lock:
            old = self._keys.get(key.id)
            if old is not None:  # id, owner and creation time never change
                self._keys[key.id] = replace(key, user_id=old.user_id, created_at_ms=old.created_at_ms)

    def delete_api_keys(self, user_id: str, key_id: str | None = None) -> int:
        with self._lock:
            doomed = [k.id for k in self._keys.values() if k.user_id == user_id and key_id in (None, k.id)]
            for k in doomed:
                del self._keys[k]
            return len(doomed)

    # -- listen keys -------------------------------------------------------------------------------------------
    def add_listen_key(self, key_hash: str, user_id: str, now_ms: int, expires_at_ms: int, limit: int) -> None:
        with self._lock:
            live = {h: k for h, k in self._listen.items() if k.expires_at_ms > now_ms}
            _unique("listen key", [key_hash], live)
            # stable sort: creation time, then insertion order
            mine = sorted((h for h, k in live.items() if k.user_id == user_id), key=lambda h: live[h].created_at_ms)
            for h in mine[:max(len(mine) - (limit - 1), 0)]:
                del live[h]
            live[key_hash] = _ListenKey(user_id, now_ms, expires_at_ms)
            self._listen = live

    def listen_key(self, key_hash: str, now_ms: int) -> ListenKeyOwner | None:
        with self._lock:
            key = self._listen.get(key_hash)
        return ListenKeyOwner(key.user_id, key.expires_at_ms) if key and key.expires_at_ms > now_ms else None

    def extend_listen_key(self, key_hash: str, user_id: str, now_ms: int, expires_at_ms: int) -> bool:
        with self._lock:
            key = self._listen.get(key_hash)
            if key is None or key.user_id != user_id or key.expires_at_ms <= now_ms:
                return False
            self._listen[key_hash] = key._replace(expires_at_ms=expires_at_ms)
            return True

    def delete_listen_key(self, key_hash: str, user_id: str, now_ms: int) -> bool:
        with self._lock:
            key = self._listen.get(key_hash)
            deleted = key is not None and key.user_id == user_id and key.expires_at_ms > now_ms
            self._listen = {h: k for h, k in self._listen.items()
                            if k.expires_at_ms > now_ms and not (deleted and h == key_hash)}
            return deleted

    # -- housekeeping ------------------------------------------------------------------------------------------
    def purge_expired_identity(self, now_ms: int) -> Purged:
        with self._lock:
            dead = {i for i, s in self._sessions.items() if s.expires_at_ms <= now_ms or s.revoked_at_ms is not None}
            tokens = [h for h, t in self._refresh.items() if t.expires_at_ms <= now_ms or t.session_id in dead]
            nonces = [n for n, v in self._nonces.items() if v.expires_at_ms <= now_ms]
            listen = [h for h, k in self._listen.items() if k.expires_at_ms <= now_ms]
            for table, doomed in ((self._refresh, tokens), (self._sessions, dead), (self._nonces, nonces),
                                  (self._listen, listen)):
                for k in doomed:
                    del table[k]
            self._cookies = {c: i for c, i in self._cookies.items() if i not in dead}
            return Purged(len(dead), len(tokens), len(nonces), len(listen))

    # -- idempotency -------------------------------------------------------------------------------------------
    def reserve_idempotency_key(self, account_id: str, key: str, fingerprint: str, now_ms: int,
                                ttl_ms: int, abandon_after_ms: int | None = None) -> IdempotencyRecord | None:
        with self._lock:
            self.purge_expired_idempotency_keys(now_ms, ttl_ms)
            found = self._idempotency.get((account_id, key))
            if found is not None and not (abandon_after_ms is not None and found.record.state == "in_flight"
                                          and found.created_at_ms <= now_ms - abandon_after_ms):
                return found.record
            record = IdempotencyRecord(fingerprint, "in_flight", None, None, None, None)
            self._put(self._idempotency, (account_id, key), _Idempotency(now_ms, record))
            return None

    def complete_idempotency_key(self, account_id: str, key: str, status: int, headers: str, body: bytes) -> None:
        with self._lock:
            found = self._idempotency.get((account_id, key))
            # in flight, or `done` by the engine with only its result: the answer is not stored yet
            if found is not None and (found.record.state == "in_flight" or found.record.status is None):
                record = found.record._replace(state="done", status=status, headers=headers, body=body)
                self._put(self._idempotency, (account_id, key), found._replace(record=record))

    def idempotency_result(self, account_id: str, key: str) -> bytes | None:
        return self.idempotency_results([(account_id, key)]).get((account_id, key))

    def idempotency_results(self, keys) -> dict[tuple[str, str], bytes]:
        with self._lock:
            found = {pair: self._idempotency.get(pair) for pair in keys}
            return {pair: f.record.result for pair, f in found.items()
                    if f is not None and f.record.state == "done" and f.record.result is not None}

    def release_idempotency_key(self, account_id: str, key: str) -> None:
        with self._lock:
            found = self._idempotency.get((account_id, key))
            if found is not None and found.record.state == "in_flight":
                self._drop(self._idempotency, (account_id, key))

    def release_unfinished_idempotency_keys(self) -> int:
        with self._lock:
            return self._forget_idempotency(lambda entry: entry.record.state == "in_flight")

    def purge_expired_idempotency_keys(self, now_ms: int, ttl_ms: int) -> int:
        with self._lock:
            return self._forget_idempotency(lambda entry: entry.created_at_ms <= now_ms - ttl_ms)

    def _forget_idempotency(self, doomed) -> int:
        keys = [k for k, e in self._idempotency.items() if doomed(e)]
        for k in keys:  # in place: an open transaction's undo log refers to this dict
            self._drop(self._idempotency, k)
        return len(keys)

    # -- the trading unit of work ------------------------------------------------------------------------------
    def claim_writer(self, wait: bool = False) -> None:
        """Nothing to claim: this store lives in one process's memory, where no other process can write to it
        (and one process runs one engine per store)."""

    def release_writer(self) -> None:
        pass

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The store lock for the whole block; what the block changed is undone if it raises. A nested call is
        part of the outer transaction."""
        with self._lock:
            if self._undo is not None:
                yield
                return
            self._undo = []
            try:
                yield
            except BaseException:
                for mapping, key, old in reversed(self._undo):
                    if old is _MISSING:
                        mapping.pop(key, None)
                    else:
                        mapping[key] = old
                raise
            finally:
                self._undo = None

    def _put(self, mapping: dict, key, value) -> None:
        if self._undo is not None:
            self._undo.append((mapping, key, mapping.get(key, _MISSING)))
        mapping[key] = value

    def _drop(self, mapping: dict, key) -> None:
        if self._undo is not None:
            self._undo.append((mapping, key, mapping.get(key, _MISSING)))
        mapping.pop(key, None)

    def write_trading(self, batch) -> None:
        with self._lock:
            order_lists = [_through_json(ol) for ol in batch.order_lists.values()]  # legs that cannot be stored raise
            self._check_batch(batch, order_lists)
            for order in batch.orders.values():
                stored = self._orders.get(order.id)
                if stored is None:
                    stored = order.snapshot()
                    if stored.client_order_id is not None:
                        self._put(self._client_ids, (stored.account, stored.client_order_id), stored.id)
                else:  # an upsert changes only what can change (as SQLite's ON CONFLICT ... DO UPDATE)
                    stored = stored.snapshot()
                    for column in _MUTABLE:
                        setattr(stored, column, getattr(order, column))
                self._put(self._orders, stored.id, stored)
            for conditional in batch.conditionals.values():
                stored = self._conditionals.get(conditional.id)
                if stored is None:
                    stored = conditional.snapshot()
                    if stored.client_order_id is not None:
                        self._put(self._conditional_client_ids, (stored.account, stored.client_order_id), stored.id)
                else:
                    stored = stored.snapshot()
                    for column in _CONDITIONAL_MUTABLE:
                        setattr(stored, column, getattr(conditional, column))
                self._put(self._conditionals, stored.id, stored)
            for order_list in order_lists:
                stored = self._order_lists.get(order_list.id)
                if stored is None:
                    stored = order_list
                    if stored.client_list_id is not None:
                        self._put(self._order_list_client_ids, (stored.account, stored.client_list_id), stored.id)
                else:
                    stored = replace(stored, **{column: getattr(order_list, column) for column in _ORDER_LIST_MUTABLE})
                self._put(self._order_lists, stored.id, stored)
            self._insert_trades(batch.trades)
            for fill in batch.fills:
                self._put(self._fills, fill.id, fill)
            for i, entry in enumerate(batch.journal.entries):
                self._put(self._entries, batch.first_entry_id + i, Entry(*entry))
            for account, asset, free, locked in batch.balances:
                self._put(self._balances, (account, asset), Balance(free, locked))
            for symbol, sequence in batch.sequences.items():
                self._put(self._sequences, symbol, sequence)
            for committed in batch.outbox:
                # kept encoded, as SQLite keeps them: every read decodes fresh records (an OrderState is mutable)
                self._put(self._outbox, committed.seq, (committed.ts_ms, events.encode(committed.events)))
                if committed.seq > self._counters["outbox"]:
                    self._put(self._counters, "outbox", committed.seq)
            if batch.prune_outbox_through is not None:
                for seq in [s for s in self._outbox if s <= batch.prune_outbox_through]:
                    self._drop(self._outbox, seq)
            for origin, account, key, result in batch.results:
                if origin == "operator":
                    row = self._operator.get(int(key))
                    if row is not None and row.state == "pending":
                        self._put(self._operator, int(key), row._replace(state="done", result=result))
                else:
                    found = self._idempotency.get((account, key))
                    if found is not None:
                        record = found.record._replace(state="done", result=result)
                        self._put(self._idempotency, (account, key), found._replace(record=record))

    def _check_batch(self, batch, order_lists: list[OrderList]) -> None:
        """Every constraint of the SQL schema that the batch could break, checked before anything changes
        (`order_lists`: the batch's, as they would be stored)."""
        new_client_ids: set[tuple[str, str]] = set()
        for order in batch.orders.values():
            if order.id in self._orders:
                continue  # an update: its owner and client order id stay as stored
            if order.symbol not in self._markets:
                raise IntegrityError(f"order {order.id}: no market {order.symbol!r}")
            if any(getattr(order, column) not in allowed for column, allowed in _ORDER_CHECKS.items()):
                raise IntegrityError(f"invalid order {order!r}")
            if order.client_order_id is not None:
                key = (order.account, order.client_order_id)
                if key in self._client_ids or key in new_client_ids:
                    raise IntegrityError(f"client order id {order.client_order_id!r} of {order.account} is taken.")
                new_client_ids.add(key)
        new_conditional_ids: set[tuple[str, str]] = set()
        for conditional in batch.conditionals.values():
            if conditional.reserved < 0:
                raise IntegrityError(f"conditional order {conditional.id}: negative reservation")
            if conditional.id in self._conditionals:
                continue  # an update: what it was placed with stays as stored
            if conditional.symbol not in self._markets:
                raise IntegrityError(f"conditional order {conditional.id}: no market {conditional.symbol!r}")
            if any(getattr(conditional, column) not in allowed for column, allowed in _CONDITIONAL_CHECKS.items()):
                raise IntegrityError(f"invalid conditional order {conditional!r}")
            if conditional.client_order_id is not None:
                key = (conditional.account, conditional.client_order_id)
                if key in self._conditional_client_ids or key in new_conditional_ids:
                    raise IntegrityError(f"client order id {conditional.client_order_id!r} of {conditional.account}"
                                         " is taken by a conditional order.")
                new_conditional_ids.add(key)
        new_list_ids: set[tuple[str, str]] = set()
        for order_list in order_lists:
            if any(getattr(order_list, column) not in allowed for column, allowed in _ORDER_LIST_CHECKS.items()):
                raise IntegrityError(f"invalid strategy order {order_list!r}")
            if not isinstance(order_list.legs, list):
                raise IntegrityError(f"strategy order {order_list.id}: legs {order_list.legs!r} are not an array")
            if order_list.id in self._order_lists:
                continue  # an update: what it was placed with stays as stored
            if order_list.symbol not in self._markets:
                raise IntegrityError(f"strategy order {order_list.id}: no market {order_list.symbol!r}")
            if order_list.client_list_id is not None:
                key = (order_list.account, order_list.client_list_id)
                if key in self._order_list_client_ids or key in new_list_ids:
                    raise IntegrityError(f"client list id {order_list.client_list_id!r} of {order_list.account}"
                                         " is taken.")
                new_list_ids.add(key)
        self._check_trades(batch.trades, IntegrityError)
        _unique("fill", (f.id for f in batch.fills), self._fills, IntegrityError)
        trade_ids = {t.id for t in batch.trades}
        for f in batch.fills:
            if f.order_id not in self._orders and f.order_id not in batch.orders:
                raise IntegrityError(f"fill {f.id}: no order {f.order_id}")
            if f.trade_id not in self._trades and f.trade_id not in trade_ids:
                raise IntegrityError(f"fill {f.id}: no trade {f.trade_id}")
            if f.liquidity not in ("maker", "taker"):
                raise IntegrityError(f"fill {f.id}: liquidity {f.liquidity!r}")
        entries = batch.journal.entries
        _unique("journal entry", range(batch.first_entry_id, batch.first_entry_id + len(entries)), self._entries,
                IntegrityError)
        for entry in entries:
            if entry.kind not in ENTRY_KINDS:
                raise IntegrityError(f"journal entry kind {entry.kind!r}")
            for p in entry.postings:
                if p.asset not in self._assets or p.bucket not in BUCKETS or p.amount == 0:
                    raise IntegrityError(f"invalid posting {p!r}")
        for account, asset, free, locked in batch.balances:
            if asset not in self._assets:
                raise IntegrityError(f"balance in unknown asset {asset!r}")
            if account != DEPOSITS and (free < 0 or locked < 0):
                raise IntegrityError(f"negative balance {account} {asset}: {free}, {locked}")
        if any(symbol not in self._markets for symbol in batch.sequences):
            raise IntegrityError("an L2 sequence of an unlisted market")
        _unique("outbox row", (c.seq for c in batch.outbox), self._outbox, IntegrityError)

    # -- what the engine is rebuilt from ---------------------------------------------------------------------
    def open_orders(self) -> list[OrderState]:
        with self._lock:
            found = [o.snapshot() for o in self._orders.values() if o.status in OPEN_STATUSES]
        return sorted(found, key=lambda o: (o.symbol, o.seq))

    def all_balances(self) -> dict[tuple[str, str], Balance]:
        with self._lock:
            return dict(self._balances)

    def book_sequences(self) -> dict[str, int]:
        with self._lock:
            return dict(self._sequences)

    def last_entry_id(self) -> int:
        with self._lock:
            return max(self._entries, default=0)

    def client_order_id_taken(self, account: str, client_order_id: str) -> bool:
        with self._lock:
            return (account, client_order_id) in self._client_ids

    def live_conditionals(self) -> list[ConditionalOrder]:
        with self._lock:
            live = [c.snapshot() for c in self._conditionals.values() if c.status in LIVE_STATUSES]
        return sorted(live, key=lambda c: c.id)

    def conditional_client_id_taken(self, account: str, client_order_id: str) -> bool:
        with self._lock:
            return (account, client_order_id) in self._conditional_client_ids

    def live_order_lists(self) -> list[OrderList]:
        with self._lock:
            live = [_through_json(ol) for ol in self._order_lists.values() if ol.is_live]
        return sorted(live, key=lambda ol: ol.id)

    def order_list_client_id_taken(self, account: str, client_list_id: str) -> bool:
        with self._lock:
            return (account, client_list_id) in self._order_list_client_ids

    def last_prices(self) -> dict[str, int]:
        """The price of each market's newest trade (greatest id), as SQLite's query."""
        with self._lock:
            newest: dict[str, Trade] = {}
            for t in self._trades.values():
                if t.symbol not in newest or t.id > newest[t.symbol].id:
                    newest[t.symbol] = t
        return {symbol: t.price for symbol, t in newest.items()}

    # -- reads of the committed state ------------------------------------------------------------------------
    def get_order(self, account: str, order_id: str) -> OrderState | None:
        with self._lock:
            order = self._orders.get(order_id)
            return order.snapshot() if order is not None and order.account == account else None

    def list_orders(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[OrderState]:
        with self._lock:
            found = _page(self._orders.values(), account, filters, limit, before_id, "created_at_ms")
            return [o.snapshot() for o in found]

    def list_fills(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[FillRecord]:
        with self._lock:
            return _page(self._fills.values(), account, filters, limit, before_id, "ts_ms")

    def get_conditional(self, account: str, conditional_id: str) -> ConditionalOrder | None:
        with self._lock:
            found = self._conditionals.get(conditional_id)
            return found.snapshot() if found is not None and found.account == account else None

    def list_conditionals(self, account: str, filters: dict, limit: int,
                          before_id: str | None) -> list[ConditionalOrder]:
        live = filters.get("live")
        with self._lock:
            candidates = [c for c in self._conditionals.values() if live is None or c.is_live == live]
            found = _page(candidates, account, {k: filters.get(k) for k in ("symbol", "start_ms", "end_ms")}, limit,
                          before_id, "created_at_ms")
            return [c.snapshot() for c in found]

    def get_order_list(self, account: str, order_list_id: str) -> OrderList | None:
        with self._lock:
            found = self._order_lists.get(order_list_id)
            return _through_json(found) if found is not None and found.account == account else None

    def list_order_lists(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[OrderList]:
        live = filters.get("live")
        with self._lock:
            candidates = [ol for ol in self._order_lists.values() if live is None or ol.is_live == live]
            found = _page(candidates, account, {k: filters.get(k) for k in ("symbol", "start_ms", "end_ms")}, limit,
                          before_id, "created_at_ms")
            return [_through_json(ol) for ol in found]

    def balance(self, account: str, asset: str) -> Balance:
        with self._lock:
            return self._balances.get((account, asset), Balance(0, 0))

    def balances_of(self, account: str) -> dict[str, Balance]:
        with self._lock:
            return {asset: b for (owner, asset), b in self._balances.items() if owner == account}

    def ledger_report(self) -> dict:
        """As SQLite's (impl/store/trading.py), computed here: the same keys, rows as the same tuples."""
        with self._lock:
            entries = dict(self._entries)
            balances = dict(self._balances)
            resting = [o.snapshot() for o in self._orders.values() if o.status in OPEN_STATUSES]
            live = [c.snapshot() for c in self._conditionals.values() if c.status in LIVE_STATUSES]
            markets = dict(self._markets)
        sums: dict[tuple[int, str], int] = {}
        posted: dict[tuple[str, str], list[int]] = {}
        for entry_id, entry in entries.items():
            for p in entry.postings:
                sums[(entry_id, p.asset)] = sums.get((entry_id, p.asset), 0) + p.amount
                posted.setdefault((p.account, p.asset), [0, 0])[BUCKETS.index(p.bucket)] += p.amount
        unbalanced = [(entry_id, asset, total) for (entry_id, asset), total in sorted(sums.items()) if total != 0]
        drift = [(account, asset, b.free, b.locked, *posted.get((account, asset), (0, 0)))
                 for (account, asset), b in sorted(balances.items())
                 if (b.free, b.locked) != tuple(posted.get((account, asset), (0, 0)))]
        negative = [(account, asset, b.free, b.locked) for (account, asset), b in sorted(balances.items())
                    if account != DEPOSITS and (b.free < 0 or b.locked < 0)]
        reserved_by: dict[tuple[str, str], int] = {}
        for o in [*resting, *live]:  # open orders' and live conditional orders' reservations
            m = markets.get(o.symbol)
            if m is not None:
                key = (o.account, m.quote if o.side == "buy" else m.base)
                reserved_by[key] = reserved_by.get(key, 0) + o.reserved
        locked = {key: b.locked for key, b in balances.items() if b.locked != 0}
        lock_mismatch = [(k, locked.get(k, 0), reserved_by.get(k, 0)) for k in set(locked) | set(reserved_by)
                         if locked.get(k, 0) != reserved_by.get(k, 0)]
        totals: dict[str, int] = {}
        for (_, asset), b in balances.items():
            totals[asset] = totals.get(asset, 0) + b.free + b.locked
        # What start-up could not rebuild a book from: two resting orders with one time priority, or a book whose
        # best bid reaches its best ask.
        priorities: dict[tuple[str, int | None], int] = {}
        bids: dict[str, int] = {}
        asks: dict[str, int] = {}
        for o in resting:
            priorities[(o.symbol, o.seq)] = priorities.get((o.symbol, o.seq), 0) + 1
            if o.price is not None:
                best, better = (bids, max) if o.side == "buy" else (asks, min)
                best[o.symbol] = better(best.get(o.symbol, o.price), o.price)
        duplicates = [(symbol, seq, n) for (symbol, seq), n in priorities.items() if n > 1]
        crossed = [(symbol, bid, asks[symbol]) for symbol, bid in sorted(bids.items())
                   if symbol in asks and bid >= asks[symbol]]
        return {"unbalanced_entries": unbalanced, "balance_drift": drift, "negative_balances": negative,
                "locked_vs_reserved": lock_mismatch, "duplicate_priorities": duplicates, "crossed_books": crossed,
                "asset_totals": dict(sorted(totals.items()))}

    # -- the operator inbox ----------------------------------------------------------------------------------
    def enqueue_operator_command(self, command: str, now_ms: int) -> int:
        with self._lock:
            command_id = self._counters["operator"] + 1  # ids are never reused (AUTOINCREMENT)
            self._put(self._counters, "operator", command_id)
            self._put(self._operator, command_id, _Operator(command, "pending", None, now_ms))
            return command_id

    def pending_operator_commands(self, limit: int) -> list[OperatorCommand]:
        with self._lock:
            pending = [OperatorCommand(i, row.command) for i, row in sorted(self._operator.items())
                       if row.state == "pending"]
        return pending[:limit]

    def operator_command(self, command_id: int) -> OperatorCommandState | None:
        with self._lock:
            row = self._operator.get(command_id)
        return OperatorCommandState(row.state, row.result) if row is not None else None

    def fail_operator_command(self, command_id: int, result: str) -> None:
        with self._lock:
            row = self._operator.get(command_id)
            if row is not None and row.state == "pending":
                self._put(self._operator, command_id, row._replace(state="failed", result=result))

    # -- the outbox ------------------------------------------------------------------------------------------
    def last_outbox_seq(self) -> int:
        with self._lock:
            return self._counters["outbox"]

    def book_state(self) -> BookState:
        with self._lock:  # re-entrant: the three reads see one state
            return BookState(self.open_orders(), self.book_sequences(), self.last_outbox_seq())

    def outbox_after(self, seq: int, limit: int) -> list[Committed]:
        with self._lock:
            rows = [(s, *self._outbox[s]) for s in sorted(s for s in self._outbox if s > seq)[:max(limit, 0)]]
        return [Committed(s, ts_ms, events.decode(blob)) for s, ts_ms, blob in rows]


def _through_json(order_list: OrderList) -> OrderList:
    """A copy sharing nothing with `order_list`, its legs written to JSON and read back as the SQL stores do
    (impl/store/trading.py `_order_list_row`, `_order_list`): what cannot be stored there raises here too (orjson's
    TypeError), and legs that are not a JSON array are kept as read, for `_check_batch` to refuse."""
    legs = orjson.loads(orjson.dumps(order_list.legs))
    return replace(order_list, legs=[Leg(**leg) for leg in legs] if isinstance(legs, list) else legs)


def _page(records: Iterable, account: str, filters: dict, limit: int, before_id: str | None, time_field: str) -> list:
    """SQLite's `_filters` (impl/store/trading.py) over records: the account's, equal on each given column filter,
    start_ms <= time < end_ms, id < before_id; greatest id first, at most `limit`."""
    equal = {c: filters[c] for c in ("symbol", "status", "side", "client_order_id", "order_id")
             if filters.get(c) is not None}
    start, end = filters.get("start_ms"), filters.get("end_ms")
    found = [r for r in records
             if r.account == account and all(getattr(r, c) == v for c, v in equal.items())
             and (start is None or getattr(r, time_field) >= start) and (end is None or getattr(r, time_field) < end)
             and (before_id is None or r.id < before_id)]
    found.sort(key=lambda r: r.id, reverse=True)
    return found[:max(limit, 0)]
