"""Order entry over the WebSocket (spec/asyncapi.yaml, "Order entry"): a `place_order`, `amend_order` or
`cancel_order` frame is the REST request it carries, answered by the REST pipeline itself.

Over a live server (uvicorn on 127.0.0.1) with the checked `websockets` client of tests/stream_support.py, so
every frame received here is also checked against the document (payload schemas, catalogued codes, one reply per
request in order, with its id); REST calls are signed with the same recipe (version 2) and the same helper:
- place by signed API key and by bearer token: the reply is `201` with the `Order`, equal to what
  `GET /v1/orders/{id}` returns, and the connection's `orders` channel delivers the order;
- idempotency: the frame signed again with the same Idempotency-Key gets the same answer with
  `Idempotent-Replayed`, one order only; an exact copy is a replayed signature; the key with another body is
  `idempotency_key_reused`; and the key store is REST's (a REST retry under the frame's key gets its answer);
- refusals carry the REST status and code: a bad signature (401 `invalid_signature`, nothing placed), a read-only
  key (403 `forbidden`), a body REST refuses (`malformed_body`, `insufficient_balance`);
- amend and cancel over the stream, as REST then sees them;
- rate limits: frames and REST calls spend one budget (a small one, configured here);
- frames that are not valid requests get the plain `invalid_request` error frame, without `status`;
- a frame whose connection closes right after sending it still has its effect;
- the document: its order-entry request examples are the signing vectors' requests, and the header schemas it
  restates equal openapi.yaml's.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
import yaml

from generated.operations import RATE_LIMITS
from impl.app import create_app
from impl.config import Config
from impl.security import signing
from impl.ws.contract import request_payloads
from impl.ws.order_entry import OrderEntry
from tests.stream_support import CHECKER, CONTRACT, StreamClient, serving

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
ORDER = {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "50000.00", "size": "0.01000"}
_last_ms = [0]
_clock = threading.Lock()


def stamp() -> str:
    """Unix ms, strictly increasing (signature version 2: a client's timestamps never repeat per key)."""
    with _clock:
        _last_ms[0] = max(int(time.time() * 1000), _last_ms[0] + 1)
        return str(_last_ms[0])


def signed(key_id: str, secret: str, method: str, target: str, idem: str = "", body: str = "",
           ts: str | None = None) -> dict:
    ts = ts or stamp()
    headers = {"X-Cooud-Key": key_id, "X-Cooud-Timestamp": ts, "X-Cooud-Signature-Version": "2",
               "X-Cooud-Signature": signing.sign_v2(secret, ts, method, target, idem, body.encode())}
    if idem:
        headers["Idempotency-Key"] = idem
    return headers


class Trader:
    """An account with an API key, and its signed REST calls and stream frames."""

    def __init__(self, ex: Exchange, email: str, scopes=("read", "trade")) -> None:
        s = ex.services
        self.ex = ex
        self.user = s.identity.create_user(email, PASSWORD, s.now_ms())
        s.trading.deposit(self.user.id, "USDT", "100000", f"fund-{email}")
        self.key, self.secret = s.identity.create_api_key(self.user.id, "ws", list(scopes), [], 30, s.now_ms())

    def rest(self, method: str, target: str, body: str = "", idem: str = "") -> httpx.Response:
        headers = signed(self.key.id, self.secret, method, target, idem, body)
        if body:
            headers["Content-Type"] = "application/json"
        return self.ex.http.request(method, target, content=body.encode(), headers=headers)

    def place(self, order: dict | str, rid: str, idem: str | None = None, ts: str | None = None) -> dict:
        body = order if isinstance(order, str) else json.dumps(order)
        idem = idem or str(uuid.uuid4())
        return {"op": "place_order", "id": rid, "body": body,
                "headers": signed(self.key.id, self.secret, "POST", "/v1/orders", idem, body, ts)}

    def amend(self, order_id: str, change: dict, rid: str) -> dict:
        body, idem = json.dumps(change), str(uuid.uuid4())
        return {"op": "amend_order", "id": rid, "order_id": order_id, "body": body,
                "headers": signed(self.key.id, self.secret, "PATCH", f"/v1/orders/{order_id}", idem, body)}

    def cancel(self, order_id: str, rid: str) -> dict:
        return {"op": "cancel_order", "id": rid, "order_id": order_id,
                "headers": signed(self.key.id, self.secret, "DELETE", f"/v1/orders/{order_id}", str(uuid.uuid4()))}

    def login(self, rid: str = "auth") -> dict:
        """The stream's own API-key login (for the private channels)."""
        ts = str(int(time.time()))
        return {"op": "auth", "id": rid, "args": {"method": "api_key", "key": self.key.id, "timestamp": ts,
                                                 "signature": signing.sign(self.secret, ts, "GET", "/v1/ws", b"")}}

    def orders(self, client_order_id: str) -> list[dict]:
        r = self.rest("GET", f"/v1/orders?client_order_id={client_order_id}")
        assert r.status_code == 200, r.text
        return r.json()["data"]


class Exchange:
    def __init__(self, app, base: str) -> None:
        self.app, self.base, self.services = app, base, app.services
        self.http = httpx.Client(base_url=base, timeout=10)

    def client(self, name: str) -> StreamClient:
        return StreamClient(self.base, name)


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    db = tmp_path_factory.mktemp("order-entry") / "db.sqlite3"
    app = create_app(Config(database=str(db), validate_responses=True))
    with serving(app) as base:
        ex = Exchange(app, base)
        try:
            yield ex
        finally:
            ex.http.close()


@pytest.fixture(autouse=True)
def _audit(request):
    with CHECKER.audit(request.node.name):
        yield


def refusal(reply: dict) -> tuple[int, str]:
    assert reply["op"] == "error", reply
    return reply["status"], reply["error"]["code"]


def test_a_signed_place_order_frame_is_the_rest_order_and_the_orders_channel_delivers_it(exchange):
    alice = Trader(exchange, "place@example.com")
    with exchange.client("place") as ws:
        assert ws.request(alice.login())["op"] == "auth"
        assert ws.request({"op": "subscribe", "id": "s", "args": ["orders"]})["op"] == "subscribe"
        reply = ws.request(alice.place({**ORDER, "client_order_id": "ws-place-1"}, "p1"))
        assert reply["op"] == "place_order" and reply["id"] == "p1" and reply["status"] == 201, reply
        order = reply["result"]
        assert (order["client_order_id"], order["status"], order["price"]) == ("ws-place-1", "open", "50000.00")
        headers = reply["headers"]
        assert headers["X-RateLimit-Limit"] == RATE_LIMITS.per_credential["write"], headers
        assert headers["X-RateLimit-Remaining"] < headers["X-RateLimit-Limit"], headers
        assert "Idempotent-Replayed" not in headers and headers["X-Request-Id"].startswith("req_")
        rest = alice.rest("GET", f"/v1/orders/{order['id']}")
        assert rest.status_code == 200 and rest.json() == order, (rest.text, order)
        event = ws.wait_for(lambda f: f["op"] == "order" and f["data"]["id"] == order["id"])
        assert event["data"] == order
        # A session's bearer token works too (placeOrder accepts it; the connection's address is the token's).
        login = exchange.http.post("/v1/auth/login", json={"email": "place@example.com", "password": PASSWORD})
        token = login.json()["access_token"]
        body = json.dumps({**ORDER, "client_order_id": "ws-bearer-1"})
        reply = ws.request({"op": "place_order", "id": "p2", "body": body,
                            "headers": {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}})
        assert reply["op"] == "place_order" and reply["status"] == 201, reply
        assert [o["id"] for o in alice.orders("ws-bearer-1")] == [reply["result"]["id"]]
        ws.drain(quiet=0.2)


def test_idempotency_is_rests_replay_same_answer_exact_copy_refused_other_body_refused(exchange):
    bob = Trader(exchange, "replay@example.com")
    order = {**ORDER, "client_order_id": "ws-replay-1"}
    idem = str(uuid.uuid4())
    with exchange.client("replay") as ws:
        frame = bob.place(order, "r1", idem)
        first = ws.request(frame)
        assert first["op"] == "place_order" and first["status"] == 201, first
        # The very same frame: its signature was already accepted (as for a copied HTTP request).
        assert refusal(ws.request({**frame, "id": "r1-copy"})) == (401, "signature_replayed")
        # Signed again with the same Idempotency-Key: the stored answer, marked as such.
        again = ws.request(bob.place(order, "r2", idem))
        assert again["op"] == "place_order" and again["status"] == 201, again
        assert again["result"] == first["result"] and again["headers"]["Idempotent-Replayed"] == "true"
        # One key store for both ways in: REST under the frame's key gets the frame's answer.
        rest = bob.rest("POST", "/v1/orders", json.dumps(order), idem)
        assert rest.status_code == 201 and rest.json() == first["result"], rest.text
        assert rest.headers["idempotent-replayed"] == "true"
        # The key with another body is refused.
        other = ws.request(bob.place({**order, "price": "49000.00"}, "r3", idem))
        assert refusal(other) == (422, "idempotency_key_reused")
        assert other["headers"]["X-Request-Id"] == other["error"]["request_id"]
    assert [o["id"] for o in bob.orders("ws-replay-1")] == [first["result"]["id"]]


def test_refusals_carry_the_rest_status_and_code_and_place_nothing(exchange):
    carol = Trader(exchange, "refused@example.com")
    reader = Trader(exchange, "reader@example.com", scopes=("read",))
    with exchange.client("refused") as ws:
        forged = carol.place({**ORDER, "client_order_id": "ws-forged"}, "f1")
        h = forged["headers"]
        h["X-Cooud-Signature"] = signing.sign_v2("not the secret", h["X-Cooud-Timestamp"], "POST", "/v1/orders",
                                                 h["Idempotency-Key"], forged["body"].encode())
        reply = ws.request(forged)
        assert refusal(reply) == (401, "invalid_signature") and reply["id"] == "f1"
        assert reply["headers"]["X-Request-Id"] == reply["error"]["request_id"]
        # Signed for another target (the signature covers method, path and body): refused the same way.
        other = carol.place({**ORDER, "client_order_id": "ws-forged"}, "f2")
        other["headers"] = signed(carol.key.id, carol.secret, "POST", "/v1/orders/preview",
                                  other["headers"]["Idempotency-Key"], other["body"])
        assert refusal(ws.request(other)) == (401, "invalid_signature")
        assert carol.orders("ws-forged") == []
        assert refusal(ws.request(reader.place(ORDER, "ro"))) == (403, "forbidden")
        assert refusal(ws.request(carol.place("{", "bad-json"))) == (400, "malformed_body")
        assert refusal(ws.request(carol.place({**ORDER, "size": "3.00000"}, "poor"))) == (422, "insufficient_balance")
        assert refusal(ws.request(carol.place({**ORDER, "tif": "DAY"}, "bad-tif")))[1] == "invalid_request"
        nobody = {"op": "place_order", "id": "anon", "body": json.dumps(ORDER),
                  "headers": {"Idempotency-Key": str(uuid.uuid4())}}
        assert refusal(ws.request(nobody)) == (401, "unauthenticated")
        ws.assert_open()


def test_amend_and_cancel_over_the_stream_are_what_rest_then_shows(exchange):
    dave = Trader(exchange, "amend@example.com")
    with exchange.client("amend") as ws:
        placed = ws.request(dave.place({**ORDER, "client_order_id": "ws-amend-1"}, "a0"))["result"]
        amended = ws.request(dave.amend(placed["id"], {"price": "49900.00"}, "a1"))
        assert amended["op"] == "amend_order" and amended["status"] == 200, amended
        assert amended["result"]["id"] == placed["id"] and amended["result"]["price"] == "49900.00"
        assert dave.rest("GET", f"/v1/orders/{placed['id']}").json() == amended["result"]
        cancelled = ws.request(dave.cancel(placed["id"], "c1"))
        assert cancelled["op"] == "cancel_order" and cancelled["status"] == 200, cancelled
        assert (cancelled["result"]["status"], cancelled["result"]["cancel_reason"]) == ("cancelled", "requested")
        assert dave.rest("GET", f"/v1/orders/{placed['id']}").json() == cancelled["result"]
        assert refusal(ws.request(dave.cancel(placed["id"], "c2"))) == (422, "order_not_open")
        assert refusal(ws.request(dave.amend(placed["id"], {"price": "49800.00"}, "a2"))) == (422, "order_not_open")
        missing = "ord_01JD6Q5X2V8M3N4P5R6S7T8V9W"
        assert refusal(ws.request(dave.cancel(missing, "c3"))) == (404, "order_not_found")
        # An order placed over REST is cancelled over the stream: one order book, one set of orders.
        body = json.dumps({**ORDER, "client_order_id": "ws-amend-2"})
        rest = dave.rest("POST", "/v1/orders", body, str(uuid.uuid4()))
        assert rest.status_code == 201, rest.text
        assert ws.request(dave.cancel(rest.json()["id"], "c4"))["result"]["status"] == "cancelled"


def test_frames_that_are_not_requests_get_the_plain_invalid_request_error(exchange):
    erin = Trader(exchange, "malformed@example.com")
    good = erin.place(ORDER, "m0")
    cases = {
        "no headers": {"op": "place_order", "id": "m1", "body": good["body"]},
        "body not a string": {**good, "id": "m2", "body": ORDER},
        "no body": {"op": "place_order", "id": "m3", "headers": good["headers"]},
        "no Idempotency-Key": {**good, "id": "m4", "headers": {k: v for k, v in good["headers"].items()
                                                               if k != "Idempotency-Key"}},
        "a cookie": {**good, "id": "m5", "headers": {**good["headers"], "Cookie": "cooud_session=x"}},
        "a header in lower case": {**good, "id": "m6", "headers": {"idempotency-key": str(uuid.uuid4())}},
        "a non-ASCII header value": {**good, "id": "m7", "headers": {**good["headers"], "Authorization": "Bearer é"}},
        "cancel with a body": {**erin.cancel("ord_01JD6Q5X2V8M3N4P5R6S7T8V9W", "m8"), "body": "{}"},
        "amend without order_id": {"op": "amend_order", "id": "m9", "headers": good["headers"], "body": "{}"},
        "an order id that is not one": {**erin.cancel("ord_01JD6Q5X2V8M3N4P5R6S7T8V9W", "m10"), "order_id": "../x"},
    }
    with exchange.client("malformed") as ws:
        for name, frame in cases.items():
            reply = ws.request(frame)
            assert reply["op"] == "error" and reply["error"]["code"] == "invalid_request", (name, reply)
            assert reply["id"] == frame["id"] and "status" not in reply and "headers" not in reply, (name, reply)
        ws.assert_open()
    r = erin.rest("GET", "/v1/orders")
    assert r.status_code == 200 and r.json()["data"] == [], r.text


def test_a_frame_whose_connection_closes_at_once_still_has_its_effect(exchange):
    fay = Trader(exchange, "gone@example.com")
    ws = exchange.client("gone")
    ws.ws.send(json.dumps(fay.place({**ORDER, "client_order_id": "ws-gone-1"}, "g1")))
    ws.ws.close()
    deadline = time.monotonic() + 10
    while not fay.orders("ws-gone-1"):
        assert time.monotonic() < deadline, "the order of a frame sent just before closing was never placed"
        time.sleep(0.05)


def test_frames_and_rest_calls_spend_one_rate_limit_budget(tmp_path):
    scale = 0.01  # write budget 3 per credential (6 per IP), refilled one unit per 20 s
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), validate_responses=True, rate_limit_scale=scale))
    budget = int(RATE_LIMITS.per_credential["write"] * scale)
    with serving(app) as base:
        ex = Exchange(app, base)
        gus = Trader(ex, "limits@example.com")
        try:
            with ex.client("limits") as ws:
                remaining = []
                for i in range(budget):
                    reply = ws.request(gus.place({**ORDER, "client_order_id": f"ws-limit-{i}"}, f"l{i}"))
                    assert reply["op"] == "place_order", reply
                    assert reply["headers"]["X-RateLimit-Limit"] == budget
                    remaining.append(reply["headers"]["X-RateLimit-Remaining"])
                assert remaining == list(range(budget - 1, -1, -1)), remaining
                # The budget is spent: REST's next write is refused, and so is the stream's.
                r = gus.rest("POST", "/v1/orders", json.dumps(ORDER), str(uuid.uuid4()))
                assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited", r.text
                assert int(r.headers["retry-after"]) >= 1
                reply = ws.request(gus.place(ORDER, "over"))
                assert refusal(reply)[0] == 429 and reply["headers"]["Retry-After"] >= 1, reply
        finally:
            ex.http.close()


# -- the document ---------------------------------------------------------------------------------------------------
def test_the_order_entry_examples_are_the_signing_vectors_requests():
    vectors = json.loads((ROOT / "spec" / "signing" / "vectors_v2.json").read_text("utf-8"))["vectors"]
    secret = vectors[0]["secret"]
    by_signature = {v["signature"]: v for v in vectors}
    _, rest_operations = request_payloads(yaml.safe_load((ROOT / "spec" / "asyncapi.yaml").read_text("utf-8")))
    entry = OrderEntry(None, rest_operations)
    checked = named = 0
    for op in entry.routes:
        for example in CONTRACT.request_ops[op].requests[op].examples:
            headers = example["headers"]
            if "X-Cooud-Signature" not in headers:
                continue
            method, target, body = entry.request(example)
            assert headers["X-Cooud-Signature"] == signing.sign_v2(secret, headers["X-Cooud-Timestamp"], method,
                                                                   target, headers["Idempotency-Key"], body), example
            checked += 1
            vector = by_signature.get(headers["X-Cooud-Signature"])
            if vector is not None:
                named += 1
                assert (vector["method"].upper(), vector["path_with_query"], vector["body"].encode()) == \
                    (method, target, body)
    assert checked >= len(entry.routes) and named >= len(entry.routes)


def test_the_header_schemas_the_document_restates_are_openapis():
    stream = yaml.safe_load((ROOT / "spec" / "asyncapi.yaml").read_text("utf-8"))["components"]["schemas"]
    rest = yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text("utf-8"))["components"]

    def bare(schema: dict) -> dict:
        return {k: v for k, v in schema.items() if k not in ("description", "example", "examples")}

    request = stream["OrderEntryHeaders"]["properties"]
    assert bare(request["Idempotency-Key"]) == bare(rest["parameters"]["IdempotencyKey"]["schema"])
    assert bare(request["X-Cooud-Signature-Version"]) == bare(rest["parameters"]["SignatureVersion"]["schema"])
    reply = stream["OrderEntryReplyHeaders"]["properties"]
    for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After",
                 "Idempotent-Replayed"):
        assert bare(reply[name]) == bare(rest["headers"][name]["schema"]), name
