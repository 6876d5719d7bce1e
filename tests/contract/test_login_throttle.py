"""Failed-password throttling per account over HTTP (impl/domain/identity.py): 5 attempts without a session per
email within 15 minutes, then 429 login_throttled with Retry-After until the window ends — the right password
included; unknown emails behave the same; a success resets; the count lives in the store (across processes)."""

from __future__ import annotations

import jsonschema
import pytest
import yaml
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from impl.app import create_app
from impl.config import Config
from impl.domain.identity import Identity, LoginThrottled, SiweConfig
from impl.security import AuthError
from impl.store.sqlite import SQLiteStore
from tests.live import ROOT

EMAIL, PASSWORD = "trader@example.com", "correct horse battery staple"
NOW = 1_800_000_000_000
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
SPEC = yaml.safe_load((ROOT / "spec" / "openapi.yaml").read_text())


@pytest.fixture
def exchange(tmp_path):
    clock = [NOW]
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), validate_responses=True),
                     now_ms=lambda: clock[0], password_hasher=FAST)
    app.services.identity.create_user(EMAIL, PASSWORD, NOW)
    return TestClient(app, client=("203.0.113.7", 40000)), clock


def login(c: TestClient, email: str = EMAIL, password: str = PASSWORD):
    return c.post("/v1/auth/login", json={"email": email, "password": password})


def outcome(r) -> tuple[int, str | None]:
    return r.status_code, (r.json()["error"]["code"] if r.status_code >= 400 else None)


def check_headers_against_spec(r) -> None:
    """Every header the spec declares on the login 429 is present and valid against its schema."""
    ref = SPEC["paths"]["/auth/login"]["post"]["responses"]["429"]["$ref"].split("/")[-1]
    for name, header in SPEC["components"]["responses"][ref]["headers"].items():
        header = SPEC["components"]["headers"][header["$ref"].split("/")[-1]]
        if name not in r.headers:
            assert not header.get("required"), name
            continue
        value = r.headers[name]
        schema = {**header["schema"], "components": SPEC["components"]}  # its $refs point into the document
        jsonschema.validate(int(value) if schema.get("type") == "integer" else value, schema)


def test_five_failures_throttle_the_account_even_with_the_right_password_until_the_window_ends(exchange):
    c, clock = exchange
    for _ in range(5):
        assert outcome(login(c, password="wrong")) == (401, "invalid_credentials")
        clock[0] += 60_000
    r = login(c)  # the right password, 5 minutes after the first failure
    assert outcome(r) == (429, "login_throttled")
    assert r.headers["Retry-After"] == str(15 * 60 - 5 * 60)
    check_headers_against_spec(r)
    clock[0] = NOW + 15 * 60_000 - 1000
    r = login(c)
    assert outcome(r) == (429, "login_throttled") and r.headers["Retry-After"] == "1"
    clock[0] = NOW + 15 * 60_000  # the window opened by the first failure is over
    assert outcome(login(c)) == (200, None)


def test_a_success_resets_the_count(exchange):
    c, clock = exchange
    for _ in range(3):
        for _ in range(4):
            assert outcome(login(c, password="wrong")) == (401, "invalid_credentials")
        assert outcome(login(c)) == (200, None)


def test_unknown_emails_are_throttled_exactly_like_known_ones(exchange):
    c, clock = exchange
    known = [outcome(login(c, password="wrong")) for _ in range(6)]
    unknown = [outcome(login(c, email="nobody@example.com", password="wrong")) for _ in range(6)]
    assert known == unknown == [(401, "invalid_credentials")] * 5 + [(429, "login_throttled")]
    # per account: another email is not affected, and the count ignores case
    assert outcome(login(c, email="other@example.com")) == (401, "invalid_credentials")
    assert outcome(login(c, email="TRADER@Example.com")) == (429, "login_throttled")


def test_the_count_is_in_the_store_shared_by_processes(tmp_path):
    """Two identities over two connections to one database (two worker processes) share one count."""
    database = str(tmp_path / "db.sqlite3")
    stores = [SQLiteStore(database), SQLiteStore(database)]
    stores[0].migrate()
    identities = [Identity(s, b"k" * 32, siwe_config=SiweConfig("x", "http://x", 1), invite_gating=False,
                           password_hasher=FAST, login_max_failures=3, login_window_ms=60_000) for s in stores]
    identities[0].create_user(EMAIL, PASSWORD, NOW)
    for i in range(3):
        with pytest.raises(AuthError) as err:
            identities[i % 2].login(EMAIL, "wrong", None, "net", NOW + i)
        assert err.value.code == "invalid_credentials"
    with pytest.raises(LoginThrottled) as err:
        identities[1].login(EMAIL, PASSWORD, None, "net", NOW + 10_000)
    assert err.value.code == "login_throttled" and err.value.retry_after_s == 50
    assert identities[0].login(EMAIL, PASSWORD, None, "net", NOW + 60_000).user_id
    for s in stores:
        s.close()
