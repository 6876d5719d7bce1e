"""Handlers of tag `stream`: listen keys that authenticate a WebSocket connection to the user channels.

The key is a credential shown in the create/renew responses only; the domain stores its hash. Unknown, expired,
closed and other users' keys are one answer, 404 listen_key_not_found (raised by the domain). Synchronous: they
read and write the store, in connexion's worker threads, off the event loop.
"""

from __future__ import annotations

from impl.api import wire
from impl.api.context import principal, services


def create_listen_key():
    svc = services()
    key, expires_at_ms = svc.identity.create_listen_key(principal().user_id, svc.now_ms())
    return wire.listen_key(key, expires_at_ms), 201


def renew_listen_key(listen_key: str) -> dict:
    svc = services()
    return wire.listen_key(listen_key, svc.identity.renew_listen_key(principal().user_id, listen_key, svc.now_ms()))


def close_listen_key(listen_key: str):
    svc = services()
    svc.identity.close_listen_key(principal().user_id, listen_key, svc.now_ms())
    return None, 204
