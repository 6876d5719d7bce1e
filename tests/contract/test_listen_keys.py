"""Listen keys (tag `stream`) over HTTP against the real app, on an injected clock: create (bearer or signed
read key), renew, close, the one 404 for unknown/expired/closed/foreign keys, storage as a hash only, the
10-key cap, and the WebSocket gateway's `authenticate_listen_key`."""

from __future__ import annotations

import hashlib
import re
import sqlite3

import pytest

from impl.api.wire import timestamp
from impl.app import create_app
from impl.config import Config
from impl.domain.identity import LISTEN_KEY_LIMIT, LISTEN_KEY_TTL_MS
from impl.domain.identity_model import Principal
from impl.security import AuthError
from tests.contract.test_identity import EMAIL, PASSWORD, bearer, client, code_of, login, new_key, signed

PATTERN = re.compile(r"^lk_[A-Za-z0-9_-]{43}$")
OTHER_EMAIL = "other@example.com"
START_MS = 1_800_000_000_000
MINUTE = 60_000


@pytest.fixture
def clock() -> list[int]:
    return [START_MS]


@pytest.fixture
def app(tmp_path, clock):
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), validate_responses=True),
                     now_ms=lambda: clock[0])
    app.services.identity.create_user(EMAIL, PASSWORD, clock[0])
    app.services.identity.create_user(OTHER_EMAIL, PASSWORD, clock[0])
    return app


def create(c, headers) -> dict:
    r = c.post("/v1/stream/listen-keys", headers=headers)
    assert r.status_code == 201, r.text
    assert PATTERN.match(r.json()["listen_key"]), r.json()
    return r.json()


def renew(c, headers, key: str):
    return c.put(f"/v1/stream/listen-keys/{key}", headers=headers)


def close(c, headers, key: str):
    return c.delete(f"/v1/stream/listen-keys/{key}", headers=headers)


def test_create_with_bearer_and_with_a_signed_read_key(app, clock):
    c = client(app)
    tokens = login(c)
    created = create(c, bearer(tokens))
    assert created["expires_at"] == timestamp(START_MS + LISTEN_KEY_TTL_MS)

    key = new_key(c, tokens, scopes=("read",))
    by_key = create(c, signed(key, "POST", "/v1/stream/listen-keys", ts=clock[0]))  # signature v2: milliseconds
    assert by_key["listen_key"] != created["listen_key"]
    identity = app.services.identity
    assert identity.authenticate_listen_key(by_key["listen_key"], clock[0]).user_id == \
        identity.authenticate_listen_key(created["listen_key"], clock[0]).user_id

    clock[0] += 1000
    r = renew(c, signed(key, "PUT", f"/v1/stream/listen-keys/{by_key['listen_key']}", ts=clock[0]),
              by_key["listen_key"])
    assert r.status_code == 200, r.text
    assert c.post("/v1/stream/listen-keys").status_code == 401


def test_renew_extends_the_expiry_and_an_expired_key_is_gone(app, clock):
    c = client(app)
    key = create(c, bearer(login(c)))["listen_key"]
    clock[0] += 30 * MINUTE
    r = renew(c, bearer(login(c)), key)
    assert r.status_code == 200, r.text
    assert r.json() == {"listen_key": key, "expires_at": timestamp(START_MS + 90 * MINUTE)}
    clock[0] += 59 * MINUTE  # 89 minutes after creation: alive only thanks to the renewal
    assert app.services.identity.authenticate_listen_key(key, clock[0]).kind == "listen_key"
    clock[0] += 1 * MINUTE  # exactly at expiry
    headers = bearer(login(c))
    for r in (renew(c, headers, key), close(c, headers, key)):
        assert (r.status_code, code_of(r)) == (404, "listen_key_not_found")


def test_close_then_renew_or_close_is_404(app):
    c = client(app)
    headers = bearer(login(c))
    key = create(c, headers)["listen_key"]
    r = close(c, headers, key)
    assert (r.status_code, r.content) == (204, b"")
    for r in (renew(c, headers, key), close(c, headers, key)):
        assert (r.status_code, code_of(r)) == (404, "listen_key_not_found")
    never_issued = "lk_" + "A" * 43
    assert code_of(renew(c, headers, never_issued)) == "listen_key_not_found"


def test_another_users_key_is_404_and_stays_usable_by_its_owner(app, clock):
    c = client(app)
    mine = bearer(login(c))
    key = create(c, mine)["listen_key"]
    r = c.post("/v1/auth/login", json={"email": OTHER_EMAIL, "password": PASSWORD})
    theirs = bearer(r.json())
    for r in (renew(c, theirs, key), close(c, theirs, key)):
        assert (r.status_code, code_of(r)) == (404, "listen_key_not_found")
    assert renew(c, mine, key).status_code == 200
    owner = app.services.identity.authenticate_listen_key(key, clock[0]).user_id
    assert app.services.identity.user(owner).email == EMAIL
    assert close(c, mine, key).status_code == 204


def test_only_the_hash_is_stored(app, tmp_path):
    c = client(app)
    key = create(c, bearer(login(c)))["listen_key"]
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    try:
        rows = db.execute("SELECT * FROM listen_keys").fetchall()
        dump = "\n".join(db.iterdump())
    finally:
        db.close()
    assert len(rows) == 1
    assert rows[0][0] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in dump and key[3:] not in dump


def test_authenticate_listen_key_for_the_gateway(app, clock):
    c = client(app)
    headers = bearer(login(c))
    key = create(c, headers)["listen_key"]
    identity = app.services.identity
    principal = identity.authenticate_listen_key(key, clock[0])
    user = identity.user(principal.user_id)
    assert user.email == EMAIL
    assert (principal.kind, principal.scopes) == ("listen_key", frozenset({"read"}))
    assert principal.holds("read") and not principal.holds("trade") and not principal.holds("withdraw")
    assert not principal.holds("session")
    with pytest.raises(AuthError) as err:
        identity.authenticate_listen_key(key, clock[0] + LISTEN_KEY_TTL_MS)  # expired
    assert err.value.code == "listen_key_not_found"
    assert close(c, headers, key).status_code == 204
    with pytest.raises(AuthError) as err:
        identity.authenticate_listen_key(key, clock[0])  # closed
    assert err.value.code == "listen_key_not_found"
    with pytest.raises(AuthError):
        identity.authenticate_listen_key("lk_" + "B" * 43, clock[0])  # never issued


def test_a_listen_key_principal_never_holds_trade():
    assert not Principal("usr_x", "listen_key").holds("trade")  # even with the default (all) scopes
    assert not Principal("usr_x", "listen_key", scopes=frozenset({"read", "trade"})).holds("trade")
    assert Principal("usr_x", "listen_key").holds("read")


def test_the_eleventh_key_evicts_the_oldest(app, clock):
    c = client(app)
    headers = bearer(login(c))
    keys = []
    for _ in range(LISTEN_KEY_LIMIT):
        keys.append(create(c, headers)["listen_key"])
        clock[0] += 1000
    other = bearer(c.post("/v1/auth/login", json={"email": OTHER_EMAIL, "password": PASSWORD}).json())
    theirs = create(c, other)["listen_key"]  # another account's keys neither count nor are evicted
    newest = create(c, headers)["listen_key"]
    r = renew(c, headers, keys[0])
    assert (r.status_code, code_of(r)) == (404, "listen_key_not_found")
    for key in [*keys[1:], newest]:
        assert renew(c, headers, key).status_code == 200, key
    assert renew(c, other, theirs).status_code == 200
    # Keys created in the same millisecond are still evicted oldest first.
    same_ms = [create(c, headers)["listen_key"] for _ in range(2)]
    assert code_of(renew(c, headers, keys[1])) == "listen_key_not_found"
    assert code_of(renew(c, headers, keys[2])) == "listen_key_not_found"
    assert all(renew(c, headers, k).status_code == 200 for k in same_ms)
