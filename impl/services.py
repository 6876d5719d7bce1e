"""The services one app instance runs with, built once (by the app factory or an operator command) and shared."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from impl import demo
from impl.config import Config
from impl.domain.identity import Identity, SiweConfig
from impl.domain.market_data import MarketData
from impl.security import passwords
from impl.security.secrets import load_or_create_master_key
from impl.store.sqlite import SQLiteStore


@dataclass
class Services:
    config: Config
    store: SQLiteStore
    market_data: MarketData
    identity: Identity
    now_ms: Callable[[], int]


def build_services(config: Config, now_ms: Callable[[], int] | None = None, password_hasher=None) -> Services:
    store = SQLiteStore(config.database)
    store.migrate()
    if config.seed_demo:
        demo.seed_if_empty(store)
    clock = now_ms or (lambda: time.time_ns() // 1_000_000)
    identity = Identity(
        store, load_or_create_master_key(config.master_key_path),
        siwe_config=SiweConfig(config.siwe_expected_domain, config.siwe_expected_uri, config.siwe_chain_id),
        invite_gating=config.invite_gating, password_hasher=password_hasher or passwords.DEFAULT_HASHER)
    return Services(config=config, store=store, market_data=MarketData(store, {}, clock), identity=identity,
                    now_ms=clock)
