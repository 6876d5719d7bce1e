"""Handlers of tag `api-keys`: scoped API keys, managed only from a session (the auth layer enforces it).
Synchronous: they read and write the store, in connexion's worker threads, off the event loop."""

from __future__ import annotations

from impl.api import wire
from impl.api.context import principal, services


def list_api_keys(limit: int = 100, cursor: str | None = None) -> dict:
    page = services().identity.list_api_keys(principal().user_id, limit, cursor)
    return {"data": [wire.api_key(k) for k in page.items], "next_cursor": page.next_cursor}


def create_api_key(body: dict):
    svc = services()
    key, secret = svc.identity.create_api_key(
        principal().user_id, body["label"], body["scopes"], body.get("ip_allowlist", []),
        body.get("expires_in_days", 30), svc.now_ms())
    return {**wire.api_key(key), "secret": secret}, 201


def get_api_key(key_id: str) -> dict:
    return wire.api_key(services().identity.api_key(principal().user_id, key_id))


def update_api_key(key_id: str, body: dict) -> dict:
    return wire.api_key(services().identity.update_api_key(principal().user_id, key_id, dict(body)))


def delete_api_key(key_id: str):
    services().identity.delete_api_key(principal().user_id, key_id)
    return None, 204


def delete_all_api_keys():
    services().identity.delete_all_api_keys(principal().user_id)
    return None, 204


def rotate_api_key(key_id: str) -> dict:
    svc = services()
    key, secret = svc.identity.rotate_api_key(principal().user_id, key_id, svc.now_ms())
    return {**wire.api_key(key), "secret": secret}
