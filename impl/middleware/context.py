"""The client's address as the edge sees it (impl/edge/pipeline.py), for HTTP and WebSocket alike: the IP that
API-key allowlists, access-token network binding and per-IP rate limits use, and its network (IPv4 /24, IPv6 /48,
to which access tokens are bound). It is the peer's, or the forwarded one when the peer is a configured trusted
proxy (`COOUD_TRUSTED_PROXIES`, impl/security/forwarded.py; empty by default, so no header is believed)."""

from __future__ import annotations

from starlette.types import Scope

from impl.security import AuthError, forwarded
from impl.security.tokens import network_of


def client_network(scope: Scope, trusted_proxies: tuple = ()) -> tuple[str | None, str]:
    """(client IP, its network): IPv4 /24 or IPv6 /48; a peer that is not an IP (a unix socket, an in-process
    test client) is its own network, named after it. X-Forwarded-For counts only from a trusted proxy."""
    host = forwarded.client_ip((scope.get("client") or ("unknown", 0))[0], scope.get("headers", ()), trusted_proxies)
    try:
        return host, network_of(host)
    except AuthError:
        return None, f"host:{host}"
