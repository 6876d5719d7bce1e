"""Handlers of tag `api-keys`: scoped API keys, managed only from a session (the auth layer enforces it)."""

from __future__ import annotations

import re

from impl.api import wire
from impl.api.context import principal, services
from impl.domain.market_data import decode_cursor, encode_cursor

_KEY_ID = re.compile(r"^key_[0-9A-HJKMNP-TV-Z]{26}$")


async def list_api_keys(limit: int = 100, cursor: str | None = None) -> dict:
    before = decode_cursor(cursor, _KEY_ID) if cursor else None
    keys = services().store.api_keys(principal().user_id, limit + 1, before)
    more = len(keys) > limit
    keys = keys[:limit]
    return {"data": [wire.api_key(k) for k in keys], "next_cursor": encode_cursor(keys[-1].id) if more else None}


async def create_api_key(body: dict):
    svc = services()
    key, secret = svc.identity.create_api_key(
        principal().user_id, body["label"], body["scopes"], body.get("ip_allowlist", []),
        body.get("expires_in_days", 30), svc.now_ms())
    return {**wire.api_key(key), "secret": secret}, 201


async def get_api_key(key_id: str) -> dict:
    return wire.api_key(services().identity.api_key(principal().user_id, key_id))


async def update_api_key(key_id: str, body: dict) -> dict:
    return wire.api_key(services().identity.update_api_key(principal().user_id, key_id, dict(body)))


async def delete_api_key(key_id: str):
    services().identity.delete_api_key(principal().user_id, key_id)
    return None, 204


async def delete_all_api_keys():
    services().identity.delete_all_api_keys(principal().user_id)
    return None, 204


async def rotate_api_key(key_id: str) -> dict:
    svc = services()
    key, secret = svc.identity.rotate_api_key(principal().user_id, key_id, svc.now_ms())
    return {**wire.api_key(key), "secret": secret}
