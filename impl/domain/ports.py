"""The stores the domain needs, as Protocols — market data, identity, idempotency, the trading engine's unit of work
and its outbox, the signature replay guard; `impl.store` provides implementations (SQLite, and an in-memory one for
unit tests), and tests/store_contract.py is the behaviour every implementation must show.

Invariants every implementation keeps:
- Each method is atomic: it is seen entirely or not at all, by every thread and every other call.
- Single-use claims (a wallet nonce, an invite, a refresh-token rotation, an idempotency reservation) succeed
  for exactly one of any number of concurrent callers.
- Returned records are immutable values (`impl.domain.model`, `impl.domain.identity_model`, `impl.domain.records`);
  a store never hands out something whose later mutation would change what it holds.
- Paginated reads take `limit` and an exclusive `before_id` cursor and return newest (greatest id) first.
Times are integer milliseconds since the Unix epoch, always passed in: a store never reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Literal, NamedTuple, Protocol

from impl.domain.conditional import ConditionalOrder
from impl.domain.errors import DomainError
from impl.domain.events import Committed
from impl.domain.identity_model import ApiKey, Session, User
from impl.domain.model import Candle, Market, Trade
from impl.domain.order_lists import OrderList
from impl.domain.orders import FillRecord, OrderState
from impl.domain.records import IdempotencyRecord, ListenKeyOwner, LoginAttempts, Purged, RefreshRotation


class AlreadyExists(DomainError):
    """A write refused because it would break a uniqueness rule of the store (e.g. a second user with an email)."""


class MarketStore(Protocol):
    """Listings (assets, markets) and the public trade tape with its candles."""

    def add_assets(self, assets: dict[str, int]) -> None:
        """Register assets with their precision (decimal places of their minor unit); codes are unique."""
        ...

    def list_assets(self) -> dict[str, int]:
        """Every asset and its precision, by code in ascending order."""
        ...

    def add_markets(self, markets: Iterable[Market]) -> None:
        """List markets (symbols unique, base and quote registered assets), after those already listed."""
        ...

    def list_markets(self) -> list[Market]:
        """Every market, in listing order."""
        ...

    def seed_listings(self, assets: dict[str, int], markets: Iterable[Market]) -> bool:
        """`add_assets` and `add_markets` in one transaction if no market is listed yet — serialised against a
        concurrent seeding by another process (the first start of a scaled deployment); whether it seeded."""
        ...

    def list_trades(self, symbol: str, limit: int, before_id: str | None) -> list[Trade]:
        """Trades of `symbol` newest (greatest id) first, strictly older than `before_id` when given."""
        ...

    def get_trade(self, trade_id: str) -> Trade | None: ...

    def candles(self, symbol: str, interval: str, start_ms: int | None, end_ms: int | None, limit: int) -> list[Candle]:
        """The newest `limit` candles with start_ms <= open_time < end_ms, returned oldest first."""
        ...

    def record_trades(self, trades: Sequence[Trade]) -> None:
        """Persist trades (in order; ids unique, markets listed) and fold them into the candles of every interval
        (`impl.domain.candles`), all or nothing."""
        ...


class IdentityStore(Protocol):
    """Users, sessions, refresh tokens, wallet nonces, invites, API keys and listen keys. Secrets are never held in
    the clear: tokens, cookies and listen keys arrive as hashes, TOTP secrets sealed."""

    # -- users
    def add_user(self, user: User) -> None:
        """Raises `AlreadyExists` when the id, the email or the wallet address is taken."""
        ...

    def user_by(self, column: Literal["id", "email", "wallet_address"], value: str) -> User | None:
        """The user whose `column` equals `value` exactly."""
        ...

    def update_user(self, user_id: str, **fields: object) -> None:
        """Set some of totp_sealed, totp_pending, totp_last_step, invite_status, password_hash."""
        ...

    def advance_totp_step(self, user_id: str, step: int) -> bool:
        """Record `step` as the last used TOTP step; False (and no change) when an equal or later one was used."""
        ...

    # -- sessions and refresh tokens
    def add_session(self, session: Session, cookie_hash: str | None = None) -> None:
        """Store a session; a cookie session is also found by its (unique) cookie hash."""
        ...

    def session(self, session_id: str) -> Session | None: ...

    def session_by_cookie(self, cookie_hash: str) -> Session | None: ...

    def revoke_session(self, session_id: str, now_ms: int) -> None:
        """Mark the session revoked at `now_ms`; revoking again keeps the first time."""
        ...

    def add_refresh_token(self, token_hash: str, session_id: str, now_ms: int, expires_at_ms: int) -> None: ...

    def rotate_refresh_token(self, token_hash: str, now_ms: int) -> RefreshRotation | None:
        """Claim a refresh token: "rotated" for the one call that rotates it, "reused" for every later one, None
        for an unknown or expired (expires_at_ms <= now_ms) token."""
        ...

    # -- sign-in attempts (failed-password throttling)
    def count_login_attempt(self, subject: str, now_ms: int, window_ms: int) -> LoginAttempts:
        """Count one attempt for `subject` and return its window's count (this attempt included) and end. A window
        opens at the first attempt once the previous one has ended (window_ends_at_ms <= now_ms) and lasts
        `window_ms`. Atomic: n concurrent calls in one window see the counts 1..n, once each. Ended windows of
        every subject may be forgotten on the way."""
        ...

    def clear_login_attempts(self, subject: str) -> None:
        """Forget the subject's window (a successful sign-in)."""
        ...

    # -- wallet nonces and invites
    def add_nonce(self, nonce: str, expires_at_ms: int) -> None:
        """Store an unused nonce; nonces expired for more than a day may be forgotten on the way."""
        ...

    def consume_nonce(self, nonce: str, now_ms: int) -> bool:
        """True for the one call that uses a known, unexpired nonce; False otherwise."""
        ...

    def add_invite(self, code: str, now_ms: int) -> None: ...

    def redeem_invite(self, code: str, user_id: str, now_ms: int) -> bool:
        """True for the one call that redeems a known code, which also sets the user's invite_status to
        "redeemed"; False (and no change) otherwise."""
        ...

    # -- API keys
    def add_api_key(self, key: ApiKey) -> None: ...

    def api_key(self, key_id: str) -> ApiKey | None: ...

    def api_keys(self, user_id: str, limit: int, before_id: str | None) -> list[ApiKey]:
        """The user's keys, greatest id first, strictly below `before_id` when given."""
        ...

    def count_api_keys(self, user_id: str) -> int: ...

    def replace_api_key(self, key: ApiKey) -> None:
        """Overwrite the mutable fields (label, scopes, allowlist, status, generation, expiry, rotation) of key.id."""
        ...

    def delete_api_keys(self, user_id: str, key_id: str | None = None) -> int:
        """Delete one key of the user (or all of them when key_id is None); returns how many were deleted."""
        ...

    # -- listen keys (by SHA-256 hash)
    def add_listen_key(self, key_hash: str, user_id: str, now_ms: int, expires_at_ms: int, limit: int) -> None:
        """Store a key; expired keys are dropped and the user's oldest live keys (by creation, then insertion)
        evicted so that, with this one, the user holds at most `limit`."""
        ...

    def listen_key(self, key_hash: str, now_ms: int) -> ListenKeyOwner | None:
        """The owner of a live (expires_at_ms > now_ms) key; None for an unknown, closed or expired one."""
        ...

    def extend_listen_key(self, key_hash: str, user_id: str, now_ms: int, expires_at_ms: int) -> bool:
        """Set a live key's expiry; False when the key is unknown, expired or another user's."""
        ...

    def delete_listen_key(self, key_hash: str, user_id: str, now_ms: int) -> bool:
        """Delete a live key of the user; False when it is unknown, expired or another user's."""
        ...

    # -- housekeeping
    def purge_expired_identity(self, now_ms: int) -> Purged:
        """Delete the rows that can never authenticate again, in one transaction: sessions expired
        (expires_at_ms <= now_ms) or revoked, refresh tokens expired or of such a session, nonces expired
        (used or not) and listen keys expired. Returns the counts; rows that may still authenticate stay."""
        ...


class IdempotencyStore(Protocol):
    """Idempotency-Key records per account (impl/middleware/idempotency.py)."""

    def reserve_idempotency_key(self, account_id: str, key: str, fingerprint: str, now_ms: int,
                                ttl_ms: int, abandon_after_ms: int | None = None) -> IdempotencyRecord | None:
        """Atomically claim (account, key): None for the one caller that claims it (the record is then
        `in_flight`), else the existing record. Records created at or before now_ms - ttl_ms are purged first.
        With `abandon_after_ms`, an `in_flight` record created at or before now_ms - abandon_after_ms is an
        abandoned claim (its worker died): this caller takes it over (fingerprint and creation time replaced) and
        gets None. Scaled workers use this instead of `release_unfinished_idempotency_keys` at start-up."""
        ...

    def idempotency_result(self, account_id: str, key: str) -> bytes | None:
        """The result the engine stored with its effect under a `done` key, or None (no record, or no result)."""
        ...

    def idempotency_results(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], bytes]:
        """`idempotency_result` of many (account, key) pairs in one read: the pairs that have a result."""
        ...

    def complete_idempotency_key(self, account_id: str, key: str, status: int, headers: str, body: bytes) -> None:
        """Store the answer of a key whose answer is not stored yet — `in_flight`, or `done` by the engine with only
        its result (`TradingStore.write_trading`) — making it `done` and keeping the result; a key already answered
        (or unknown) is untouched."""
        ...

    def release_idempotency_key(self, account_id: str, key: str) -> None:
        """Forget an `in_flight` key so a retry runs afresh; a `done` key is kept."""
        ...

    def release_unfinished_idempotency_keys(self) -> int:
        """At start-up of the embedded single process: forget every `in_flight` key (a previous process's unfinished
        requests); returns how many. Never called where several workers share the store."""
        ...

    def purge_expired_idempotency_keys(self, now_ms: int, ttl_ms: int) -> int:
        """Forget records created at or before now_ms - ttl_ms, whatever their state; returns how many."""
        ...


class Balance(NamedTuple):
    free: int
    locked: int


class OperatorCommand(NamedTuple):
    id: int
    command: str  # JSON, e.g. {"kind": "deposit", "account", "asset", "amount" (minor units), "ref"}


class OperatorCommandState(NamedTuple):
    state: str  # pending | done | failed
    result: str | None  # JSON: the engine's result (done) or {"code", "message", "field"} (failed)


class TradingStore(Protocol):
    """The trading engine's unit of work (impl/domain/engine.py, sequencer.py) and the committed state it is rebuilt
    from; plus the reads the API serves from the committed state. Amounts are integers (see impl/domain/orders.py).
    """

    def claim_writer(self, wait: bool = False) -> None:
        """Make this store the only one that may write trading state to its database; raise
        `impl.domain.engine.AnotherWriter` naming the holder if another process has it — or, with `wait`, block
        until it is free (a standby engine). Idempotent; held until `release_writer()` or `close()`, and released if
        the process dies. A store that can lose the guard while running (a network database) fences its writes:
        `write_trading` raises `impl.domain.engine.Deposed` once another writer has taken over."""
        ...

    def release_writer(self) -> None: ...

    def transaction(self) -> AbstractContextManager:
        """One write transaction: everything written inside commits durably at exit, or nothing does."""
        ...

    def write_trading(self, batch) -> None:
        """Inside `transaction()`: everything an engine `Batch` changed — orders (upserted: a known order keeps its
        owner, market, kind, client order id, parent and creation time), conditional orders (`batch.conditionals`,
        upserted likewise: a known one changes only its trigger_price, tracked_price, status, reason, order_id,
        reserved, updated_at_ms and triggered_at_ms), strategy orders (`batch.order_lists`, upserted: a known one
        changes only its status, reason, legs and updated_at_ms), fills, trades with their candles, journal entries
        (ids from `batch.first_entry_id`) with their postings, changed balances, L2 sequences, outbox rows
        (`batch.outbox`), results of idempotent commands (origin "api": the idempotency record of (account, key), if
        one was reserved, becomes `done` with `result`; origin "operator": the inbox row `key` becomes `done` if it is
        still pending), and the outbox pruned through `batch.prune_outbox_through`. A constraint broken (a client
        order id already used by the account among its orders, among its conditional orders, or a client list id
        among its strategy orders) raises and the transaction writes nothing."""
        ...

    # -- what the engine is rebuilt from ----------------------------------------------------------------------------
    def open_orders(self) -> list[OrderState]:
        """Orders with status open/partially_filled, by symbol then time priority (`seq`)."""
        ...

    def all_balances(self) -> dict[tuple[str, str], Balance]: ...

    def book_sequences(self) -> dict[str, int]: ...

    def last_entry_id(self) -> int:
        """The highest journal entry id written (0 when none)."""
        ...

    def client_order_id_taken(self, account: str, client_order_id: str) -> bool: ...

    def live_conditionals(self) -> list[ConditionalOrder]:
        """Conditional orders with status new/triggered, oldest first (by id)."""
        ...

    def conditional_client_id_taken(self, account: str, client_order_id: str) -> bool:
        """Client ids of conditional orders are unique per account among its conditional orders."""
        ...

    def live_order_lists(self) -> list[OrderList]:
        """Strategy orders with status working, oldest first (by id)."""
        ...

    def order_list_client_id_taken(self, account: str, client_list_id: str) -> bool:
        """Client ids of strategy orders are unique per account among its strategy orders."""
        ...

    def last_prices(self) -> dict[str, int]:
        """symbol -> price of its last trade, the one with the greatest id (markets that have traded)."""
        ...

    # -- reads of the committed state ---------------------------------------------------------------------------
    def get_order(self, account: str, order_id: str) -> OrderState | None: ...

    def list_orders(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[OrderState]:
        """The account's orders newest first (by id), strictly older than `before_id` when given; filters:
        symbol, status, side, client_order_id, start_ms/end_ms on created_at_ms ([start, end))."""
        ...

    def list_fills(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[FillRecord]:
        """As list_orders; filters: symbol, order_id, start_ms/end_ms on ts_ms."""
        ...

    def get_conditional(self, account: str, conditional_id: str) -> ConditionalOrder | None: ...

    def get_order_list(self, account: str, order_list_id: str) -> OrderList | None: ...

    def list_order_lists(self, account: str, filters: dict, limit: int, before_id: str | None) -> list[OrderList]:
        """As list_conditionals; `live` True: status working; False: the others."""
        ...

    def list_conditionals(self, account: str, filters: dict, limit: int,
                          before_id: str | None) -> list[ConditionalOrder]:
        """The account's conditional orders newest first (by id), strictly older than `before_id` when given;
        filters: symbol, live (True: status new/triggered; False: the others; None: all), start_ms/end_ms on
        created_at_ms ([start, end))."""
        ...

    def balance(self, account: str, asset: str) -> Balance: ...

    def balances_of(self, account: str) -> dict[str, Balance]: ...

    def ledger_report(self) -> dict:
        """Lists of problems (empty when the invariants hold): unbalanced_entries, balance_drift (balances vs the
        sum of postings), negative_balances, locked_vs_reserved (locked vs the reservations of open orders and of live
        conditional orders),
        duplicate_priorities, crossed_books; and asset_totals (asset -> sum of every balance, zero when the
        deposit account mirrors everything credited)."""
        ...

    # -- the operator inbox (impl/operator.py) -------------------------------------------------------------------
    def enqueue_operator_command(self, command: str, now_ms: int) -> int: ...

    def pending_operator_commands(self, limit: int) -> list[OperatorCommand]:
        """Pending rows, oldest first."""
        ...

    def operator_command(self, command_id: int) -> OperatorCommandState | None: ...

    def fail_operator_command(self, command_id: int, result: str) -> None:
        """Mark a pending row failed (a refusal: the engine changed nothing)."""
        ...


class BookState(NamedTuple):
    """The books as committed through outbox sequence `outbox_seq` (`OutboxStore.book_state`)."""

    orders: list[OrderState]  # open orders, as `TradingStore.open_orders()`
    sequences: dict[str, int]  # L2 sequences, as `TradingStore.book_sequences()`
    outbox_seq: int  # as `OutboxStore.last_outbox_seq()`


class OutboxStore(Protocol):
    """The engine's events as committed (impl/domain/events.py, outbox.py)."""

    def book_state(self) -> BookState:
        """Open orders, L2 sequences and the outbox head read in ONE read transaction, so the books they describe
        are exactly those after the command with sequence `outbox_seq`: a process that builds its L2 views from
        them and then applies the `BookChanged` events after `outbox_seq` is exact (impl/bus/events.py)."""
        ...

    def last_outbox_seq(self) -> int:
        """The highest sequence written (0 when none), pruned rows included."""
        ...

    def outbox_after(self, seq: int, limit: int) -> list[Committed]:
        """Committed commands with a sequence above `seq`, oldest first, at most `limit`."""
        ...


class ReplayGuard(Protocol):
    """Memory of recently accepted request signatures (impl/domain/identity.py checks each authentic signed request
    against it): `signing.MemoryReplayGuard` for one process, `impl.store.redis_replay.RedisReplayGuard` shared by
    every worker of a deployment."""

    window_s: int

    def check_and_remember(self, key_id: str, signature: str, now_s: int) -> None:
        """Remember (key_id, signature) for `window_s` seconds. Raises `AuthError("signature_replayed")` when it is
        remembered already, and `AuthError("service_unavailable")` when the guard cannot tell (full, or its store
        unreachable): a guard never accepts what it could not check."""
        ...


class Store(MarketStore, IdentityStore, IdempotencyStore, TradingStore, OutboxStore, Protocol):
    """Everything one deployment's store provides (what impl/services.py is built on)."""

    def migrate(self) -> list[str]: ...

    def close(self) -> None: ...
