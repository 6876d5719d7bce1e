"""Signing version 2 through the real app (issue 12): bots can repeat a request within a second, and a captured
signed request can never act twice.

The app runs in-process on a fixed clock (`now_ms`), so "the same second" is exact rather than a race with the
wall clock. Version 2 (`X-Cooud-Signature-Version: 2`) signs a millisecond timestamp and the Idempotency-Key
(impl/security/signing.py); version 1 keeps today's behaviour until its sunset.
"""

from __future__ import annotations

import json
import uuid

import pytest
from starlette.testclient import TestClient

from impl.app import create_app
from impl.config import Config
from impl.security import signing

PEER = ("203.0.113.7", 40000)
EMAIL, PASSWORD = "bot@example.com", "a long enough password"
T0 = 1_796_000_000_000  # 2026-11-30T00:53:20Z, a whole second, before the v1 sunset
ORDER = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "60000.00", "size": "0.01"}


class Exchange:
    def __init__(self, database: str, clock: list[int]) -> None:
        self.clock = clock
        self.app = create_app(Config(database=database, validate_responses=True), now_ms=lambda: clock[0])
        self.client = TestClient(self.app, client=PEER)


@pytest.fixture
def exchange(tmp_path):
    ex = Exchange(str(tmp_path / "db.sqlite3"), [T0])
    svc = ex.app.services
    user = svc.identity.create_user(EMAIL, PASSWORD, svc.now_ms())
    svc.trading.deposit(user.id, "USDT", "1000000", "bot-usdt")
    token = ex.client.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}).json()["access_token"]
    r = ex.client.post("/v1/account/api-keys", headers={"Authorization": f"Bearer {token}"},
                       json={"label": "bot", "scopes": ["read", "trade"], "expires_in_days": 365})
    assert r.status_code == 201, r.text
    ex.key = r.json()
    return ex


def v2(key: dict, method: str, target: str, ts_ms: int, body: bytes = b"", idempotency_key: str = "") -> dict:
    headers = {"X-Cooud-Key": key["id"], "X-Cooud-Timestamp": str(ts_ms), "X-Cooud-Signature-Version": "2",
               "X-Cooud-Signature": signing.sign_v2(key["secret"], str(ts_ms), method, target, idempotency_key, body)}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    return headers


def v1(key: dict, method: str, target: str, ts_s: int, body: bytes = b"") -> dict:
    return {"X-Cooud-Key": key["id"], "X-Cooud-Timestamp": str(ts_s),
            "X-Cooud-Signature": signing.sign(key["secret"], str(ts_s), method, target, body)}


def code(response) -> str:
    return response.json()["error"]["code"]


def place(ex: Exchange, headers: dict, body: bytes):
    return ex.client.post("/v1/orders", content=body, headers={**headers, "Content-Type": "application/json"})


def test_two_identical_signed_gets_within_one_second_both_succeed(exchange):
    key, c = exchange.key, exchange.client
    for offset in (1, 2, 3, 999):  # four identical polls of the balance within the same second of the server
        r = c.get("/v1/wallet/balances", headers=v2(key, "GET", "/v1/wallet/balances", T0 + offset))
        assert r.status_code == 200, r.text
    exchange.clock[0] += 400  # the server's clock moves on within the skew window; the client's stamps still count
    assert c.get("/v1/account", headers=v2(key, "GET", "/v1/account", T0 + 5)).status_code == 200


def test_two_identical_orders_within_one_second_both_succeed(exchange):
    """Layered orders: the same body twice in one second, each with its own Idempotency-Key."""
    body = json.dumps(ORDER).encode()
    ids = []
    for offset in (10, 11):
        r = place(exchange, v2(exchange.key, "POST", "/v1/orders", T0 + offset, body, str(uuid.uuid4())), body)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    assert len(set(ids)) == 2


def test_an_exact_replay_of_a_signed_request_is_refused(exchange):
    key, c = exchange.key, exchange.client
    captured = v2(key, "GET", "/v1/account", T0 + 7)
    assert c.get("/v1/account", headers=captured).status_code == 200
    r = c.get("/v1/account", headers=captured)
    assert (r.status_code, code(r)) == (401, "signature_replayed")
    body = json.dumps(ORDER).encode()
    order = v2(key, "POST", "/v1/orders", T0 + 8, body, str(uuid.uuid4()))
    assert place(exchange, order, body).status_code == 201
    r = place(exchange, order, body)
    assert (r.status_code, code(r)) == (401, "signature_replayed")
    assert len(c.get("/v1/orders", headers=v2(key, "GET", "/v1/orders", T0 + 9)).json()["data"]) == 1


def test_a_captured_post_under_another_idempotency_key_does_not_verify(exchange):
    key, c = exchange.key, exchange.client
    body = json.dumps(ORDER).encode()
    captured = v2(key, "POST", "/v1/orders", T0 + 20, body, str(uuid.uuid4()))
    assert place(exchange, captured, body).status_code == 201
    for other in (str(uuid.uuid4()), None):  # a fresh key, or the header dropped
        forged = {k: v for k, v in captured.items() if k != "Idempotency-Key"}
        if other:
            forged["Idempotency-Key"] = other
        r = place(exchange, forged, body)
        assert (r.status_code, code(r)) == (401, "invalid_signature"), r.text
    r = c.post("/v1/orders", content=body, headers=[*captured.items(), ("Content-Type", "application/json"),
                                                    ("Idempotency-Key", str(uuid.uuid4()))])  # a second header
    assert (r.status_code, code(r)) == (401, "invalid_signature"), r.text
    assert len(c.get("/v1/orders", headers=v2(key, "GET", "/v1/orders", T0 + 21)).json()["data"]) == 1


def test_a_captured_post_replayed_where_the_guard_cannot_see_it_gets_the_original_answer(exchange, tmp_path):
    """A restarted process (or another one) has an empty replay guard; the signed Idempotency-Key sends the copy
    to the idempotency store, which answers with the original instead of placing a second order."""
    body = json.dumps(ORDER).encode()
    captured = v2(exchange.key, "POST", "/v1/orders", T0 + 30, body, str(uuid.uuid4()))
    first = place(exchange, captured, body)
    assert first.status_code == 201
    exchange.app.services.identity._replays = signing.MemoryReplayGuard()  # what a restart does to the guard
    again = place(exchange, captured, body)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    listed = exchange.client.get("/v1/orders", headers=v2(exchange.key, "GET", "/v1/orders", T0 + 31)).json()
    assert [o["id"] for o in listed["data"]] == [first.json()["id"]]


def test_v1_still_accepted_with_its_one_second_resolution(exchange):
    key, c = exchange.key, exchange.client
    seconds = T0 // 1000
    assert c.get("/v1/account", headers=v1(key, "GET", "/v1/account", seconds)).status_code == 200
    r = c.get("/v1/account", headers=v1(key, "GET", "/v1/account", seconds))  # today's behaviour, until the sunset
    assert (r.status_code, code(r)) == (401, "signature_replayed")
    explicit = {**v1(key, "GET", "/v1/account", seconds + 1), "X-Cooud-Signature-Version": "1"}
    assert c.get("/v1/account", headers=explicit).status_code == 200
    body = json.dumps(ORDER).encode()
    r = place(exchange, {**v1(key, "POST", "/v1/orders", seconds, body), "Idempotency-Key": str(uuid.uuid4())}, body)
    assert r.status_code == 201, r.text


def test_versions_do_not_cross(exchange):
    key, c = exchange.key, exchange.client
    as_v1 = v1(key, "GET", "/v1/account", T0 // 1000)
    r = c.get("/v1/account", headers={**as_v1, "X-Cooud-Signature-Version": "2"})
    assert (r.status_code, code(r)) == (401, "timestamp_skew")  # seconds read as milliseconds: 1970
    as_v2 = v2(key, "GET", "/v1/account", T0 + 40)
    r = c.get("/v1/account", headers={k: v for k, v in as_v2.items() if k != "X-Cooud-Signature-Version"})
    assert (r.status_code, code(r)) == (401, "timestamp_skew")  # milliseconds read as seconds: far future
    stamp = {**as_v2, "X-Cooud-Timestamp": str((T0 + 40) // 1000)}
    r = c.get("/v1/account", headers=stamp)
    assert (r.status_code, code(r)) == (401, "timestamp_skew")
    same_second = {**as_v2, "X-Cooud-Timestamp": str(T0 + 41)}
    r = c.get("/v1/account", headers=same_second)
    assert (r.status_code, code(r)) == (401, "invalid_signature")


def test_unknown_versions_and_v1_after_its_sunset_are_refused(exchange):
    key, c = exchange.key, exchange.client
    r = c.get("/v1/account", headers={**v2(key, "GET", "/v1/account", T0 + 50), "X-Cooud-Signature-Version": "3"})
    assert (r.status_code, code(r)) == (401, "signature_version_unsupported")
    exchange.clock[0] = signing.V1_SUNSET_MS - 1
    assert c.get("/v1/account", headers=v1(key, "GET", "/v1/account", exchange.clock[0] // 1000)).status_code == 200
    exchange.clock[0] = signing.V1_SUNSET_MS
    r = c.get("/v1/account", headers=v1(key, "GET", "/v1/account", signing.V1_SUNSET_MS // 1000))
    assert (r.status_code, code(r)) == (401, "signature_version_unsupported")
    assert "2027-06-01" in r.json()["error"]["message"]
    r = c.get("/v1/account", headers=v2(key, "GET", "/v1/account", signing.V1_SUNSET_MS))
    assert r.status_code == 200, r.text
