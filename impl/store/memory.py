"""An in-memory store, for unit tests only: the `MarketStore`, `IdentityStore` and `IdempotencyStore` of
`impl.domain.ports` over plain dicts, behaving as impl/store/sqlite.py does (tests/store_contract.py runs the same
tests against both). Nothing survives the process.

Invariants: one lock guards every method, so each is atomic and a single-use claim has exactly one winner; only
immutable values are held and handed out (entries are replaced, never mutated); a write checks everything before
it changes anything, so a refused write changes nothing. Uniqueness, ordering and pagination are those of the SQL
schema and queries: users unique by id, email and wallet address; sessions by id and cookie hash; assets by code,
markets by symbol (listed in insertion order), trades by id; pages newest (greatest id) first.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import NamedTuple

from impl.domain.candles import INTERVAL_MS, apply_trade, bucket
from impl.domain.identity_model import ApiKey, Session, User
from impl.domain.model import Candle, Market, Trade
from impl.domain.ports import AlreadyExists
from impl.domain.records import IdempotencyRecord, ListenKeyOwner, RefreshRotation

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


def _unique(what: str, new: Iterable, existing) -> None:
    seen = set()
    for value in new:
        if value in existing or value in seen:
            raise AlreadyExists(f"{what} {value!r} already exists.")
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
        self._keys: dict[str, ApiKey] = {}
        self._listen: dict[str, _ListenKey] = {}  # in insertion order, which breaks ties of created_at_ms
        self._idempotency: dict[tuple[str, str], _Idempotency] = {}
        # -- The trading unit of work and the outbox (impl/domain/engine.py's ports) are added here.

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

    # -- trades and candles ----------------------------------------------------------------------------------
    def record_trades(self, trades: Sequence[Trade]) -> None:
        with self._lock:
            _unique("trade", (t.id for t in trades), self._trades)
            for t in trades:
                if t.symbol not in self._markets or t.price <= 0 or t.size <= 0 or t.taker_side not in ("buy", "sell"):
                    raise ValueError(f"invalid trade {t!r}")
            for t in trades:
                self._trades[t.id] = t
                for interval in INTERVAL_MS:
                    series = self._candles.setdefault((t.symbol, interval), {})
                    open_time = bucket(t.ts_ms, interval)
                    series[open_time] = apply_trade(series.get(open_time), open_time, t.price, t.size)

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

    # -- idempotency -------------------------------------------------------------------------------------------
    def reserve_idempotency_key(self, account_id: str, key: str, fingerprint: str, now_ms: int,
                                ttl_ms: int) -> IdempotencyRecord | None:
        with self._lock:
            self.purge_expired_idempotency_keys(now_ms, ttl_ms)
            found = self._idempotency.get((account_id, key))
            if found is not None:
                return found.record
            record = IdempotencyRecord(fingerprint, "in_flight", None, None, None, None)
            self._idempotency[(account_id, key)] = _Idempotency(now_ms, record)
            return None

    def complete_idempotency_key(self, account_id: str, key: str, status: int, headers: str, body: bytes) -> None:
        with self._lock:
            found = self._idempotency.get((account_id, key))
            if found is not None and found.record.state == "in_flight":
                record = found.record._replace(state="done", status=status, headers=headers, body=body)
                self._idempotency[(account_id, key)] = found._replace(record=record)

    def release_idempotency_key(self, account_id: str, key: str) -> None:
        with self._lock:
            found = self._idempotency.get((account_id, key))
            if found is not None and found.record.state == "in_flight":
                del self._idempotency[(account_id, key)]

    def release_unfinished_idempotency_keys(self) -> int:
        with self._lock:
            return self._forget_idempotency(lambda entry: entry.record.state == "in_flight")

    def purge_expired_idempotency_keys(self, now_ms: int, ttl_ms: int) -> int:
        with self._lock:
            return self._forget_idempotency(lambda entry: entry.created_at_ms <= now_ms - ttl_ms)

    def _forget_idempotency(self, doomed) -> int:
        kept = {k: e for k, e in self._idempotency.items() if not doomed(e)}
        forgotten = len(self._idempotency) - len(kept)
        self._idempotency = kept
        return forgotten
