"""The client's address: X-Forwarded-For counts only from a configured trusted proxy (COOUD_TRUSTED_PROXIES,
empty by default) — one rule for the API key IP allowlist, the access token's network binding, the per-IP rate
limits and the WebSocket. In-process the ASGI scope's `client` is the TCP peer; the live test goes through
`cooud serve` (uvicorn), whose own proxy-header handling used to trust any loopback peer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from impl.app import create_app
from impl.config import Config
from impl.security import signing
from impl.security.forwarded import parse_trusted
from tests.live import running_server

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = ("127.0.0.1", 40000)
EMAIL, PASSWORD = "trader@example.com", "correct horse battery staple"
ALLOWED, OTHER = "203.0.113.7", "198.51.100.7"  # the key allows 203.0.113.0/24


def make_app(tmp_path, trusted: str = ""):
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), validate_responses=True,
                            trusted_proxies=parse_trusted(trusted)))
    user = app.services.identity.create_user(EMAIL, PASSWORD, app.services.now_ms())
    key, secret = app.services.identity.create_api_key(user.id, "bot", ["read"], ["203.0.113.0/24"], 30,
                                                       app.services.now_ms())
    return app, key.id, secret


_LAST_MS = [0]


def signed(key_id: str, secret: str, target: str) -> dict:
    """Signature v2 with strictly increasing milliseconds, as the SDK signs: never a replay of the previous request
    (v1's one-second timestamps made a second boundary between two calls a flaky `signature_replayed`)."""
    _LAST_MS[0] = ms = max(int(time.time() * 1000), _LAST_MS[0] + 1)
    return {"X-Cooud-Key": key_id, "X-Cooud-Timestamp": str(ms), "X-Cooud-Signature-Version": "2",
            "X-Cooud-Signature": signing.sign_v2(secret, str(ms), "GET", target, "", b"")}


def code(r) -> str | None:
    return r.json()["error"]["code"] if r.status_code >= 400 else None


def test_forwarded_for_from_an_untrusted_loopback_peer_is_ignored(tmp_path):
    app, key_id, secret = make_app(tmp_path)
    c = TestClient(app, client=LOOPBACK)
    r = c.get("/v1/account", headers={**signed(key_id, secret, "/v1/account"), "X-Forwarded-For": ALLOWED})
    assert (r.status_code, code(r)) == (403, "ip_not_allowed")


def test_forwarded_for_from_a_trusted_proxy_is_the_client(tmp_path):
    app, key_id, secret = make_app(tmp_path, trusted="127.0.0.1")
    c = TestClient(app, client=LOOPBACK)
    r = c.get("/v1/account", headers={**signed(key_id, secret, "/v1/account"), "X-Forwarded-For": ALLOWED})
    assert r.status_code == 200, r.text
    # the right-most entry the proxy appended wins; what the client wrote to its left is not read
    r = c.get("/v1/account", headers={**signed(key_id, secret, "/v1/account"),
                                      "X-Forwarded-For": f"{ALLOWED}, {OTHER}"})
    assert (r.status_code, code(r)) == (403, "ip_not_allowed")
    # a peer that is not in the list is the client whatever it forwards
    r = TestClient(app, client=(OTHER, 1)).get(
        "/v1/account", headers={**signed(key_id, secret, "/v1/account"), "X-Forwarded-For": ALLOWED})
    assert (r.status_code, code(r)) == (403, "ip_not_allowed")


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_token_network_binding_follows_the_same_rule(tmp_path, trusted):
    app, _, _ = make_app(tmp_path, trusted)
    c = TestClient(app, client=LOOPBACK)
    r = c.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}, headers={"X-Forwarded-For": ALLOWED})
    bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
    r = c.get("/v1/account", headers={**bearer, "X-Forwarded-For": OTHER})
    if trusted:  # opened from 203.0.113.0/24 through the proxy, used from 198.51.100.0/24
        assert (r.status_code, code(r)) == (401, "session_network_changed")
    else:  # both from the loopback peer: the header changes nothing
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_per_ip_rate_limits_follow_the_same_rule(tmp_path, trusted):
    app, _, _ = make_app(tmp_path, trusted)
    c = TestClient(app, client=LOOPBACK)
    first = c.get("/v1/time", headers={"X-Forwarded-For": ALLOWED})
    second = c.get("/v1/time", headers={"X-Forwarded-For": OTHER})
    remaining = [int(r.headers["X-RateLimit-Remaining"]) for r in (first, second)]
    if trusted:  # two clients behind the proxy: two budgets
        assert remaining[0] == remaining[1], remaining
    else:  # one peer, whatever it claims: one budget
        assert remaining[1] == remaining[0] - 1, remaining


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_websocket_follows_the_same_rule(tmp_path, trusted):
    app, key_id, secret = make_app(tmp_path, trusted)
    ts = str(int(time.time()))
    auth = {"op": "auth", "id": "a1", "args": {"method": "api_key", "key": key_id, "timestamp": ts,
                                               "signature": signing.sign(secret, ts, "GET", "/v1/ws", b"")}}
    with TestClient(app, client=LOOPBACK) as c, \
            c.websocket_connect("/v1/ws", headers={"X-Forwarded-For": ALLOWED}) as ws:
        ws.send_text(json.dumps(auth))
        reply = ws.receive_json()
        while reply.get("op") not in ("auth", "error"):
            reply = ws.receive_json()
    if trusted:
        assert reply["op"] == "auth", reply
    else:
        assert reply["op"] == "error" and reply["error"]["code"] == "ip_not_allowed", reply


# -- live, through `cooud serve` (uvicorn) -----------------------------------------------------------------------
def _cli(database: Path, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "impl.cli", *args], cwd=ROOT, check=True, capture_output=True,
                         env=dict(os.environ, COOUD_DATABASE=str(database), PYTHONPATH=str(ROOT)), timeout=60)
    return json.loads(out.stdout)


def _get(url: str, headers: dict) -> tuple[int, str | None]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, None
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())["error"]["code"]


@pytest.mark.live
@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_live_forwarded_for_from_loopback(tmp_path, trusted):
    database = tmp_path / "cooud.sqlite3"
    serve = [sys.executable, "-m", "impl.cli", "serve"]
    with running_server(database, tmp_path / "server.log", command=serve, COOUD_TRUSTED_PROXIES=trusted) as base:
        _cli(database, "user", "create", "--email", EMAIL, "--password", PASSWORD)
        key = _cli(database, "api-key", "create", "--email", EMAIL, "--ip-allowlist", "203.0.113.0/24")
        status, error = _get(f"{base}/v1/account",
                             {**signed(key["id"], key["secret"], "/v1/account"), "X-Forwarded-For": ALLOWED})
    if trusted:
        assert (status, error) == (200, None)
    else:  # uvicorn's default (proxy_headers, forwarded_allow_ips=127.0.0.1) made this a 200
        assert (status, error) == (403, "ip_not_allowed")
