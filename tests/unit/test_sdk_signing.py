"""The SDK (clients/python, `cooud_sdk`) against the contract, without a server.

- its signers reproduce every vector of spec/signing/vectors.json (v1) and vectors_v2.json (v2), read from the
  files; its transport signs REST requests with v2 over the bytes httpx puts on the wire, Idempotency-Key included;
- its transport adds `Idempotency-Key` to POST/PATCH/DELETE only and keeps it across retries; retries exactly
  `409 idempotency_in_flight` and `429` (honouring `Retry-After`), boundedly, and nothing else; signs each attempt
  afresh; identical requests in one millisecond get strictly increasing timestamps, never the same signature, and
  never wait;
- a password session refreshes before expiry and never presents a refresh token twice;
- the SDK does not import the server (`impl`).
The inner transport is an `httpx.MockTransport` that records attempts; time is a fake clock advanced by `sleep`.
"""

from __future__ import annotations

import ast
import json
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "clients" / "python"
for _path in (SDK, ROOT / "generated" / "client"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from cooud_sdk import (  # noqa: E402
    ApiKeyAuth,
    CooudClient,
    CooudTransport,
    SessionExpiredError,
    canonical_message,
    canonical_message_v2,
    signature,
    signature_v2,
    siwe_message,
)

VECTORS = json.loads((ROOT / "spec" / "signing" / "vectors.json").read_text(encoding="utf-8"))["vectors"]
VECTORS_V2 = json.loads((ROOT / "spec" / "signing" / "vectors_v2.json").read_text(encoding="utf-8"))["vectors"]
BASE = "http://exchange.test/v1"


class FakeTime:
    """A clock that only moves when slept on (or when a test moves it)."""

    def __init__(self, now: float = 1_747_555_200.25) -> None:
        self.now, self.slept = now, []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Server:
    """Inner transport: answers from a script (status, headers, body) and records every attempt it receives."""

    def __init__(self, *answers: tuple[int, dict[str, str], dict | None]) -> None:
        self.answers, self.seen, self.seen_headers = list(answers), [], []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        self.seen_headers.append(dict(request.headers))  # a retry re-sends the same (mutated) Request object
        status, headers, body = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return httpx.Response(status, headers=headers, json=body)


def error(code: str) -> dict:
    return {"error": {"code": code, "message": code, "request_id": "req_01JD6Q5X2V8M3N4P5R6S7T8V9W"}}


def http_client(server: Server, credential=None, time_: FakeTime | None = None, **options) -> httpx.Client:
    time_ = time_ or FakeTime()
    transport = CooudTransport(httpx.MockTransport(server), credential, sleep=time_.sleep, **options)
    return httpx.Client(base_url=BASE, transport=transport)


# -- signing vectors -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_signer_reproduces_vector(vector):
    args = (vector["timestamp"], vector["method"], vector["path_with_query"], vector["body"])
    assert canonical_message(*args) == vector["canonical"].encode("utf-8")
    assert signature(vector["secret"], *args) == vector["signature"]


@pytest.mark.parametrize("vector", VECTORS_V2, ids=[v["name"] for v in VECTORS_V2])
def test_signer_reproduces_vector_v2(vector):
    args = (vector["timestamp"], vector["method"], vector["path_with_query"], vector["idempotency_key"],
            vector["body"])
    assert canonical_message_v2(*args) == vector["canonical"].encode("utf-8")
    assert signature_v2(vector["secret"], *args) == vector["signature"]


# The transport gives every mutation an Idempotency-Key, so a mutation's vector without one is the signer's alone.
WIRE_VECTORS = [v for v in VECTORS_V2 if v["idempotency_key"] or v["method"].upper() not in ("POST", "PATCH", "DELETE")]


@pytest.mark.parametrize("vector", WIRE_VECTORS, ids=[v["name"] for v in WIRE_VECTORS])
def test_transport_signs_the_wire_bytes_as_the_vector(vector):
    server = Server((200, {}, {}))
    fake = FakeTime(int(vector["timestamp"]) / 1000 + 0.0005)  # within the vector's millisecond
    auth = ApiKeyAuth("key_01JD6Q5X2V8M3N4P5R6S7T8V9W", vector["secret"], clock=fake.clock, sleep=fake.sleep)
    headers = {"Idempotency-Key": vector["idempotency_key"]} if vector["idempotency_key"] else {}
    with http_client(server, auth, fake) as http:
        http.request(vector["method"], "http://exchange.test" + vector["path_with_query"],
                     content=vector["body"].encode("utf-8"), headers=headers)
    sent = server.seen[0]
    assert sent.url.raw_path == vector["path_with_query"].encode("ascii")
    assert sent.headers["X-Cooud-Signature-Version"] == "2"
    assert sent.headers["X-Cooud-Timestamp"] == vector["timestamp"]
    assert sent.headers["X-Cooud-Signature"] == vector["signature"]
    assert sent.headers["X-Cooud-Key"] == "key_01JD6Q5X2V8M3N4P5R6S7T8V9W"


def test_a_bare_question_mark_is_not_signed():
    server, fake = Server((200, {}, {})), FakeTime(1_747_555_200.0)
    auth = ApiKeyAuth("key_x", "s", clock=fake.clock, sleep=fake.sleep)
    with http_client(server, auth, fake) as http:
        http.get("http://exchange.test/v1/time?")
    assert server.seen[0].headers["X-Cooud-Signature"] == signature_v2("s", "1747555200000", "GET", "/v1/time")


# -- Idempotency-Key -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_mutations_get_a_fresh_uuid4_idempotency_key(method):
    server = Server((200, {}, {}))
    with http_client(server) as http:
        http.request(method, "/account/api-keys/key_x")
        http.request(method, "/account/api-keys/key_x")
    first, second = (uuid.UUID(r.headers["Idempotency-Key"]) for r in server.seen)
    assert first.version == second.version == 4 and first != second


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_reads_get_no_idempotency_key(method):
    server = Server((200, {}, {}))
    with http_client(server) as http:
        http.request(method, "/account")
    assert "Idempotency-Key" not in server.seen[0].headers


def test_a_callers_idempotency_key_is_kept():
    server, key = Server((200, {}, {})), str(uuid.uuid4())
    with http_client(server) as http:
        http.post("/auth/2fa/confirm", json={"code": "123456"}, headers={"Idempotency-Key": key})
    assert server.seen[0].headers["Idempotency-Key"] == key


def test_the_idempotency_key_is_kept_across_retries_and_each_attempt_is_signed_afresh():
    server = Server((409, {}, error("idempotency_in_flight")), (429, {"Retry-After": "2"}, error("rate_limited")),
                    (201, {}, {"ok": True}))
    fake = FakeTime(1_747_555_200.0)
    auth = ApiKeyAuth("key_x", "secret", clock=fake.clock, sleep=fake.sleep)
    with http_client(server, auth, fake) as http:
        response = http.post("/orders", json={"symbol": "BTC/USDT"})
    assert response.status_code == 201 and response.json() == {"ok": True}
    assert len(server.seen) == 3
    assert len({h["idempotency-key"] for h in server.seen_headers}) == 1
    assert len({h["x-cooud-signature"] for h in server.seen_headers}) == 3
    assert [h["x-cooud-timestamp"] for h in server.seen_headers] == ["1747555200000", "1747555200250",
                                                                     "1747555202250"]
    for h in server.seen_headers:  # the Idempotency-Key is part of what is signed
        assert h["x-cooud-signature"] == signature_v2("secret", h["x-cooud-timestamp"], "POST", "/v1/orders",
                                                      h["idempotency-key"], b'{"symbol":"BTC/USDT"}')
    assert all(h["content-length"] == str(len(b'{"symbol":"BTC/USDT"}')) for h in server.seen_headers)


# -- retries ---------------------------------------------------------------------------------------------------------

def test_409_in_flight_is_retried_with_exponential_backoff_then_bounded():
    server, fake = Server((409, {}, error("idempotency_in_flight"))), FakeTime()
    with http_client(server, time_=fake, max_attempts=4) as http:
        response = http.delete("/account/api-keys")
    assert response.status_code == 409 and response.json()["error"]["code"] == "idempotency_in_flight"
    assert len(server.seen) == 4 and fake.slept == [0.25, 0.5, 1.0]


def test_429_waits_retry_after_seconds():
    server, fake = Server((429, {"Retry-After": "3"}, error("rate_limited")), (200, {}, {})), FakeTime()
    with http_client(server, time_=fake) as http:
        assert http.get("/account").status_code == 200
    assert len(server.seen) == 2 and fake.slept == [3.0]


def test_429_without_retry_after_backs_off_and_a_too_long_retry_after_is_returned():
    server, fake = Server((429, {}, error("rate_limited")), (200, {}, {})), FakeTime()
    with http_client(server, time_=fake) as http:
        assert http.get("/account").status_code == 200
    assert fake.slept == [0.25]
    server, fake = Server((429, {"Retry-After": "3600"}, error("rate_limited"))), FakeTime()
    with http_client(server, time_=fake, max_retry_after=60) as http:
        assert http.get("/account").status_code == 429
    assert len(server.seen) == 1 and fake.slept == []


@pytest.mark.parametrize(("status", "code"), [
    (400, "invalid_request"), (401, "unauthenticated"), (401, "signature_replayed"), (403, "forbidden"),
    (404, "api_key_not_found"), (409, "some_other_conflict"), (422, "idempotency_key_reused"),
    (422, "insufficient_balance"), (500, "internal_error"), (503, "service_unavailable"),
])
def test_final_answers_are_not_retried(status, code):
    server, fake = Server((status, {}, error(code))), FakeTime()
    with http_client(server, time_=fake) as http:
        response = http.post("/orders", json={})
    assert len(server.seen) == 1 and fake.slept == []
    assert response.status_code == status and response.json()["error"]["code"] == code


# -- replay guard ----------------------------------------------------------------------------------------------------

def test_identical_requests_in_one_millisecond_never_wait_and_never_share_a_signature():
    server, fake = Server((200, {}, {})), FakeTime(1_747_555_200.4)
    auth = ApiKeyAuth("key_x", "secret", clock=fake.clock, sleep=fake.sleep)
    with http_client(server, auth, fake) as http:
        for _ in range(3):
            http.get("/account")  # identical bytes, the clock does not move: one millisecond apart anyway
        http.post("/orders", json={"symbol": "BTC/USDT"})
        http.post("/orders", json={"symbol": "BTC/USDT"})  # a second identical order (layering), its own key
    timestamps = [int(h["x-cooud-timestamp"]) for h in server.seen_headers]
    assert timestamps == [1_747_555_200_400 + i for i in range(5)]
    assert fake.slept == []
    assert len({h["x-cooud-signature"] for h in server.seen_headers}) == 5
    assert all(h["x-cooud-signature-version"] == "2" for h in server.seen_headers)


def test_a_clock_stepping_back_does_not_replay_a_signature():
    server, fake = Server((200, {}, {})), FakeTime(1_747_555_205.0)
    auth = ApiKeyAuth("key_x", "secret", clock=fake.clock, sleep=fake.sleep)
    with http_client(server, auth, fake) as http:
        http.get("/account")
        fake.now += 0.3
        http.get("/account")
        fake.now -= 0.5  # a small step back: timestamps keep increasing past it
        http.get("/account")
        fake.now += 5
        http.get("/account")
        fake.now = 1_747_555_205.0  # a step back of seconds (e.g. NTP): back to the clock, skipping what was signed
        http.get("/account")
    timestamps = [int(h["x-cooud-timestamp"]) for h in server.seen_headers]
    assert timestamps == [1_747_555_205_000, 1_747_555_205_300, 1_747_555_205_301, 1_747_555_209_800,
                          1_747_555_205_001]
    assert len({h["x-cooud-signature"] for h in server.seen_headers}) == 5


# -- password session ------------------------------------------------------------------------------------------------

def _tokens(n: int, expires_at: float) -> dict:
    stamp = datetime.fromtimestamp(expires_at, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {"access_token": f"a{n}.b.c", "token_type": "Bearer", "expires_at": stamp,
            "refresh_token": f"rt_{n}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "refresh_expires_at": stamp,
            "user_id": "usr_01JD6Q5X2V8M3N4P5R6S7T8V9W"}


class SessionServer:
    """Login, refresh (rotating, with reuse detection) and GET /account, each token valid `lifetime` seconds."""

    def __init__(self, fake: FakeTime, lifetime: float = 3600) -> None:
        self.fake, self.lifetime, self.issued, self.presented, self.seen = fake, lifetime, 0, [], []
        self.refresh_answer: tuple[int, dict] | None = None

    def _issue(self) -> httpx.Response:
        self.issued += 1
        return httpx.Response(200, json=_tokens(self.issued, self.fake.now + self.lifetime))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path, request.headers.get("authorization")))
        if request.url.path == "/v1/auth/login":
            return self._issue()
        if request.url.path == "/v1/auth/refresh":
            token = json.loads(request.content)["refresh_token"]
            assert token not in self.presented, "a refresh token was presented twice"
            self.presented.append(token)
            if self.refresh_answer is not None:
                return httpx.Response(self.refresh_answer[0], json=self.refresh_answer[1])
            return self._issue()
        return httpx.Response(200, json={"authorization": request.headers.get("authorization")})


def test_session_refreshes_before_expiry_and_never_presents_a_refresh_token_twice():
    fake = FakeTime(1_747_555_200.0)
    server = SessionServer(fake)
    sdk = CooudClient.login(BASE, "t@example.com", "pw", transport=httpx.MockTransport(server),
                            clock=fake.clock, sleep=fake.sleep)
    http = sdk.client.get_httpx_client()
    assert http.get("/account").json() == {"authorization": "Bearer a1.b.c"}
    fake.now += 3600 - 61  # 61 s left: no refresh yet
    assert http.get("/account").json() == {"authorization": "Bearer a1.b.c"}
    fake.now += 2  # 59 s left: refreshed first
    assert http.get("/account").json() == {"authorization": "Bearer a2.b.c"}
    sdk.credential.expires_at = fake.now + 10  # forced
    assert http.get("/account").json() == {"authorization": "Bearer a3.b.c"}
    assert [p[:4] for p in server.presented] == ["rt_1", "rt_2"]
    assert [(m, p) for m, p, _ in server.seen if p.startswith("/v1/auth")] == [
        ("POST", "/v1/auth/login"), ("POST", "/v1/auth/refresh"), ("POST", "/v1/auth/refresh")]
    assert all(auth is None for _, p, auth in server.seen if p.startswith("/v1/auth"))


def test_a_refused_login_raises_the_error_envelope():
    from cooud_sdk import ApiError

    server = Server((401, {}, error("invalid_credentials")))
    with pytest.raises(ApiError) as raised:
        CooudClient.login(BASE, "t@example.com", "wrong", transport=httpx.MockTransport(server))
    assert (raised.value.status, raised.value.code) == (401, "invalid_credentials") and len(server.seen) == 1


def test_a_refused_refresh_raises_and_does_not_sign_in_again():
    fake = FakeTime(1_747_555_200.0)
    server = SessionServer(fake)
    sdk = CooudClient.login(BASE, "t@example.com", "pw", transport=httpx.MockTransport(server),
                            clock=fake.clock, sleep=fake.sleep)
    server.refresh_answer = (401, error("refresh_token_invalid"))
    sdk.credential.expires_at = fake.now + 30
    http = sdk.client.get_httpx_client()
    with pytest.raises(SessionExpiredError, match="refresh_token_invalid"):
        http.get("/account")
    assert http.get("/account").json() == {"authorization": "Bearer a1.b.c"}  # still valid 30 s: used, no refresh
    fake.now += 31
    with pytest.raises(SessionExpiredError):
        http.get("/account")
    assert len(server.presented) == 1
    assert [p for _, p, _ in server.seen].count("/v1/auth/login") == 1


def test_asyncio_functions_fail_loudly_rather_than_go_out_without_credentials():
    import asyncio

    from cooud_exchange_client.api.account import get_account
    from cooud_sdk import CooudError

    sdk = CooudClient.with_api_key(BASE, "key_x", "secret", transport=httpx.MockTransport(Server((200, {}, {}))))
    with pytest.raises(CooudError, match="synchronous"):
        asyncio.run(get_account.asyncio(client=sdk.client))


# -- wallet message, purity ------------------------------------------------------------------------------------------

def test_siwe_message_has_the_layout_of_the_spec_example():
    message = siwe_message(domain="127.0.0.1:8080", address="0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                           uri="http://127.0.0.1:8080", chain_id=1, nonce="8f3kQ2mZp7Lx",
                           issued_at=datetime(2026, 5, 18, 12, 4, 11, 842_000, UTC))
    assert message == (
        "127.0.0.1:8080 wants you to sign in with your Ethereum account:\n"
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\n\nSign in to Cooud.\n\nURI: http://127.0.0.1:8080\n"
        "Version: 1\nChain ID: 1\nNonce: 8f3kQ2mZp7Lx\nIssued At: 2026-05-18T12:04:11.842Z\n"
        "Expiration Time: 2026-05-18T12:09:11.842Z")


def test_the_sdk_does_not_import_the_server():
    for source in (SDK / "cooud_sdk").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            assert not [n for n in names if n.split(".")[0] in {"impl", "generated", "tests"}], source
