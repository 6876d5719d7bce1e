"""The services one app instance runs with, built once by the app factory and shared by its handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from impl.config import Config
from impl.domain.market_data import MarketData
from impl.store.sqlite import SQLiteStore


@dataclass
class Services:
    config: Config
    store: SQLiteStore
    market_data: MarketData
    now_ms: Callable[[], int]
