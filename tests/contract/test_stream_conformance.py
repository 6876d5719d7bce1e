"""The WebSocket stream against spec/asyncapi.yaml, over real sockets (the `websockets` client) to the in-process app.

Every frame received here goes through the document-built checker of tests/stream_support.py (undocumented op,
invalid payload, uncatalogued error code, wrong or out-of-order correlation id, a reply to nothing, data on a
channel not subscribed); a test fails at teardown listing every such frame it received.

What is driven:
- every `receive` operation with every example of its request messages (the auth and order-entry examples
  carry fake credentials: each must get an error whose code the operation documents — for order entry, a code
  of the REST operation its frames carry);
- every `receive` operation with 120 hypothesis-generated payloads valid against its request schema, over an
  anonymous and an authenticated connection: each gets exactly one reply, one of the operation's reply
  messages, with the request's id; the outcome is predicted from the listed markets and the connection's
  subscriptions (valid names of listed markets must subscribe; unknown markets -> `market_not_found`, private
  channels before auth -> `unauthenticated`, all-or-nothing; unsubscribe lists exactly what was subscribed);
  order-entry frames carry generated, hence never valid, credentials, so each must be refused with a code of its
  REST operation, in the error frame with the REST `status` (their successes are test_stream_order_entry.py's);
- 250 generated invalid frames (schema violations of each request, non-object JSON, text that is not JSON,
  binary frames, frames over 16 KiB): each gets exactly one `error` with the code the document names, and the
  connection still answers a ping; plus the 16 KiB boundary itself;
- the private channels: two accounts (signed API key login; bearer token from POST /v1/auth/login) trade
  with each other, one places a conditional order and an OCO strategy order it cancels; each connection gets only
  its own orders, conditional orders, strategy orders and balances, and the last balance frame of each asset
  equals REST's balance.
"""

from __future__ import annotations

import collections
import json
import re
import time

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from impl.app import create_app
from impl.config import Config
from impl.security import signing
from impl.ws.hub import PRIVATE_CHANNELS
from tests.stream_support import CHECKER, CONTRACT, MAX_FRAME_BYTES, FrameChecker, Pending, StreamClient, serving

PASSWORD = "correct horse battery staple"
SETTINGS = settings(max_examples=120, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))
SYMBOL_RE = re.compile(r"[A-Z0-9]{2,10}/[A-Z0-9]{2,10}")
PRIVATE = PRIVATE_CHANNELS  # what the gateway treats as private: subscribed only after auth


class Exchange:
    def __init__(self, app, base: str) -> None:
        self.app, self.base = app, base
        self.services = app.services
        self.http = httpx.Client(base_url=base, timeout=10)
        self.symbols = [m["symbol"] for m in self.http.get("/v1/markets").json()["data"]]

    def user(self, email: str, funds: dict[str, str] | None = None):
        s = self.services
        user = s.identity.create_user(email, PASSWORD, s.now_ms())
        for asset, amount in (funds or {}).items():
            s.trading.deposit(user.id, asset, amount, f"fund-{email}-{asset}")
        return user

    def key(self, user_id: str, scopes=("read", "trade")):
        return self.services.identity.create_api_key(user_id, "ws", list(scopes), [], 30, self.services.now_ms())

    def login(self, email: str) -> str:
        r = self.http.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def client(self, name: str) -> StreamClient:
        return StreamClient(self.base, name)


def key_login(key, secret: str, rid: str = "auth-key", ts: str | None = None) -> dict:
    ts = ts or str(int(time.time()))
    return {"op": "auth", "id": rid, "args": {"method": "api_key", "key": key.id, "timestamp": ts,
                                             "signature": signing.sign(secret, ts, "GET", "/v1/ws", b"")}}


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    db = tmp_path_factory.mktemp("stream") / "db.sqlite3"
    # Budgets x5: generated order-entry frames are REST requests with credentials that never verify, each charged
    # to 127.0.0.1's anonymous budget (~120 per order-entry op, within a minute or two), beside the logins here.
    app = create_app(Config(database=str(db), validate_responses=True, ws_heartbeat_s=0.5, ws_throttle_s=0.2,
                            rate_limit_scale=5))
    with serving(app) as base:
        ex = Exchange(app, base)
        try:
            yield ex
        finally:
            ex.http.close()
            print("\n" + CHECKER.summary())


@pytest.fixture(autouse=True)
def _audit(request):
    with CHECKER.audit(request.node.name):
        yield


def error_code(reply: dict) -> str | None:
    return reply["error"]["code"] if reply["op"] == CONTRACT.error_op else None


# -- 2a: the document's own examples ------------------------------------------------------------------------------
def test_every_request_example_gets_a_documented_reply(exchange):
    seen = 0
    with exchange.client("examples") as ws:
        for operation in CONTRACT.receive.values():
            for op, message in operation.requests.items():
                assert message.examples, f"{message.name} has no example"
                for example in message.examples:
                    reply = ws.request(example)
                    seen += 1
                    assert reply["op"] in operation.replies, (example, reply)
                    if op == "auth" or operation.rest_operation:  # fake credentials: an error it documents
                        assert error_code(reply) in operation.error_codes, (example, reply)
                        continue
                    assert reply["op"] != CONTRACT.error_op, (example, reply)
                    # A reply example answering the same id must show the same result.
                    for shown in operation.replies[reply["op"]].examples:
                        if shown.get("id") == example.get("id") and "result" in shown:
                            assert reply["result"] == shown["result"], (example, reply, shown)
        ws.drain()
        assert ws.subscribed == {"orderbook.BTC/USDT", "ticker.ETH/USDT", "candles.ETH/USDT.1m"}
        ws.assert_open()
    assert seen >= 7


# -- 2b: generated valid requests ---------------------------------------------------------------------------------
def realistic(data, payload: dict, symbols: list[str]) -> dict:
    """Point some generated channel names at listed markets (still valid: duplicates are dropped)."""
    if not isinstance(payload.get("args"), list):
        return payload
    args = []
    for channel in payload["args"]:
        if channel.count(".") and data.draw(st.booleans(), label="listed market"):
            channel = SYMBOL_RE.sub(data.draw(st.sampled_from(symbols), label="symbol"), channel, count=1)
        args.append(channel)
    return {**payload, "args": list(dict.fromkeys(args))}


def predicted_subscribe(args: list[str], authenticated: bool, symbols: list[str]) -> set[str]:
    """The error codes the request must get (empty: it must succeed)."""
    codes = set()
    for channel in args:
        if channel in PRIVATE:
            if not authenticated:
                codes.add("unauthenticated")
        elif channel.split(".")[1] not in symbols:
            codes.add("market_not_found")
    return codes


@pytest.mark.parametrize("op", sorted(CONTRACT.request_ops))
def test_generated_valid_requests_get_one_documented_reply(exchange, op):
    operation = CONTRACT.request_ops[op]
    owner = exchange.user(f"valid-{op}@example.com")
    key, secret = exchange.key(owner.id)
    anon, authed = exchange.client(f"valid-{op}-anon"), exchange.client(f"valid-{op}-auth")
    assert authed.request(key_login(key, secret))["op"] == "auth"
    conns = {False: anon, True: authed}
    public = [f"{kind}.{s}" for s in exchange.symbols[:2] for kind in ("orderbook", "trades", "ticker")]
    outcomes = {"ok": 0, "error": 0}

    @SETTINGS
    @given(data=st.data(), payload=CONTRACT.valid_requests(op), use_auth=st.booleans())
    def run(data, payload, use_auth):
        payload = realistic(data, payload, exchange.symbols)
        if op == "auth":
            use_auth = False  # fake credentials on a connection that has not authenticated
        ws = conns[use_auth]
        before = set(ws.subscribed)
        if op == "unsubscribe" and not before:
            ws.request({"op": "subscribe", "args": public})
            before = set(ws.subscribed)
        reply = ws.request(payload)
        assert reply["op"] in operation.replies
        if "id" in payload:
            assert reply["id"] == payload["id"]
        outcomes["error" if reply["op"] == CONTRACT.error_op else "ok"] += 1
        if op == "subscribe":
            expected = predicted_subscribe(payload["args"], use_auth, exchange.symbols)
            if expected:
                assert error_code(reply) in expected, (payload, reply)
                undo = ws.request({"op": "unsubscribe", "args": payload["args"]})
                assert set(undo["result"]["channels"]) == set(payload["args"]) & before, (payload, undo)
                if undo["result"]["channels"]:
                    ws.request({"op": "subscribe", "args": undo["result"]["channels"]})
            else:
                assert reply["op"] == "subscribe" and reply["result"]["channels"] == payload["args"], reply
        elif op == "unsubscribe":
            assert reply["op"] == "unsubscribe", reply
            assert reply["result"]["channels"] == [c for c in payload["args"] if c in before], (payload, reply)
        elif op == "ping":
            assert reply["op"] == "pong", reply
        elif op == "auth":
            assert error_code(reply) in operation.error_codes, (payload, reply)
        elif operation.rest_operation:  # refused by the REST pipeline: its code, status and headers
            assert error_code(reply) in operation.error_codes, (payload, reply)
            assert 400 <= reply["status"] < 500 and reply["headers"]["X-Request-Id"] == reply["error"]["request_id"]

    try:
        run()
        for ws in conns.values():
            ws.drain(quiet=0.2)
            ws.assert_open()
        if op == "auth":  # failed logins leave the connection unauthenticated
            assert error_code(anon.request({"op": "subscribe", "args": ["orders"]})) == "unauthenticated"
    finally:
        anon.close()
        authed.close()
    print(f"\n{op}: {outcomes}")
    if op == "subscribe":
        assert outcomes["ok"] >= 10 and outcomes["error"] >= 10, outcomes


# -- 2c: generated invalid frames ---------------------------------------------------------------------------------
JUNK_TYPES = st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), st.text(max_size=5),
                       st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                            max_size=2))


@st.composite
def schema_violations(draw) -> tuple[str, str]:
    op = draw(st.sampled_from(sorted(CONTRACT.request_ops)))
    payload = dict(draw(CONTRACT.valid_requests(op)))
    how = draw(st.sampled_from(["unknown field", "wrong type", "drop op", "drop required", "unknown op",
                                "bad channel", "empty args", "duplicate args", "bad id", "bad auth args"]))
    if how == "unknown field":
        payload["zz_" + draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True))] = draw(JUNK_TYPES)
    elif how == "wrong type":
        name = draw(st.sampled_from(sorted(payload)))
        payload[name] = draw(JUNK_TYPES.filter(lambda v: not isinstance(v, str) or name != "id"))
    elif how == "drop op":
        del payload["op"]
    elif how == "drop required":
        del payload["args" if "args" in payload else "op"]
    elif how == "unknown op":
        payload["op"] = draw(st.text(max_size=12).filter(lambda s: s not in CONTRACT.request_ops))
    elif how == "bad channel":
        payload["args"] = [draw(st.sampled_from(["orderbook.btc-usdt", "orderbook.BTC-USDT", "candles.BTC/USDT.2m",
                                                 "trades", "Orders", "ticker.B/USDT", " orders", "orders\n"]))]
    elif how == "empty args":
        payload["args"] = []
    elif how == "duplicate args":
        payload["args"] = ["ticker.BTC/USDT", "ticker.BTC/USDT"]
    elif how == "bad id":
        payload["id"] = draw(st.sampled_from(["", "a b", "x" * 65, "é", "id/1", 7, None, ["a"]]))
    elif how == "bad auth args":
        payload["op"] = "auth"
        payload["args"] = draw(st.sampled_from([
            {"method": "api_key", "key": "key_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6", "timestamp": "1", "signature": "AB"},
            {"method": "bearer", "token": ""}, {"method": "listen_key", "listen_key": "nope"},
            {"method": "password", "token": "x"}, {"method": "bearer", "token": "t", "extra": 1}, {}]))
    frame = json.dumps(payload)
    assume(CONTRACT.request_operation(json.loads(frame)) is None)  # really a violation
    return "invalid_request", frame


INVALID_FRAMES = st.one_of(
    schema_violations(),
    JUNK_TYPES.filter(lambda v: not isinstance(v, dict)).map(lambda v: ("not an object", json.dumps(v))),
    st.text(max_size=40).filter(lambda s: _not_json(s)).map(lambda s: ("not json", s)),
    st.binary(max_size=64).map(lambda b: ("binary", b)),
    st.integers(MAX_FRAME_BYTES + 1, MAX_FRAME_BYTES + 4096).map(
        lambda n: ("too large", '{"op":"ping","id":"big"}'.ljust(n))),
    st.integers(MAX_FRAME_BYTES // 2 + 1, MAX_FRAME_BYTES).map(lambda n: ("too large", "é" * n)),
)
EXPECTED_CODE = {"invalid_request": {"invalid_request"}, "binary": {"unsupported_media_type"},
                 "not json": {"malformed_body"}, "too large": {"payload_too_large"},
                 # the document says a frame "that is not a JSON object" gets malformed_body; the catalogue's
                 # malformed_body is "not well-formed JSON" and invalid_request "did not validate": either reads
                 "not an object": {"malformed_body", "invalid_request"}}


def _not_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return True
    return False


def test_generated_invalid_frames_get_one_error_and_the_connection_stays_open(exchange):
    kinds: dict[str, int] = {}
    with exchange.client("invalid") as ws:

        @settings(SETTINGS, max_examples=250)
        @given(case=INVALID_FRAMES)
        def run(case):
            kind, frame = case
            kinds[kind] = kinds.get(kind, 0) + 1
            reply = ws.request(frame)
            assert reply["op"] == CONTRACT.error_op, (frame, reply)
            assert error_code(reply) in EXPECTED_CODE[kind], (kind, str(frame)[:200], reply)
            ws.assert_open()

        run()
    print(f"\ninvalid frames by kind: {kinds}")
    assert set(kinds) == set(EXPECTED_CODE)


def test_frame_size_limit_is_16_kib(exchange):
    with exchange.client("size") as ws:
        head = '{"op":"ping","id":"edge"}'
        at_limit = ws.request(head.ljust(MAX_FRAME_BYTES))
        assert at_limit["op"] == "pong" and at_limit["id"] == "edge", at_limit
        over = ws.request(head.ljust(MAX_FRAME_BYTES + 1))
        assert error_code(over) == "payload_too_large" and over["id"] is None, over
        for frame, code in (("", "malformed_body"), (b"", "unsupported_media_type"), ("{", "malformed_body")):
            assert error_code(ws.request(frame)) == code, frame
        ws.assert_open()


# -- 3: private channels ------------------------------------------------------------------------------------------
def test_private_channels_carry_only_the_accounts_own_events(exchange):
    s = exchange.services
    a = exchange.user("alice@example.com", {"BTC": "1", "USDT": "100000"})
    b = exchange.user("bob@example.com", {"BTC": "1", "USDT": "100000"})
    key, secret = exchange.key(a.id)
    reader_key, reader_secret = exchange.key(a.id, scopes=("trade",))
    token_a, token_b = exchange.login("alice@example.com"), exchange.login("bob@example.com")
    with (exchange.client("alice") as wa, exchange.client("bob") as wb, exchange.client("eve") as we):
        login = key_login(key, secret, "auth-alice")
        reply = wa.request(login)
        assert reply["op"] == "auth" and reply["result"] == {"user_id": a.id, "method": "api_key"}, reply
        reply = wb.request({"op": "auth", "id": "auth-bob", "args": {"method": "bearer", "token": token_b}})
        assert reply["op"] == "auth" and reply["result"] == {"user_id": b.id, "method": "bearer"}, reply
        # Documented auth failures, each leaving the connection open and unauthenticated.
        assert error_code(we.request(login)) == "signature_replayed"
        assert error_code(we.request(key_login(reader_key, reader_secret, "no-read"))) == "forbidden"
        assert error_code(we.request(key_login(key, secret, "old", str(int(time.time()) - 300)))) == "timestamp_skew"
        assert error_code(we.request({"op": "subscribe", "id": "peek", "args": ["orders"]})) == "unauthenticated"
        assert error_code(wa.request({"op": "auth", "id": "again", "args": {"method": "bearer", "token": token_a}})) \
            == "invalid_request"
        private = ["orders", "conditional_orders", "order_lists", "balances"]
        for ws in (wa, wb):
            reply = ws.request({"op": "subscribe", "id": "private", "args": private})
            assert reply["result"]["channels"] == private, reply
        we.request({"op": "subscribe", "args": ["trades.BTC/USDT"]})

        s.trading.deposit(b.id, "USDT", "5", "late-deposit")
        sell = s.trading.place(a.id, {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "60000.00",
                                      "size": "0.01000", "tif": "GTC"})
        buy1 = s.trading.place(b.id, {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "60000.00",
                                      "size": "0.00400", "tif": "GTC"})
        buy2 = s.trading.place(b.id, {"symbol": "BTC/USDT", "side": "buy", "type": "limit", "price": "60000.00",
                                      "size": "0.01000", "tif": "GTC"})
        s.trading.cancel(b.id, buy2.id)
        # alice's conditional and strategy orders: a stop loss, and an OCO bracket (take profit + stop) she cancels
        stop = s.trading.place_conditional(a.id, {"symbol": "BTC/USDT", "side": "sell", "type": "stop_market",
                                                  "trigger_price": "50000.00", "size": "0.00100"})
        bracket = s.trading.place_list(a.id, {"type": "oco", "legs": [
            {"symbol": "BTC/USDT", "side": "sell", "type": "limit", "price": "70000.00", "size": "0.00100"},
            {"symbol": "BTC/USDT", "side": "sell", "type": "stop_market", "trigger_price": "55000.00",
             "size": "0.00100"}]})
        s.trading.cancel_list(a.id, bracket.id)
        mine = {wa: {sell.id, bracket.legs[0].order_id}, wb: {buy1.id, buy2.id}}
        wa.wait_for(lambda f: f["op"] == "order" and f["data"]["id"] == sell.id and f["data"]["status"] == "filled")
        wb.wait_for(lambda f: f["op"] == "order" and f["data"]["id"] == buy2.id and f["data"]["status"] == "cancelled")
        wa.wait_for(lambda f: f["op"] == "order_list" and f["data"]["status"] == "cancelled")
        we.wait_for(lambda f: f["op"] == "trade", timeout=5)
        for ws in (wa, wb, we):
            ws.drain(quiet=0.4)
        for ws, token in ((wa, token_a), (wb, token_b)):
            orders = [f["data"] for f in ws.events if f["op"] == "order"]
            assert {o["id"] for o in orders} == mine[ws], (ws.name, orders)
            last = {}
            for f in ws.events:
                if f["op"] == "balance":
                    last[f["data"]["asset"]] = f["data"]
            r = exchange.http.get("/v1/wallet/balances", headers={"Authorization": f"Bearer {token}"})
            rest = {x["asset"]: x for x in r.json()["data"]}
            assert last and all(rest[asset] == data for asset, data in last.items()), (ws.name, last, rest)
            assert set(last) == {"BTC", "USDT"}, last
        assert not [f for f in we.events if f["op"] in ("order", "balance")]
        assert not [f for f in wb.events if f["op"] in ("conditional_order", "order_list")]
        conditionals = [(f["data"]["id"], f["data"]["status"]) for f in wa.events if f["op"] == "conditional_order"]
        guard = bracket.legs[1].conditional_order_id
        assert conditionals == [(stop.id, "new"), (guard, "new"), (guard, "cancelled")], conditionals
        lists = [(f["data"]["id"], f["data"]["status"]) for f in wa.events if f["op"] == "order_list"]
        assert lists == [(bracket.id, "working"), (bracket.id, "cancelled")], lists
        statuses = [f["data"]["status"] for f in wb.events if f["op"] == "order"]
        assert statuses.count("filled") == 1 and statuses[-1] == "cancelled", statuses


# -- the checker itself -------------------------------------------------------------------------------------------
def test_the_checker_accepts_the_documents_examples_and_rejects_what_it_does_not_allow():
    checker = FrameChecker(CONTRACT)
    examples = [e for m in CONTRACT.sent.values() for e in m.examples]
    assert len(examples) >= len(CONTRACT.sent)
    for example in examples:
        assert checker.check(json.dumps(example)) == example
    assert checker.failures == []
    bad = [
        b'{"op": "pong"}',  # binary
        "not json",
        "[]",
        '{"op": "hello"}',  # undocumented
        '{"op": "pong", "id": "x"}',  # no ts
        '{"op": "heartbeat", "ts": "2026-05-18 12:04:15"}',  # not the Timestamp pattern
        '{"op": "trade", "channel": "trades.BTC/USDT", "data": {"id": "trd_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6", '
        '"symbol": "BTC/USDT", "price": 61500.1, "size": "0.25", "taker_side": "buy", '
        '"ts": "2026-05-18T12:04:12.010Z"}}',  # a float price
        '{"op": "error", "id": null, "error": {"code": "no_such_code", "message": "m", '
        '"request_id": "req_01HXY9GA2T8K4M6N7P8Q9R0S1V"}}',
    ]
    for frame in bad:
        before = len(checker.failures)
        assert checker.check(frame) is None and len(checker.failures) > before, frame
    start = len(checker.failures)
    # Correlation: replies in request order, with the request's id, one per request.
    client = StreamClient.__new__(StreamClient)
    client.name, client.checker, client.contract = "fake", checker, CONTRACT
    client.pending, client.replies, client.subscribed, client.events = collections.deque(), [], set(), []
    for frame in ('{"op": "ping", "id": "a"}', '{"op": "ping", "id": "b"}', "{"):
        expected_id, allowed, operation = CONTRACT.expectation(frame)
        client.pending.append(Pending(frame, expected_id, allowed, operation))
    client._reply({"op": "pong", "id": "b", "ts": "2026-05-18T12:04:11.842Z"})  # answers a: wrong id
    client._reply({"op": "subscribe", "id": "b", "result": {"channels": []}})  # not a ping's reply
    client._reply({"op": "error", "id": None, "error": {}})  # right: the unparseable frame's
    client._reply({"op": "pong", "id": None, "ts": "2026-05-18T12:04:11.842Z"})  # a reply to nothing
    assert len(checker.failures) == start + 3, checker.failures[start:]
