"""The machine's Redis for the tests of shared rate limits and the shared replay guard (127.0.0.1:6379, database 0).
Every test uses key prefixes of its own and deletes its keys; tests skip only when that Redis is unreachable."""

from __future__ import annotations

import pytest

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_or_skip():
    """A connected client of the machine's Redis, or the calling test skipped naming why."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        client.close()
        pytest.skip(f"no Redis server reachable at {REDIS_URL}: {exc}")
    return client
