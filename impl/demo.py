"""Demo listings seeded into an empty database on first start (`COOUD_SEED_DEMO`, on by default).

Only listings: assets and markets with their trading rules. No trades, candles or balances are invented. Asset
precisions cover every market's price × size exactly (USDT has 8 decimals here, as inside most exchanges), which
the trading service requires (impl/domain/orders.py).
"""

from __future__ import annotations

from decimal import Decimal as D

from impl.domain.model import Market

ASSETS = {"BTC": 8, "ETH": 8, "SOL": 6, "USDT": 8}

MARKETS = [
    Market("BTC/USDT", "BTC", "USDT", "trading", D("0.01"), D("0.00001"), D("0.00001"), D("1000"), D("5"),
           D("0.001"), D("0.002")),
    Market("ETH/USDT", "ETH", "USDT", "trading", D("0.01"), D("0.0001"), D("0.0001"), D("10000"), D("5"),
           D("0.001"), D("0.002")),
    Market("SOL/USDT", "SOL", "USDT", "trading", D("0.001"), D("0.01"), D("0.01"), D("100000"), D("5"),
           D("0.001"), D("0.002")),
    Market("ETH/BTC", "ETH", "BTC", "trading", D("0.00001"), D("0.001"), D("0.001"), D("10000"), D("0.0001"),
           D("0.001"), D("0.002")),
]


def seed_if_empty(store) -> bool:
    """Seed the demo listings when no market exists yet (processes starting together seed once); whether it
    seeded."""
    return store.seed_listings(ASSETS, MARKETS)
