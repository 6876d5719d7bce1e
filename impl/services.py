"""The services one app instance runs with, built once (by the app factory or an operator command) and shared.

`trading=False` builds everything but the trading engine (operator commands that only touch accounts and keys):
it does not claim the database's single-writer guard, so it runs beside a serving process. With COOUD_BUS=nats://
(impl/bus/) `trading` is a `RemoteTrading`: commands go to a `cooud engine` process, nothing here claims the guard.
`close()` stops the engine's thread and closes the store (which releases the guard).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from impl import demo
from impl.api import wire
from impl.bus import is_nats
from impl.bus.remote import RemoteTrading
from impl.config import Config
from impl.domain.book import L2Book
from impl.domain.identity import Identity, SiweConfig
from impl.domain.identity_model import FEE_TIERS
from impl.domain.market_data import MarketData
from impl.domain.ports import ReplayGuard, Store
from impl.domain.trading import Trading, TradingFacade
from impl.ids import new_id
from impl.middleware.ratelimit import RateLimiter
from impl.security import passwords
from impl.security.secrets import load_or_create_master_key
from impl.security.signing import MemoryReplayGuard
from impl.store import open_store
from impl.store.redis_replay import RedisReplayGuard
from impl.ws.events import Publisher
from impl.ws.hub import Hub

BOOK_DEPTH = 500  # levels per side in a stream snapshot: the OrderBook schema's maxItems


@dataclass
class Services:
    config: Config
    store: Store
    market_data: MarketData
    identity: Identity
    trading: TradingFacade | None
    now_ms: Callable[[], int]
    hub: Hub
    books: dict[str, L2Book]
    rate_limiter: RateLimiter

    def close(self) -> None:
        if self.trading is not None:
            self.trading.close()
        self.store.close()


def build_services(config: Config, now_ms: Callable[[], int] | None = None, password_hasher=None,
                   trading: bool = True) -> Services:
    store = open_store(config.database)
    store.migrate()
    if config.seed_demo:
        demo.seed_if_empty(store)
    clock = now_ms or (lambda: time.time_ns() // 1_000_000)
    identity = Identity(
        store, load_or_create_master_key(config.master_key_path),
        siwe_config=SiweConfig(config.siwe_expected_domain, config.siwe_expected_uri, config.siwe_chain_id),
        invite_gating=config.invite_gating, password_hasher=password_hasher or passwords.DEFAULT_HASHER,
        login_max_failures=config.login_max_failures, login_window_ms=config.login_window_s * 1000,
        replay_guard=replay_guard(config))
    books: dict[str, L2Book] = {}
    market_data = MarketData(store, books, clock)
    engine = None
    hub = Hub(render_book=lambda b: wire.orderbook(b.snapshot(BOOK_DEPTH, clock()), market_data.market(b.symbol)))
    if trading and is_nats(config.bus):
        engine = RemoteTrading(store, market_data.markets(), store.list_assets(), config, books)
        engine.on_resync.append(_reattach(hub, books))
    elif trading:
        try:
            engine = build_engine(store, market_data, clock, books)
        except BaseException:
            store.close()
            raise
    if engine is not None:  # the stream's publisher follows committed events, from either kind of engine
        engine.listeners.append(Publisher(engine, hub).committed)
    return Services(config=config, store=store, market_data=market_data, identity=identity, trading=engine,
                    now_ms=clock, hub=hub, books=books,
                    rate_limiter=RateLimiter.from_config(config, clock))


def build_engine(store, market_data: MarketData, clock: Callable[[], int], books: dict[str, L2Book],
                 wait_for_writer: bool = False) -> Trading:
    """The local engine (impl/domain/trading.py) over `store`: claims its writer guard (waiting for it when
    `wait_for_writer`: a standby `cooud engine`) and loads the books from the store."""
    return Trading(store, market_data.markets(), store.list_assets(), books, _fee_rates(store), clock, new_id,
                   wait_for_writer=wait_for_writer)


def _reattach(hub: Hub, books: dict[str, L2Book]) -> Callable[[], None]:
    """After the event path restored the books from the store (events were skipped): the hub copies them again."""

    def again() -> None:
        if hub.attached:
            hub.attach(asyncio.get_running_loop(), books)

    return again


def replay_guard(config: Config) -> ReplayGuard:
    """COOUD_REPLAY_GUARD: "memory" (this process) or a redis:// URL (shared by every worker)."""
    if config.replay_guard == "memory":
        return MemoryReplayGuard()
    return RedisReplayGuard(config.replay_guard, prefix=config.replay_guard_prefix)


def _fee_rates(store) -> Callable[[str], tuple[Fraction, Fraction]]:
    """(maker, taker) fee rates of an account's fee tier."""

    def rates(account: str) -> tuple[Fraction, Fraction]:
        user = store.user_by("id", account)
        maker, taker = FEE_TIERS[user.fee_tier if user else 0]
        return Fraction(maker), Fraction(taker)

    return rates
