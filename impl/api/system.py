"""Handlers of tag `system`: server time and version."""

from __future__ import annotations

from importlib.metadata import version

from generated.operations import API_VERSION
from impl.api import wire
from impl.api.context import services


async def get_server_time() -> dict:
    now = services().now_ms()
    return {"server_time": wire.timestamp(now), "unix_ms": now}


async def get_version() -> dict:
    return {"api_version": API_VERSION, "service": "cooud-exchange", "build": version("cooud-exchange")}
