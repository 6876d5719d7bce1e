"""Handlers of tag `wallet`: the caller's balances."""

from __future__ import annotations

from impl.api import wire
from impl.api.context import principal, services


def list_balances() -> dict:
    trading = services().trading
    return {"data": [wire.balance(asset, free, locked, trading.assets[asset])
                     for asset, free, locked in trading.balances(principal().user_id)]}
