"""The signature replay guard behind its port (impl/domain/ports.py `ReplayGuard`): the in-process memory guard and
the Redis guard shared by workers (impl/store/redis_replay.py) behave alike; the Redis one is shared by separate
clients, identities and `cooud serve` processes, and fails closed when Redis is unreachable.

Redis is the machine's (127.0.0.1:6379); every test uses its own key prefix and deletes its keys afterwards. The
tests skip only when that Redis is unreachable.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import ExitStack
from pathlib import Path

import orjson
import pytest
from argon2 import PasswordHasher

from impl.domain.identity import Identity, SiweConfig
from impl.security import AuthError, signing
from impl.security.signing import MemoryReplayGuard
from impl.store.redis_replay import RedisReplayGuard
from impl.store.sqlite import SQLiteStore
from tests.live import free_port, running_server
from tests.redis_support import REDIS_URL, redis_or_skip

ROOT = Path(__file__).resolve().parents[2]
NOW = 1_790_000_000
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="module")
def redis_client():
    client = redis_or_skip()
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client):
    p = f"cooud:rg:test:{uuid.uuid4().hex}:"
    yield p
    keys = list(redis_client.scan_iter(match=p + "*", count=1000))
    if keys:
        redis_client.delete(*keys)


def code_of(fn, *args) -> str | None:
    try:
        fn(*args)
    except AuthError as exc:
        return exc.code
    return None


@pytest.fixture(params=["memory", "redis"])
def make_guard(request):
    """guard(window_s) of the parameter's kind; every Redis guard of one test shares one prefix (and new clients)."""
    if request.param == "memory":
        return lambda window_s=61: MemoryReplayGuard(window_s=window_s)
    p = request.getfixturevalue("prefix")
    return lambda window_s=61: RedisReplayGuard(REDIS_URL, prefix=p, window_s=window_s)


def test_a_second_identical_signature_is_refused(make_guard):
    guard = make_guard()
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW) is None
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW) == "signature_replayed"
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW + 30) == "signature_replayed"


def test_different_signatures_and_other_keys_are_accepted(make_guard):
    guard = make_guard()
    for key, sig in [("key_a", "s1"), ("key_a", "s2"), ("key_b", "s1"), ("key_b", "s2")]:
        assert code_of(guard.check_and_remember, key, sig, NOW) is None, (key, sig)


def test_a_signature_is_accepted_again_after_the_window(make_guard):
    guard = make_guard(window_s=1)
    guard.check_and_remember("key_a", "s1", NOW)
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW) == "signature_replayed"
    # The memory guard runs on the caller's clock (NOW + 1); Redis expires on its own: poll for up to 5 s.
    deadline = time.monotonic() + 5
    while code_of(guard.check_and_remember, "key_a", "s1", NOW + 1) == "signature_replayed":
        assert time.monotonic() < deadline, "still remembered 5 s after a 1 s window"
        time.sleep(0.05)
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW + 1) == "signature_replayed"  # remembered afresh


def test_racing_copies_on_separate_guards_are_accepted_exactly_once(make_guard):
    """Eight threads, each with its own guard of one store (Redis: own clients, as eight workers) — or one shared
    memory guard — send the same signature at once: exactly one is accepted."""
    shared = make_guard()
    guards = [make_guard() if isinstance(shared, RedisReplayGuard) else shared for _ in range(8)]
    barrier, outcomes = threading.Barrier(len(guards)), []

    def send(guard) -> None:
        barrier.wait()
        outcomes.append(code_of(guard.check_and_remember, "key_a", "same", NOW))

    threads = [threading.Thread(target=send, args=(g,)) for g in guards]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(outcomes, key=str) == [None] + ["signature_replayed"] * 7


def test_the_redis_guard_fails_closed_when_redis_is_unreachable():
    guard = RedisReplayGuard(f"redis://127.0.0.1:{free_port()}/0", prefix="cooud:rg:unreachable:", window_s=61,
                             socket_timeout_s=0.5)
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW) == "service_unavailable"
    assert code_of(guard.check_and_remember, "key_a", "s1", NOW) == "service_unavailable"  # never accepted


# -- two identities (as two workers) on one store ------------------------------------------------------------------
def identity(store, guard) -> Identity:
    return Identity(store, b"k" * 32, siwe_config=SiweConfig("x", "http://x", 1), invite_gating=False,
                    password_hasher=CHEAP, replay_guard=guard)


def signed(identity_: Identity, key, secret: str, ts_ms: int):
    sig = signing.sign_v2(secret, str(ts_ms), "GET", "/v1/account", "", b"")
    return lambda: identity_.authenticate_key(key.id, str(ts_ms), sig, "GET", b"/v1/account", b"", "203.0.113.7",
                                              ts_ms, version="2")


def test_a_request_accepted_by_one_identity_is_refused_by_another_sharing_the_redis_guard(tmp_path, prefix):
    store = SQLiteStore(str(tmp_path / "db.sqlite3"))
    store.migrate()
    try:
        a, b = identity(store, RedisReplayGuard(REDIS_URL, prefix=prefix)), \
            identity(store, RedisReplayGuard(REDIS_URL, prefix=prefix))
        now_ms = NOW * 1000
        user = a.create_user("bot@example.com", "a long enough password", now_ms)
        key, secret = a.create_api_key(user.id, "bot", ["read"], [], 30, now_ms)
        assert code_of(signed(a, key, secret, now_ms)) is None
        assert code_of(signed(b, key, secret, now_ms)) == "signature_replayed"
        assert code_of(signed(b, key, secret, now_ms + 1)) is None  # a fresh signature on the other one
        assert code_of(signed(a, key, secret, now_ms + 1)) == "signature_replayed"
        # What the shared guard fixes: with each its own memory, the copy is accepted by the other identity.
        c, d = identity(store, MemoryReplayGuard()), identity(store, MemoryReplayGuard())
        assert code_of(signed(c, key, secret, now_ms + 2)) is None
        assert code_of(signed(d, key, secret, now_ms + 2)) is None
    finally:
        store.close()


# -- two `cooud serve` processes ---------------------------------------------------------------------------------
def cli(database: Path, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "impl.cli", *args, "--database", str(database)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    return orjson.loads(out.stdout)


def get(base: str, headers: dict) -> tuple[int, str | None]:
    request = urllib.request.Request(f"{base}/v1/account", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, None
    except urllib.error.HTTPError as e:
        return e.code, orjson.loads(e.read())["error"]["code"]


@pytest.mark.live
def test_a_signed_request_replayed_on_the_other_serve_process_is_refused(tmp_path, prefix):
    """Two `cooud serve` processes with COOUD_REPLAY_GUARD=redis://...: each on its own copy of one database (one
    engine per database today) with one master key, so one API key authenticates on both."""
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    cli(first, "user", "create", "--email", "bot@example.com", "--password", "a long enough password")
    key = cli(first, "api-key", "create", "--email", "bot@example.com", "--scopes", "read")
    with sqlite3.connect(first) as src, sqlite3.connect(second) as dst:
        src.backup(dst)
    settings = {"COOUD_REPLAY_GUARD": REDIS_URL, "COOUD_REPLAY_GUARD_PREFIX": prefix, "COOUD_SEED_DEMO": "false"}
    command = [sys.executable, "-m", "impl.cli", "serve"]
    with ExitStack() as stack:
        a, b = (stack.enter_context(running_server(db, tmp_path / f"{db.stem}.log", command, **settings))
                for db in (first, second))

        def headers(ts_ms: int) -> dict:
            return {"X-Cooud-Key": key["id"], "X-Cooud-Timestamp": str(ts_ms), "X-Cooud-Signature-Version": "2",
                    "X-Cooud-Signature": signing.sign_v2(key["secret"], str(ts_ms), "GET", "/v1/account", "", b"")}

        now_ms = time.time_ns() // 1_000_000
        assert get(a, headers(now_ms)) == (200, None)
        assert get(b, headers(now_ms)) == (401, "signature_replayed")
        assert get(b, headers(now_ms + 1)) == (200, None)
        assert get(a, headers(now_ms + 1)) == (401, "signature_replayed")
