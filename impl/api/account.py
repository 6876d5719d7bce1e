"""Handlers of tag `account`: the caller's own account."""

from __future__ import annotations

from impl.api import wire
from impl.api.context import principal, services


async def get_account() -> dict:
    return wire.account(services().identity.user(principal().user_id))
