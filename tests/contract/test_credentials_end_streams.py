"""Credentials end streams (spec/asyncapi.yaml "Authentication", close code 4001), over real WebSocket
connections to the app served by uvicorn on 127.0.0.1, and the periodic purge of dead identity rows.

- Revoking a credential through the REST API — deleting an API key, deleting all of them, rotating one,
  disabling one, signing the session out, closing a listen key — closes every stream it authenticated with the
  documented code at once, and no private frame reaches it after the revocation returned; a stream of the same
  account authenticated by another credential stays open and keeps receiving its private frames.
- A revocation nobody announces in this process (another process writing the same database: the `cooud` CLI,
  another worker) and plain expiry still close the stream within a few seconds (the gateway's re-check).
- The service deletes expired sessions, refresh tokens, nonces and listen keys on its own, periodically.
Every frame the clients receive is checked against the document (tests/stream_support.py).
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
import time
import uuid

import httpx
import pytest
import websockets.exceptions
import yaml

from impl.app import create_app
from impl.config import Config
from impl.domain.identity import LISTEN_KEY_TTL_MS
from impl.security import signing
from impl.security.tokens import hash_token, network_of
from impl.store.sqlite import SQLiteStore
from tests.stream_support import CHECKER, StreamClient, serving

PASSWORD = "correct horse battery staple"
REVOKED = 4001
_users = itertools.count(1)


def close_codes() -> dict[int, str]:
    with open("spec/asyncapi.yaml", encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return {c["code"]: c["reason"] for c in doc["channels"]["stream"]["x-cooud-close-codes"]}


class Account:
    """One user of the served app, driven over HTTP like an integrator would."""

    def __init__(self, app, base: str, http: httpx.Client) -> None:
        self.app, self.base, self.http = app, base, http
        self.email = f"streamer{next(_users)}-{uuid.uuid4().hex[:6]}@example.com"
        services = app.services
        self.user = services.identity.create_user(self.email, PASSWORD, services.now_ms())
        services.trading.deposit(self.user.id, "USDT", "1000", f"fund-{self.email}")
        self.tokens = self.login()

    def login(self) -> dict:
        r = self.http.post("/v1/auth/login", json={"email": self.email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return r.json()

    def headers(self, tokens: dict | None = None, *, write: bool = True) -> dict:
        headers = {"Authorization": f"Bearer {(tokens or self.tokens)['access_token']}"}
        if write:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        return headers

    def call(self, method: str, path: str, tokens: dict | None = None, **kwargs) -> httpx.Response:
        r = self.http.request(method, path, headers=self.headers(tokens, write=method != "GET"), **kwargs)
        assert r.status_code < 300, (method, path, r.status_code, r.text)
        return r

    def api_key(self) -> dict:
        return self.call("POST", "/v1/account/api-keys", json={"label": "ws", "scopes": ["read"]}).json()

    def listen_key(self) -> str:
        return self.call("POST", "/v1/stream/listen-keys").json()["listen_key"]

    def stream(self, name: str, args: dict) -> StreamClient:
        """A connection authenticated with `args` and subscribed to the private `orders` and `balances`."""
        ws = StreamClient(self.base, name)
        reply = ws.request({"op": "auth", "id": "auth", "args": args})
        assert reply["op"] == "auth" and reply["result"]["user_id"] == self.user.id, reply
        reply = ws.request({"op": "subscribe", "id": "private", "args": ["orders", "balances"]})
        assert reply["result"]["channels"] == ["orders", "balances"], reply
        return ws

    def deposit(self, amount: str = "1") -> None:
        """A private `balances` event for this account (committed by the engine, published after the commit)."""
        self.app.services.trading.deposit(self.user.id, "USDT", amount, f"dep-{uuid.uuid4()}")


def key_args(key: dict) -> dict:
    ts = str(int(time.time()))
    return {"method": "api_key", "key": key["id"], "timestamp": ts,
            "signature": signing.sign(key["secret"], ts, "GET", "/v1/ws", b"")}


def bearer_args(tokens: dict) -> dict:
    return {"method": "bearer", "token": tokens["access_token"]}


def listen_args(key: str) -> dict:
    return {"method": "listen_key", "listen_key": key}


def closed(ws: StreamClient, timeout: float) -> tuple[int | None, float, list[dict]]:
    """Read until the server closes the connection: (close code, seconds it took, data frames read meanwhile)."""
    start, seen = time.monotonic(), len(ws.events)
    try:
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                raise AssertionError(f"{ws.name}: still open after {timeout}s")
            try:
                ws.recv(left)
            except TimeoutError:
                continue
    except websockets.exceptions.ConnectionClosed as exc:
        code = exc.rcvd.code if exc.rcvd is not None else None
        return code, time.monotonic() - start, ws.events[seen:]


def balance_frames(frames: list[dict]) -> list[dict]:
    return [f for f in frames if f.get("op") == "balance"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("revoke") / "db.sqlite3"
    app = create_app(Config(database=str(db), validate_responses=True, ws_heartbeat_s=0.5))
    with serving(app) as base, httpx.Client(base_url=base, timeout=10) as http:
        yield app, base, http


@pytest.fixture(autouse=True)
def _audit(request):
    with CHECKER.audit(request.node.name):
        yield


# Each case: (credential of the doomed stream, credential of a bystander stream of the same account, revocation).
def _delete_key(acct, cred):
    acct.call("DELETE", f"/v1/account/api-keys/{cred['id']}")


def _delete_all_keys(acct, cred):
    acct.call("DELETE", "/v1/account/api-keys")


def _rotate_key(acct, cred):
    acct.call("POST", f"/v1/account/api-keys/{cred['id']}/rotate")


def _disable_key(acct, cred):
    acct.call("PATCH", f"/v1/account/api-keys/{cred['id']}", json={"status": "disabled"})


def _logout(acct, cred):
    acct.call("POST", "/v1/auth/logout", tokens=cred)


def _close_listen_key(acct, cred):
    acct.call("DELETE", f"/v1/stream/listen-keys/{cred}")


CASES = {
    "delete-api-key": ("api_key", _delete_key),
    "delete-all-api-keys": ("api_key", _delete_all_keys),
    "rotate-api-key": ("api_key", _rotate_key),
    "disable-api-key": ("api_key", _disable_key),
    "logout": ("session", _logout),
    "close-listen-key": ("listen_key", _close_listen_key),
}


def _credential(acct: Account, kind: str):
    if kind == "api_key":
        key = acct.api_key()
        return key, key_args(key)
    if kind == "session":
        tokens = acct.login()
        return tokens, bearer_args(tokens)
    key = acct.listen_key()
    return key, listen_args(key)


@pytest.mark.parametrize("case", list(CASES))
def test_revoking_a_credential_closes_its_streams_at_once_and_only_them(served, case):
    assert close_codes()[REVOKED] == "credential revoked"
    app, base, http = served
    acct = Account(app, base, http)
    kind, revoke = CASES[case]
    credential, args = _credential(acct, kind)
    # Bystanders: the same account, other credentials (a second listen key, a second session).
    bystanders = [acct.stream("bystander-listen-key", listen_args(acct.listen_key())),
                  acct.stream("bystander-session", bearer_args(acct.login()))]
    doomed = [acct.stream(f"{case}-1", args)]
    if kind != "api_key":  # a second connection of the same credential (a signature is accepted once)
        doomed.append(acct.stream(f"{case}-2", args))
    try:
        acct.deposit()
        for ws in doomed + bystanders:
            ws.wait_for(lambda f: f["op"] == "balance")  # private frames flow to every stream
            ws.drain(quiet=0.2)

        revoke(acct, credential)
        acct.deposit("2")  # committed after the revocation returned: must not reach the doomed streams

        for ws in doomed:
            code, took, frames = closed(ws, timeout=5)
            assert code == REVOKED, (ws.name, code)
            assert took < 3, (ws.name, took)
            assert not balance_frames(frames), (ws.name, frames)
        for ws in bystanders:
            ws.wait_for(lambda f: f["op"] == "balance" and f["data"]["asset"] == "USDT"
                        and f["data"]["total"].startswith("1003"))
            ws.assert_open()
    finally:
        for ws in doomed + bystanders:
            ws.pending.clear()  # a closed connection leaves nothing to answer
            ws.close()


def _elsewhere_key(store, app, acct: Account, cred) -> None:
    store.delete_api_keys(acct.user.id, cred["id"])


def _elsewhere_session(store, app, acct: Account, cred) -> None:
    store.revoke_session(_session_id(app, cred), app.services.now_ms())


def _elsewhere_listen_key(store, app, acct: Account, cred) -> None:
    store.delete_listen_key(hash_token(cred), acct.user.id, app.services.now_ms())


def _session_id(app, tokens: dict) -> str:
    principal = app.services.identity.authenticate_bearer(tokens["access_token"], network_of("127.0.0.1"),
                                                          app.services.now_ms())
    return principal.session_id


ELSEWHERE = {"api_key": _elsewhere_key, "session": _elsewhere_session, "listen_key": _elsewhere_listen_key}


@pytest.mark.parametrize("kind", list(ELSEWHERE))
def test_a_revocation_made_by_another_process_closes_the_stream_within_seconds(served, kind):
    """Written to the database through a store of its own (its own SQLite connection), as the `cooud` CLI or
    another worker would: nothing is announced in the serving process, so only the gateway's re-check can notice."""
    app, base, http = served
    acct = Account(app, base, http)
    credential, args = _credential(acct, kind)
    ws = acct.stream(f"elsewhere-{kind}", args)
    bystander = acct.stream("bystander", listen_args(acct.listen_key()))
    try:
        with contextlib.closing(SQLiteStore(app.services.config.database)) as elsewhere:
            ELSEWHERE[kind](elsewhere, app, acct, credential)
        code, took, _ = closed(ws, timeout=6)
        assert code == REVOKED and took < 4, (code, took)
        bystander.assert_open()
    finally:
        for c in (ws, bystander):
            c.pending.clear()
            c.close()


@pytest.fixture
def skewed(tmp_path):
    """An app whose clock runs `skew[0]` ms ahead of real time (real time: API-key signatures still verify)."""
    skew = [0]
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), ws_heartbeat_s=0.5, purge_interval_s=0.2),
                     now_ms=lambda: time.time_ns() // 1_000_000 + skew[0])
    with serving(app) as base, httpx.Client(base_url=base, timeout=10) as http:
        yield app, base, http, skew


def test_expiry_of_a_session_or_a_listen_key_closes_its_stream(skewed):
    app, base, http, skew = skewed
    acct = Account(app, base, http)
    by_session = acct.stream("session", bearer_args(acct.tokens))
    by_listen_key = acct.stream("listen-key", listen_args(acct.listen_key()))
    try:
        by_listen_key.assert_open()
        skew[0] = LISTEN_KEY_TTL_MS  # the listen key expires (not renewed); the session lives on
        code, took, _ = closed(by_listen_key, timeout=6)
        assert code == REVOKED and took < 4, (code, took)
        by_session.assert_open()
        skew[0] = 31 * 86_400_000  # past the session's 30 days
        code, took, _ = closed(by_session, timeout=6)
        assert code == REVOKED and took < 4, (code, took)
    finally:
        for c in (by_session, by_listen_key):
            c.pending.clear()
            c.close()


def _rows(db: str) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("sessions", "refresh_tokens", "siwe_nonces", "listen_keys")}


def test_the_service_purges_expired_identity_rows_periodically_and_keeps_live_ones(skewed, tmp_path):
    app, base, http, skew = skewed
    db = str(tmp_path / "db.sqlite3")
    acct = Account(app, base, http)
    acct.listen_key()
    assert http.post("/v1/auth/siwe/nonce").status_code == 201
    assert _rows(db) == {"sessions": 1, "refresh_tokens": 1, "siwe_nonces": 1, "listen_keys": 1}
    time.sleep(0.6)  # a few purges: nothing is expired yet
    assert _rows(db) == {"sessions": 1, "refresh_tokens": 1, "siwe_nonces": 1, "listen_keys": 1}

    skew[0] = 31 * 86_400_000  # everything above has expired
    live = acct.login()  # a new session, alive at the new time
    deadline = time.monotonic() + 5
    while _rows(db) != {"sessions": 1, "refresh_tokens": 1, "siwe_nonces": 0, "listen_keys": 0}:
        assert time.monotonic() < deadline, _rows(db)
        time.sleep(0.1)
    assert http.get("/v1/account", headers=acct.headers(live, write=False)).status_code == 200
    r = http.get("/v1/account", headers=acct.headers(acct.tokens, write=False))
    assert r.status_code == 401, r.text
