"""The client's address as the edge sees it (impl/edge/pipeline.py), for HTTP and WebSocket alike: the IP that
API-key allowlists, access-token network binding and per-IP rate limits use, and its network (IPv4 /24, IPv6 /48,
to which access tokens are bound)."""

from __future__ import annotations

from starlette.types import Scope

from impl.security import AuthError
from impl.security.tokens import network_of


def client_network(scope: Scope) -> tuple[str | None, str]:
    """(client IP, its network): IPv4 /24 or IPv6 /48; a peer that is not an IP (a unix socket, an in-process
    test client) is its own network, named after it."""
    host = (scope.get("client") or ("unknown", 0))[0]
    try:
        return host, network_of(host)
    except AuthError:
        return None, f"host:{host}"
