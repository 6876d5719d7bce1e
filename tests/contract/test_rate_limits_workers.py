"""Two worker processes (`make run`, each with its own database) sharing one Redis enforce ONE budget between them.

Budgets are scaled by 0.01 (anonymous: 6 per minute per IP, one unit back every 10 s), so a burst of requests
alternating between the workers from 127.0.0.1 must be admitted exactly as often as the shared budget allows,
and X-RateLimit-Remaining must count down by one per admitted request whichever worker served it.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
import uuid

import pytest
import redis

from tests.live import running_server

pytestmark = pytest.mark.live
REDIS = "redis://127.0.0.1:6379/0"


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers)


def test_two_workers_sharing_redis_enforce_one_budget(tmp_path):
    prefix = f"cooud:test:{uuid.uuid4().hex}:"
    settings = {"COOUD_RATE_LIMIT_STORE": REDIS, "COOUD_RATE_LIMIT_PREFIX": prefix, "COOUD_RATE_LIMIT_SCALE": "0.01"}
    try:
        with contextlib.ExitStack() as stack:
            workers = [stack.enter_context(running_server(tmp_path / f"w{i}.sqlite3", tmp_path / f"w{i}.log",
                                                          **settings)) for i in (1, 2)]
            results = [(i % 2, *get(f"{workers[i % 2]}/v1/markets")) for i in range(14)]
    finally:
        r = redis.Redis.from_url(REDIS)
        for key in r.scan_iter(f"{prefix}*"):
            r.delete(key)
    admitted = [(w, int(h["x-ratelimit-remaining"])) for w, status, h in results if status == 200]
    refused = [(w, h) for w, status, h in results if status == 429]
    assert all(int(h["x-ratelimit-limit"]) == 6 for _, _, h in results)
    # The workers' start-up probes (GET /v1/time) spent up to two units of the same budget (fewer if they
    # refilled while the second worker started); the burst itself takes well under the 10 s a unit needs.
    remaining = [rem for _, rem in admitted]
    assert 4 <= len(remaining) <= 6 and remaining == list(range(len(remaining) - 1, -1, -1))
    assert [status for _, status, _ in results] == [200] * len(remaining) + [429] * (14 - len(remaining))
    assert {w for w, _ in admitted} == {0, 1}  # both workers admitted some, from the one budget
    assert {w for w, _ in refused} == {0, 1} and all(int(h["retry-after"]) >= 1 for _, h in refused)
