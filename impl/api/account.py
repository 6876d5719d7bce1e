"""Handlers of tag `account`: the caller's own account (synchronous: they read the store, in connexion's worker
threads, off the event loop)."""

from __future__ import annotations

from impl.api import wire
from impl.api.context import principal, services


def get_account() -> dict:
    return wire.account(services().identity.user(principal().user_id))
