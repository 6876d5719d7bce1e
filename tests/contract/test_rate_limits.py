"""Rate limits over HTTP, with both stores (in-process and the local Redis), on a frozen, steerable clock.

Budgets are the spec's (`x-cooud-rate-limits` through generated/operations.py) scaled by 0.05 so that a test
can exhaust them: anonymous 30 per minute per IP; per credential read 60, write 15; per IP read 120, write 30.
Every assertion on the headers is derived from GCRA's arithmetic: with a budget of L per 60 s one unit refills
every T = 60 000 / L ms; after spending k units at a frozen instant `now`, Remaining = L - k and Reset =
ceil((now + k·T) / 1000); a refused request gets Retry-After = ceil(T / 1000) for weight 1 once the budget is
empty. Withdrawals (pool `withdraw`) have no operation yet, so that pool cannot be driven over HTTP; its
arithmetic is the same code (tests/unit/test_ratelimit.py).
"""

from __future__ import annotations

import math
import uuid

import pytest
from starlette.testclient import TestClient

from generated.operations import RATE_LIMITS
from impl.app import create_app
from impl.config import Config

SCALE = 0.05
EMAIL, PASSWORD = "limits@example.com", "correct horse battery staple"
NOW = 1_800_000_000_000  # a fixed instant (ms); tests move it explicitly
HOME, AWAY = ("10.0.0.1", 40000), ("10.9.9.9", 40000)
ORDER = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "50000.00", "size": "0.01000"}


def budget(limit: int) -> int:
    return int(limit * SCALE)


ANON = budget(RATE_LIMITS.anonymous_per_ip)
READ, WRITE = budget(RATE_LIMITS.per_credential["read"]), budget(RATE_LIMITS.per_credential["write"])
READ_IP = budget(RATE_LIMITS.per_ip["read"])


@pytest.fixture(params=["memory", "redis"])
def exchange(request, tmp_path):
    store = "memory" if request.param == "memory" else "redis://127.0.0.1:6379/0"
    prefix = f"cooud:test:{uuid.uuid4().hex}:"
    clock = [NOW]
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), validate_responses=True, rate_limit_store=store,
                            rate_limit_prefix=prefix, rate_limit_scale=SCALE), now_ms=lambda: clock[0])
    user = app.services.identity.create_user(EMAIL, PASSWORD, NOW)
    app.services.trading.deposit(user.id, "USDT", "100000", "test-funding")
    yield app, clock
    if store != "memory":
        import redis

        r = redis.Redis.from_url(store)
        for key in r.scan_iter(f"{prefix}*"):
            r.delete(key)


def limits(r) -> tuple[int, int, int]:
    return (int(r.headers["x-ratelimit-limit"]), int(r.headers["x-ratelimit-remaining"]),
            int(r.headers["x-ratelimit-reset"]))


def session(app, peer=HOME) -> dict:
    """A bearer session (logging in is an anonymous request of its own: charged to the peer's anonymous budget)."""
    r = TestClient(app, client=peer).post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_anonymous_budget_headers_on_every_response_429_retry_after_and_recovery(exchange):
    app, clock = exchange
    c = TestClient(app, client=HOME)
    T = 60_000 // ANON
    targets = ["/v1/markets", "/v1/nope", "/v1/markets/NOPE-USDT", "/v1/markets?limit=oops"]  # 200 404 404 400
    for k in range(1, ANON + 1):
        r = c.get(targets[k % len(targets)]) if k % 5 else c.post("/v1/time")  # and a 405 now and then
        assert r.status_code != 429, (k, r.text)
        assert limits(r) == (ANON, ANON - k, math.ceil((NOW + k * T) / 1000)), (k, r.status_code)
        assert "retry-after" not in r.headers
    r = c.get("/v1/markets")
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert r.headers["retry-after"] == str(math.ceil(T / 1000))
    assert limits(r)[:2] == (ANON, 0) and r.headers["x-request-id"] == r.json()["error"]["request_id"]
    clock[0] += T  # one unit refilled
    r = c.get("/v1/markets")
    assert r.status_code == 200 and limits(r)[1] == 0
    assert c.get("/v1/markets").status_code == 429
    clock[0] += 60_000  # a whole window: full again
    r = c.get("/v1/markets")
    assert r.status_code == 200 and limits(r)[1] == ANON - 1


def test_one_credential_past_the_read_and_write_pools_with_per_credential_and_per_ip_separation(exchange):
    app, clock = exchange
    first, second = session(app), session(app)
    c = TestClient(app, client=HOME)
    T = 60_000 // READ
    for k in range(1, READ + 1):
        r = c.get("/v1/account", headers=first)
        assert r.status_code == 200, r.text
        assert limits(r) == (READ, READ - k, math.ceil((NOW + k * T) / 1000))
    r = c.get("/v1/account", headers=first)
    assert r.status_code == 429 and r.headers["retry-after"] == str(math.ceil(T / 1000))
    # The read pool is empty for this credential only: writes, the other credential and anonymous calls go on.
    r = c.post("/v1/orders", headers={**first, "Idempotency-Key": str(uuid.uuid4())}, json=ORDER)
    assert r.status_code == 201, r.text
    assert limits(r)[:2] == (WRITE, WRITE - 1)
    r = c.get("/v1/account", headers=second)
    assert r.status_code == 200
    # The second credential is now bound by the IP's read budget, which the first spent half of.
    assert limits(r)[:2] == (READ, READ - 1)
    for _ in range(READ - 1):
        assert c.get("/v1/account", headers=second).status_code == 200
    r = c.get("/v1/account", headers=second)
    assert r.status_code == 429
    third = session(app)
    r = c.get("/v1/account", headers=third)  # a fresh credential, but the IP's read budget is spent
    assert r.status_code == 429 and limits(r) == (READ_IP, 0, math.ceil((NOW + READ_IP * (60_000 // READ_IP)) / 1000))
    r = TestClient(app, client=AWAY).get("/v1/account", headers=session(app, AWAY))  # another address: fine
    assert r.status_code == 200
    # Write pool: spend the rest; a batch of weight 5 needs 5 units.
    for k in range(2, WRITE + 1):
        r = c.post("/v1/orders", headers={**first, "Idempotency-Key": str(uuid.uuid4())}, json=ORDER)
        assert r.status_code == 201 and limits(r)[1] == WRITE - k
    r = c.post("/v1/orders", headers={**first, "Idempotency-Key": str(uuid.uuid4())}, json=ORDER)
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    clock[0] += 60_000
    r = c.post("/v1/orders/batch", headers={**first, "Idempotency-Key": str(uuid.uuid4())},
               json={"orders": [ORDER]})
    assert r.status_code == 200, r.text
    assert limits(r)[:2] == (WRITE, WRITE - 5)  # the batch's weight (x-cooud-rate-limit) is 5


def test_failed_credentials_are_charged_to_the_anonymous_budget_and_refused_when_it_is_empty(exchange):
    app, _ = exchange
    c = TestClient(app, client=HOME)
    bad = {"Authorization": "Bearer not-a-token"}
    for k in range(1, ANON + 1):
        r = c.get("/v1/account", headers=bad)
        assert r.status_code == 401 and limits(r)[:2] == (ANON, ANON - k)
    r = c.get("/v1/account", headers=bad)
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert "retry-after" in r.headers


def test_persistent_bursts_trip_the_cool_off_then_the_budget_returns_full(exchange):
    app, clock = exchange
    c = TestClient(app, client=HOME)
    for _ in range(ANON):
        assert c.get("/v1/time").status_code == 200
    codes = [c.get("/v1/time").json()["error"]["code"] for _ in range(ANON + 1)]  # a whole extra budget refused
    assert codes[:ANON] == ["rate_limited"] * ANON and codes[-1] == "rate_limit_cooloff"
    r = c.get("/v1/time")
    cooloff_s = RATE_LIMITS.cooloff_s
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limit_cooloff"
    assert cooloff_s - 2 <= int(r.headers["retry-after"]) <= cooloff_s
    clock[0] += 120_000  # long past the window: still cooling off
    r = c.get("/v1/time")
    assert r.json()["error"]["code"] == "rate_limit_cooloff" and int(r.headers["retry-after"]) <= cooloff_s - 120
    clock[0] += cooloff_s * 1000
    r = c.get("/v1/time")
    assert r.status_code == 200 and limits(r)[1] == ANON - 1


def test_an_idempotent_replay_reports_the_current_budget_not_the_stored_one(exchange):
    app, _ = exchange
    c = TestClient(app, client=HOME)
    auth = session(app)
    key = str(uuid.uuid4())
    first = c.post("/v1/orders", headers={**auth, "Idempotency-Key": key}, json=ORDER)
    again = c.post("/v1/orders", headers={**auth, "Idempotency-Key": key}, json=ORDER)
    assert first.status_code == again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert limits(first)[1] == WRITE - 1 and limits(again)[1] == WRITE - 2  # a replay is a request too


def test_responses_made_outside_the_operations_carry_the_headers_too(exchange):
    app, _ = exchange
    c = TestClient(app, client=HOME)
    seen, remaining = [], []
    for r in (c.post("/v1/orders", content=b"x" * (app.services.config.max_body_bytes + 1),
                     headers={"Content-Type": "application/json"}),  # 413 before any application code
              c.get("/v1/openapi.json"), c.get("/v1/ui/stream/"), c.options("/v1/markets"),
              c.get("/v1/%0a")):
        seen.append(r.status_code)
        remaining.append(limits(r)[1])
        assert limits(r)[0] == ANON, (r.status_code, r.headers)
    assert seen[0] == 413 and remaining == [ANON - k for k in range(1, 6)]  # each one counted once


def test_a_429_at_the_edge_still_carries_a_deprecated_operations_lifecycle_headers(tmp_path, monkeypatch):
    import dataclasses

    from generated import operations

    op = operations.OPERATIONS["getServerTime"]
    monkeypatch.setitem(operations.OPERATIONS, "getServerTime",
                        dataclasses.replace(op, deprecated=True, deprecated_at="2026-11-01", sunset="2027-02-01"))
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), rate_limit_scale=SCALE), now_ms=lambda: NOW)
    c = TestClient(app, client=HOME)
    responses = [c.get("/v1/time") for _ in range(ANON + 1)]
    assert [r.status_code for r in responses] == [200] * ANON + [429]
    for r in (responses[0], responses[-1]):
        assert r.headers["deprecation"] == "@1793491200" and r.headers["sunset"] == "Mon, 01 Feb 2027 00:00:00 GMT"
