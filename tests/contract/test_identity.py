"""Identity and access over HTTP against the real app (real argon2, pyotp, eth-account/secp256k1, HMAC):
sessions, soft re-authentication, refresh-token reuse, TOTP, wallet sign-in, API keys and signed requests."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path

import pyotp
import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from starlette.testclient import TestClient

from generated.operations import OPERATIONS
from impl.app import create_app
from impl.config import Config
from impl.security import signing, siwe

HOME = ("203.0.113.7", 40000)  # network 203.0.113.0/24
SAME_NET = ("203.0.113.200", 40001)
ELSEWHERE = ("198.51.100.7", 40002)
EMAIL, PASSWORD = "trader@example.com", "correct horse battery staple"


@pytest.fixture
def app(tmp_path):
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), validate_responses=True))
    app.services.identity.create_user(EMAIL, PASSWORD, app.services.now_ms())
    return app


def client(app, peer=HOME) -> TestClient:
    return TestClient(app, client=peer)


def code_of(response) -> str:
    return response.json()["error"]["code"]


def login(c: TestClient, **extra) -> dict:
    r = c.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def bearer(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def new_key(c: TestClient, tokens: dict, scopes=("read",), **extra) -> dict:
    r = c.post("/v1/account/api-keys", headers=bearer(tokens), json={"label": "bot", "scopes": list(scopes), **extra})
    assert r.status_code == 201, r.text
    return r.json()


_LAST_MS = [0]


def signed(key: dict, method: str, target: str, body: bytes = b"", ts: int | None = None) -> dict:
    """Signature version 2 headers; `ts` in unix milliseconds, by default now and strictly increasing, as the SDK
    signs (version 1 is covered, on a fixed clock, by test_signing_v2.py)."""
    if ts is None:
        _LAST_MS[0] = ts = max(int(time.time() * 1000), _LAST_MS[0] + 1)
    return {"X-Cooud-Key": key["id"], "X-Cooud-Timestamp": str(ts), "X-Cooud-Signature-Version": "2",
            "X-Cooud-Signature": signing.sign_v2(key["secret"], str(ts), method, target, "", body)}


# -- password sessions -----------------------------------------------------------------------------------------
def test_login_and_profile(app):
    c = client(app)
    tokens = login(c)
    account = c.get("/v1/account", headers=bearer(tokens)).json()
    assert account["email"] == EMAIL and account["two_factor_enabled"] is False
    assert account["fee_tier"] == {"tier": 0, "maker_fee_rate": "0.001", "taker_fee_rate": "0.002"}
    r = c.post("/v1/auth/login", json={"email": EMAIL, "password": "wrong"})
    assert (r.status_code, code_of(r)) == (401, "invalid_credentials")
    r = c.post("/v1/auth/login", json={"email": "nobody@example.com", "password": PASSWORD})
    assert (r.status_code, code_of(r)) == (401, "invalid_credentials")


def test_token_from_another_network_gets_soft_reauth(app):
    tokens = login(client(app))
    assert client(app, SAME_NET).get("/v1/account", headers=bearer(tokens)).status_code == 200  # same /24
    r = client(app, ELSEWHERE).get("/v1/account", headers=bearer(tokens))
    assert (r.status_code, code_of(r)) == (401, "session_network_changed")
    r = client(app, ELSEWHERE).post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert (r.status_code, code_of(r)) == (401, "session_network_changed")
    assert client(app, ELSEWHERE).get("/v1/account", headers=bearer(login(client(app, ELSEWHERE)))).status_code == 200


def test_ipv6_tokens_are_bound_to_the_48(app):
    tokens = login(client(app, ("2001:db8:1:2::5", 1)))
    assert client(app, ("2001:db8:1:ffff::9", 1)).get("/v1/account", headers=bearer(tokens)).status_code == 200
    assert code_of(client(app, ("2001:db8:2::5", 1)).get("/v1/account", headers=bearer(tokens))) == \
        "session_network_changed"


def test_refresh_rotates_and_reuse_revokes_the_family(app):
    c = client(app)
    first = login(c)
    second = c.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert c.get("/v1/account", headers=bearer(second)).status_code == 200
    # The rotated token comes back (stolen copy): refused, and the whole session family is revoked.
    r = c.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert (r.status_code, code_of(r)) == (401, "refresh_token_invalid")
    assert code_of(c.get("/v1/account", headers=bearer(second))) == "unauthenticated"
    assert code_of(c.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})) == \
        "refresh_token_invalid"


def test_logout_revokes_the_session(app):
    c = client(app)
    tokens = login(c)
    assert c.post("/v1/auth/logout", headers=bearer(tokens)).status_code == 204
    assert code_of(c.get("/v1/account", headers=bearer(tokens))) == "unauthenticated"
    assert code_of(c.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})) == \
        "refresh_token_invalid"


def test_expired_access_token(tmp_path):
    clock = [1_800_000_000_000]
    app = create_app(Config(database=str(tmp_path / "db.sqlite3")), now_ms=lambda: clock[0])
    app.services.identity.create_user(EMAIL, PASSWORD, clock[0])
    c = client(app)
    tokens = login(c)
    clock[0] += 3600 * 1000
    r = c.get("/v1/account", headers=bearer(tokens))
    assert (r.status_code, code_of(r)) == (401, "token_expired")
    assert c.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 200


# -- TOTP ------------------------------------------------------------------------------------------------------
def test_totp_enrolment_and_login(app):
    c = client(app)
    tokens = login(c)
    enrol = c.post("/v1/auth/2fa/enroll", headers=bearer(tokens)).json()
    totp = pyotp.TOTP(enrol["secret"])
    assert pyotp.parse_uri(enrol["otpauth_uri"]).secret == enrol["secret"]
    headers = {**bearer(tokens), "Idempotency-Key": str(uuid.uuid4())}
    r = c.post("/v1/auth/2fa/confirm", headers=headers, json={"code": f"{(int(totp.now()) + 1) % 10**6:06d}"})
    assert (r.status_code, code_of(r)) == (401, "totp_invalid")
    headers = {**bearer(tokens), "Idempotency-Key": str(uuid.uuid4())}
    assert c.post("/v1/auth/2fa/confirm", headers=headers, json={"code": totp.now()}).status_code == 204
    assert c.get("/v1/account", headers=bearer(tokens)).json()["two_factor_enabled"] is True

    r = c.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert (r.status_code, code_of(r)) == (401, "totp_required")
    # The code that confirmed enrolment was used: the same time step cannot sign in (replay).
    r = c.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD, "totp_code": totp.now()})
    assert (r.status_code, code_of(r)) == (401, "totp_invalid")
    later = time.time() + 30
    r = c.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD, "totp_code": totp.at(later)})
    assert r.status_code == 200, r.text  # the next step is within the ±1 step drift window
    r = c.post("/v1/auth/login", json={"email": EMAIL, "password": PASSWORD, "totp_code": totp.at(later)})
    assert code_of(r) == "totp_invalid"


# -- wallet sign-in (SIWE) -------------------------------------------------------------------------------------
def siwe_message(c: TestClient, address: str, **overrides) -> str:
    nonce = c.post("/v1/auth/siwe/nonce").json()["nonce"]
    now = int(time.time())
    fields = dict(domain="127.0.0.1:8080", address=address, uri="http://127.0.0.1:8080", chain_id=1, nonce=nonce,
                  issued_at=now, expiration_time=now + 300, statement="Sign in to Cooud.")
    fields.update(overrides)
    return siwe.build(**fields)


def sign(account, message: str) -> str:
    return "0x" + account.sign_message(encode_defunct(text=message)).signature.hex().removeprefix("0x")


def test_siwe_sign_in_creates_the_account_and_sets_the_cookie(app):
    c = client(app)
    wallet = Account.create()
    message = siwe_message(c, wallet.address)
    r = c.post("/v1/auth/siwe/verify", json={"message": message, "signature": sign(wallet, message)})
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("cooud_session=cs_") and "HttpOnly" in cookie and "Secure" in cookie
    assert "SameSite=Strict" in cookie and "Max-Age=604800" in cookie
    account = r.json()["account"]
    assert account["wallet_address"] == wallet.address and account["email"] is None
    session = {"Cookie": cookie.split(";")[0]}
    assert c.get("/v1/account", headers=session).json()["id"] == account["id"]
    # Signing in again with the same wallet finds the same account.
    again = siwe_message(c, wallet.address)
    r = c.post("/v1/auth/siwe/verify", json={"message": again, "signature": sign(wallet, again)})
    assert r.json()["account"]["id"] == account["id"]
    # The cookie session can mint keys; logging out clears it.
    key = c.post("/v1/account/api-keys", headers=session, json={"label": "w", "scopes": ["read"]})
    assert key.status_code == 201
    out = c.post("/v1/auth/logout", headers=session)
    assert out.status_code == 204 and "Max-Age=0" in out.headers["set-cookie"]
    assert code_of(c.get("/v1/account", headers=session)) == "unauthenticated"


@pytest.mark.parametrize(("overrides", "code"), [
    ({"domain": "evil.example"}, "siwe_domain_mismatch"),
    ({"uri": "https://evil.example"}, "siwe_uri_mismatch"),
    ({"chain_id": 5}, "siwe_chain_mismatch"),
    ({"issued_at": int(time.time()) - 900, "expiration_time": int(time.time()) - 600}, "siwe_expired"),
    ({"expiration_time": None}, "siwe_invalid_message"),
])
def test_siwe_rejections(app, overrides, code):
    c = client(app)
    wallet = Account.create()
    message = siwe_message(c, wallet.address, **overrides)
    r = c.post("/v1/auth/siwe/verify", json={"message": message, "signature": sign(wallet, message)})
    assert (r.status_code, code_of(r)) == (401, code)


def test_siwe_nonce_is_single_use_and_signer_must_match(app):
    c = client(app)
    wallet, other = Account.create(), Account.create()
    message = siwe_message(c, wallet.address)
    r = c.post("/v1/auth/siwe/verify", json={"message": message, "signature": sign(other, message)})
    assert code_of(r) == "siwe_invalid_signature"
    assert c.post("/v1/auth/siwe/verify", json={"message": message, "signature": sign(wallet, message)}).status_code \
        == 200
    r = c.post("/v1/auth/siwe/verify", json={"message": message, "signature": sign(wallet, message)})
    assert (r.status_code, code_of(r)) == (401, "siwe_nonce_invalid")
    made_up = siwe_message(c, wallet.address, nonce="abcdefgh1234")
    r = c.post("/v1/auth/siwe/verify", json={"message": made_up, "signature": sign(wallet, made_up)})
    assert code_of(r) == "siwe_nonce_invalid"


# -- API keys and signed requests ------------------------------------------------------------------------------
def test_key_lifecycle_and_a_key_cannot_manage_keys(app):
    c = client(app)
    tokens = login(c)
    key = new_key(c, tokens, scopes=("read", "trade"))
    assert len(key["secret"]) == 43 and key["status"] == "enabled"
    assert c.get("/v1/account", headers=signed(key, "GET", "/v1/account")).status_code == 200
    for method, target in (("POST", "/v1/account/api-keys"), ("GET", "/v1/account/api-keys"),
                           ("DELETE", f"/v1/account/api-keys/{key['id']}")):
        body = b'{"label": "x", "scopes": ["read"]}' if method == "POST" else b""
        headers = {**signed(key, method, target, body), "Content-Type": "application/json",
                   "Idempotency-Key": str(uuid.uuid4())}
        r = c.request(method, target, content=body, headers=headers)
        assert (r.status_code, code_of(r)) == (403, "session_required"), (method, target)
    listed = c.get("/v1/account/api-keys", headers=bearer(tokens)).json()["data"]
    assert [k["id"] for k in listed] == [key["id"]] and "secret" not in listed[0]

    rotated = c.post(f"/v1/account/api-keys/{key['id']}/rotate", headers=bearer(tokens)).json()
    assert rotated["secret"] != key["secret"] and rotated["rotated_at"]
    assert code_of(c.get("/v1/account", headers=signed(key, "GET", "/v1/account"))) == "invalid_signature"
    assert c.get("/v1/account", headers=signed(rotated, "GET", "/v1/account")).status_code == 200

    patch = {**bearer(tokens), "Idempotency-Key": str(uuid.uuid4())}
    assert c.patch(f"/v1/account/api-keys/{key['id']}", headers=patch, json={"status": "disabled"}).status_code == 200
    assert code_of(c.get("/v1/account", headers=signed(rotated, "GET", "/v1/account"))) == "api_key_disabled"
    r = c.post("/v1/account/api-keys", headers=bearer(tokens), json={"label": "w", "scopes": ["withdraw"]})
    assert (r.status_code, code_of(r)) == (422, "api_key_allowlist_required")
    delete_all = {**bearer(tokens), "Idempotency-Key": str(uuid.uuid4())}
    assert c.delete("/v1/account/api-keys", headers=delete_all).status_code == 204
    assert c.get("/v1/account/api-keys", headers=bearer(tokens)).json()["data"] == []


def test_tampering_skew_and_replay_are_refused(app):
    c = client(app)
    key = new_key(c, login(c))
    good = signed(key, "GET", "/v1/account/api-keys?limit=5")  # signs one request...
    r = c.get("/v1/account?limit=5", headers=good)  # ...presented for another path
    assert (r.status_code, code_of(r)) == (401, "invalid_signature")
    query = signed(key, "GET", "/v1/account?a=1")
    assert code_of(c.get("/v1/account?a=2", headers=query)) == "invalid_signature"
    stamp = signed(key, "GET", "/v1/account")
    stamp["X-Cooud-Timestamp"] = str(int(stamp["X-Cooud-Timestamp"]) + 1)  # one millisecond later
    assert code_of(c.get("/v1/account", headers=stamp)) == "invalid_signature"
    for skew in (-31, 31):
        r = c.get("/v1/account", headers=signed(key, "GET", "/v1/account", ts=int(time.time() * 1000) + skew * 1000))
        assert (r.status_code, code_of(r)) == (401, "timestamp_skew")
    fresh = signed(key, "GET", "/v1/account")
    assert c.get("/v1/account", headers=fresh).status_code == 200
    r = c.get("/v1/account", headers=fresh)
    assert (r.status_code, code_of(r)) == (401, "signature_replayed")
    unknown = {**signed(key, "GET", "/v1/account"), "X-Cooud-Key": "key_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6"}
    assert code_of(c.get("/v1/account", headers=unknown)) == "invalid_signature"


def test_tampered_body_is_refused(app):
    """No operation that takes a signed body exists yet (orders come with spot trading), so the body check is
    driven through the same service call the auth layer makes for every signed request."""
    c = client(app)
    key = new_key(c, login(c))
    identity, now = app.services.identity, app.services.now_ms()
    ts = str(int(time.time()))
    body = b'{"symbol":"BTC/USDT","side":"buy","price":"61500.00"}'
    sig = signing.sign(key["secret"], ts, "POST", "/v1/orders", body)
    from impl.security import AuthError

    with pytest.raises(AuthError) as err:
        identity.authenticate_key(key["id"], ts, sig, "POST", b"/v1/orders", body.replace(b"61500", b"61501"),
                                  HOME[0], now)
    assert err.value.code == "invalid_signature"
    assert identity.authenticate_key(key["id"], ts, sig, "POST", b"/v1/orders", body, HOME[0], now).key_id == key["id"]


def test_ip_allowlist(app):
    c = client(app)
    key = new_key(c, login(c), ip_allowlist=["203.0.113.0/24"])
    assert c.get("/v1/account", headers=signed(key, "GET", "/v1/account")).status_code == 200
    r = client(app, ELSEWHERE).get("/v1/account", headers=signed(key, "GET", "/v1/account"))
    assert (r.status_code, code_of(r)) == (403, "ip_not_allowed")


def test_expired_key(tmp_path):
    clock = [int(time.time() * 1000)]
    app = create_app(Config(database=str(tmp_path / "db.sqlite3")), now_ms=lambda: clock[0])
    app.services.identity.create_user(EMAIL, PASSWORD, clock[0])
    c = client(app)
    key = new_key(c, login(c), expires_in_days=1)
    clock[0] += 86_400_000
    r = c.get("/v1/account", headers=signed(key, "GET", "/v1/account", ts=clock[0]))
    assert (r.status_code, code_of(r)) == (401, "api_key_expired")


def test_permission_and_invite_gating_come_from_the_operation_table(tmp_path, monkeypatch):
    """A read-scoped key on a trade-permission operation gets 403 forbidden, and an account that has not
    redeemed an invite gets 403 invite_required. No trade operation exists before spot trading, so the
    operation table entry of GET /account is given the `trade` permission for this test (before the app compiles
    the table at start-up): the auth step reads nothing but the table."""
    monkeypatch.setitem(OPERATIONS, "getAccount", replace(OPERATIONS["getAccount"], permission="trade"))
    app = create_app(Config(database=str(tmp_path / "db.sqlite3"), invite_gating=True))  # compiles the table
    app.services.identity.create_user(EMAIL, PASSWORD, app.services.now_ms())
    code = app.services.identity.create_invite(app.services.now_ms())
    c = client(app)
    tokens = login(c)
    read_key, trade_key = new_key(c, tokens, scopes=("read",)), new_key(c, tokens, scopes=("read", "trade"))
    r = c.get("/v1/account", headers=signed(read_key, "GET", "/v1/account"))
    assert (r.status_code, code_of(r)) == (403, "forbidden")
    r = c.get("/v1/account", headers=signed(trade_key, "GET", "/v1/account"))
    assert (r.status_code, code_of(r)) == (403, "invite_required")
    redeem = {**bearer(tokens), "Idempotency-Key": str(uuid.uuid4())}
    r = c.post("/v1/auth/redeem-invite", headers=redeem, json={"code": "NOT-A-CODE"})
    assert (r.status_code, code_of(r)) == (422, "invite_invalid")
    redeem["Idempotency-Key"] = str(uuid.uuid4())
    assert c.post("/v1/auth/redeem-invite", headers=redeem, json={"code": code}).status_code == 204
    assert c.get("/v1/account", headers=signed(trade_key, "GET", "/v1/account")).json()["invite_status"] == "redeemed"


def test_no_credentials_and_wrong_scheme(app):
    c = client(app)
    r = c.get("/v1/account")
    assert (r.status_code, code_of(r)) == (401, "unauthenticated")
    r = c.get("/v1/account", headers={"Authorization": "Bearer not-a-jwt"})
    assert (r.status_code, code_of(r)) == (401, "unauthenticated")


def test_key_secrets_are_nowhere_in_the_database_files(app, tmp_path):
    c = client(app)
    tokens = login(c)
    secrets = [new_key(c, tokens)["secret"] for _ in range(3)]
    secrets.append(c.post(f"/v1/account/api-keys/{new_key(c, tokens)['id']}/rotate", headers=bearer(tokens))
                   .json()["secret"])
    enrol = c.post("/v1/auth/2fa/enroll", headers=bearer(tokens)).json()
    files = [p for p in Path(tmp_path).iterdir() if p.name.startswith("db.sqlite3")]
    assert any(p.name.endswith("-wal") for p in files)  # the WAL is searched too
    blob = b"".join(p.read_bytes() for p in files)
    for secret in [*secrets, enrol["secret"], tokens["refresh_token"], PASSWORD]:
        assert secret.encode() not in blob, secret
    assert b"$argon2id$" in blob  # the password is there only as its argon2id hash


# -- idempotency -----------------------------------------------------------------------------------------------
def test_idempotency_replays_and_rejects_reuse(app):
    c = client(app)
    tokens = login(c)
    key = new_key(c, tokens)
    ik = str(uuid.uuid4())
    headers = {**bearer(tokens), "Idempotency-Key": ik}
    first = c.patch(f"/v1/account/api-keys/{key['id']}", headers=headers, json={"label": "renamed"})
    again = c.patch(f"/v1/account/api-keys/{key['id']}", headers=headers, json={"label": "renamed"})
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert "idempotent-replayed" not in first.headers and again.headers["idempotent-replayed"] == "true"
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    other = c.patch(f"/v1/account/api-keys/{key['id']}", headers=headers, json={"label": "other"})
    assert (other.status_code, code_of(other)) == (422, "idempotency_key_reused")
    missing = c.patch(f"/v1/account/api-keys/{key['id']}", headers=bearer(tokens), json={"label": "x"})
    assert (missing.status_code, code_of(missing)) == (400, "invalid_request")
