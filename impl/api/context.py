"""Access to the per-app services from inside a handler (set on the ASGI scope by the outer middleware)."""

from __future__ import annotations

from connexion.context import scope

from impl.services import Services


def services() -> Services:
    return scope["cooud.services"]
