"""The event loop is never blocked by a request's blocking work (issue 11): password hashing (argon2), credential
lookups, idempotency writes, a handler's store reads, a Redis rate-limit round trip and the WebSocket gateway's
login all run off the loop, so one slow request never holds up the others.

Each test serves a real app with uvicorn on 127.0.0.1 (tests/live.py `serving`), parks one request inside one
blocking step on a `Gate` — the step's first call waits until the test opens the gate — and then asks for
`GET /v1/time`, which needs nothing but the loop. It must be answered while the parked request is still parked.
Proven by the order of events, never by timing: the parked step cannot return before the gate opens, and the
test opens it only after `/v1/time` answered (with the step running on the loop, `/v1/time` would never be
answered: the test would fail on the client's timeout, a bound for a broken run, not a threshold). Then the gate
opens and the parked request must complete normally.

The gates wrap the real functions (the app's password hasher, which `create_app` takes, or one method of the
app's store instance) and call through to them: every layer of our own code still runs.
"""

from __future__ import annotations

import asyncio
import functools
import json
import threading
import time
import uuid

import httpx
import pytest
from argon2 import PasswordHasher

from impl.app import create_app
from impl.config import Config
from impl.security import signing
from tests.live import serving
from tests.redis_support import REDIS_URL, redis_or_skip

EMAIL, PASSWORD = "loop@example.com", "correct horse battery staple"
TIMEOUT = 30  # s: how long a broken run may hang before it fails; a passing run never waits for it


class Gate:
    """Parks the first call of a wrapped function (among those `match` accepts) until `open()`, then calls through."""

    def __init__(self) -> None:
        self.entered, self.opened, self.returned = threading.Event(), threading.Event(), threading.Event()
        self._armed = True
        self._lock = threading.Lock()

    def wrap(self, fn, match=lambda *args, **kwargs: True):
        @functools.wraps(fn)
        def gated(*args, **kwargs):
            with self._lock:
                hold = self._armed and match(*args, **kwargs)
                self._armed = self._armed and not hold
            if not hold:
                return fn(*args, **kwargs)
            self.entered.set()
            self.opened.wait(TIMEOUT)
            try:
                return fn(*args, **kwargs)
            finally:
                self.returned.set()

        return gated

    def open(self) -> None:
        self.opened.set()


class GatedHasher(PasswordHasher):
    """argon2id at its cheapest (the gate, not argon2, makes verification slow) whose `verify` goes through a gate."""

    def __init__(self, gate: Gate) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.gate = gate

    def verify(self, hash, password):
        return self.gate.wrap(super().verify)(hash, password)


def make_app(tmp_path, password_hasher=None, **settings):
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), validate_responses=True, **settings),
                     password_hasher=password_hasher or PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    app.services.identity.create_user(EMAIL, PASSWORD, app.services.now_ms())
    return app


def bearer(base: str) -> dict:
    r = httpx.post(f"{base}/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def new_key(base: str, session: dict) -> dict:
    r = httpx.post(f"{base}/v1/account/api-keys", headers=session, json={"label": "bot", "scopes": ["read"]},
                   timeout=TIMEOUT)
    assert r.status_code == 201, r.text
    return r.json()


def signed(key: dict, method: str, target: str) -> dict:
    ts = str(int(time.time() * 1000))
    return {"X-Cooud-Key": key["id"], "X-Cooud-Timestamp": ts, "X-Cooud-Signature-Version": "2",
            "X-Cooud-Signature": signing.sign_v2(key["secret"], ts, method, target, "", b"")}


def gate_store(monkeypatch, app, method: str, match=lambda *args, **kwargs: True) -> Gate:
    """A gate on one method of the app's store (the instance the identity service and the middleware use)."""
    gate = Gate()
    store = app.services.store
    monkeypatch.setattr(store, method, gate.wrap(getattr(store, method), match))
    return gate


def time_answers_while_parked(base: str, gate: Gate, request, *, answered_after_step: bool = True):
    """Runs `request()` in a thread until it is parked at `gate`, checks that GET /v1/time is answered meanwhile,
    then opens the gate and returns what `request()` returned. `answered_after_step`: the parked step comes before
    the request's answer (False for work done after the response was sent, e.g. storing the idempotent answer)."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = request()
        except BaseException as exc:  # reported in the test's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="parked request", daemon=True)
    worker.start()
    try:
        assert gate.entered.wait(TIMEOUT), f"the request never reached the gated step: {outcome}"
        r = httpx.get(f"{base}/v1/time", timeout=TIMEOUT)
        assert r.status_code == 200 and "unix_ms" in r.json()
        assert not gate.returned.is_set(), "the parked step returned before /v1/time was answered"
        if answered_after_step:
            assert worker.is_alive(), "the parked request finished before /v1/time was answered"
    finally:
        gate.open()
        worker.join(TIMEOUT)
    assert gate.returned.wait(TIMEOUT) and not worker.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_time_is_answered_while_a_login_is_hashing_its_password(tmp_path):
    gate = Gate()
    app = make_app(tmp_path, password_hasher=GatedHasher(gate))
    with serving(app) as base:
        login = time_answers_while_parked(base, gate, lambda: httpx.post(
            f"{base}/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}, timeout=TIMEOUT))
        assert login.status_code == 200, login.text
        assert httpx.get(f"{base}/v1/account", headers={"Authorization": f"Bearer {login.json()['access_token']}"},
                         timeout=TIMEOUT).status_code == 200


@pytest.mark.parametrize("credential", ["bearer", "apikey"])
def test_time_is_answered_while_a_credential_lookup_is_parked(tmp_path, monkeypatch, credential):
    app = make_app(tmp_path)
    with serving(app) as base:
        session = bearer(base)
        if credential == "bearer":
            headers, lookup = session, "session"
        else:
            key, lookup = new_key(base, session), "api_key"
            headers = signed(key, "GET", "/v1/account")
        gate = gate_store(monkeypatch, app, lookup)
        r = time_answers_while_parked(base, gate, lambda: httpx.get(f"{base}/v1/account", headers=headers,
                                                                    timeout=TIMEOUT))
        assert r.status_code == 200 and r.json()["email"] == EMAIL


@pytest.mark.parametrize("step", ["reserve_idempotency_key", "complete_idempotency_key"])
def test_time_is_answered_while_an_idempotency_write_is_parked(tmp_path, monkeypatch, step):
    app = make_app(tmp_path)
    with serving(app) as base:
        session = bearer(base)
        headers = {**session, "Idempotency-Key": str(uuid.uuid4())}
        gate = gate_store(monkeypatch, app, step)
        r = time_answers_while_parked(base, gate, lambda: httpx.delete(
            f"{base}/v1/account/api-keys", headers=headers, timeout=TIMEOUT),
            answered_after_step=step == "reserve_idempotency_key")
        assert r.status_code == 204
        replay = httpx.delete(f"{base}/v1/account/api-keys", headers=headers, timeout=TIMEOUT)
        assert (replay.status_code, replay.headers["idempotent-replayed"]) == (204, "true")


@pytest.mark.parametrize(("path", "read"), [("/v1/account", "user_by"),
                                            ("/v1/markets/BTC-USDT/trades", "list_trades"),
                                            ("/v1/markets/BTC-USDT/ticker", "candles")])
def test_time_is_answered_while_a_handlers_store_read_is_parked(tmp_path, monkeypatch, path, read):
    app = make_app(tmp_path)
    with serving(app) as base:
        headers = bearer(base) if path == "/v1/account" else {}
        gate = gate_store(monkeypatch, app, read)
        r = time_answers_while_parked(base, gate, lambda: httpx.get(f"{base}{path}", headers=headers,
                                                                    timeout=TIMEOUT))
        assert r.status_code == 200, r.text


def test_time_is_answered_while_a_redis_rate_limit_round_trip_is_parked(tmp_path):
    client = redis_or_skip()
    prefix = f"cooud:test:{uuid.uuid4().hex}:"
    app = make_app(tmp_path, rate_limit_store=REDIS_URL, rate_limit_prefix=prefix)
    store = app.services.rate_limiter.store
    gate = Gate()
    try:
        with serving(app) as base:
            session = bearer(base)
            # Only the credential charge (buckets `c:…`) of the request below is parked; /v1/time's anonymous
            # charge (`a:…`) goes through to Redis.
            store.acquire = gate.wrap(store.acquire, lambda buckets, *_: buckets[0][0].startswith("c:"))
            r = time_answers_while_parked(base, gate, lambda: httpx.get(f"{base}/v1/account", headers=session,
                                                                        timeout=TIMEOUT))
            assert r.status_code == 200 and int(r.headers["x-ratelimit-remaining"]) >= 0
    finally:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def test_time_is_answered_while_a_websocket_login_is_parked(tmp_path, monkeypatch):
    import websockets

    app = make_app(tmp_path)
    with serving(app) as base:
        r = httpx.post(f"{base}/v1/stream/listen-keys", headers=bearer(base), timeout=TIMEOUT)
        listen_key = r.json()["listen_key"]
        gate = gate_store(monkeypatch, app, "listen_key")

        async def stream_login() -> dict:
            async with websockets.connect(base.replace("http://", "ws://") + "/v1/ws") as ws:
                await ws.send(json.dumps({"op": "auth", "id": "a1",
                                          "args": {"method": "listen_key", "listen_key": listen_key}}))
                return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))

        reply = time_answers_while_parked(base, gate, lambda: asyncio.run(stream_login()))
        assert reply["op"] == "auth" and reply["result"]["method"] == "listen_key", reply
