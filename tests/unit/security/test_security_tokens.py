"""Access JWTs (RFC 8725 hygiene), networks, refresh tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from impl.security import AuthError
from impl.security.tokens import Claims, TokenIssuer, hash_token, network_of, new_refresh_token

KEY = bytes(range(32))
NOW = 1_800_000_000
ISSUER = TokenIssuer(KEY)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict, payload: dict, key: bytes | None = KEY, digest=hashlib.sha256) -> str:
    """A token with any header, HMAC-signed with ``key`` (or unsigned)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    sig = b64(hmac.new(key, signing_input.encode(), digest).digest()) if key else ""
    return f"{signing_input}.{sig}"


def good_payload(**over) -> dict:
    p = {"iss": "cooud-exchange", "sub": "usr_1", "sid": "ses_1", "net": "203.0.113.0/24",
         "iat": NOW, "exp": NOW + 3600, "jti": "j1"}
    p.update(over)
    return p


def assert_code(token: str, code: str = "unauthenticated", now: int = NOW + 1):
    with pytest.raises(AuthError) as exc:
        ISSUER.verify(token, now)
    assert exc.value.code == code


def test_round_trip():
    token, exp = ISSUER.issue("usr_1", "ses_1", "203.0.113.0/24", NOW)
    assert exp == NOW + 3600
    claims = ISSUER.verify(token, NOW + 10)
    assert claims == Claims("usr_1", "ses_1", "203.0.113.0/24", NOW + 3600, NOW, claims.jti)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "at+jwt"}


def test_each_token_has_its_own_jti():
    a, _ = ISSUER.issue("u", "s", "n", NOW)
    b, _ = ISSUER.issue("u", "s", "n", NOW)
    assert ISSUER.verify(a, NOW).jti != ISSUER.verify(b, NOW).jti


def test_forged_helper_makes_valid_tokens():  # so the rejections below are about the one thing changed
    assert ISSUER.verify(forge({"alg": "HS256", "typ": "at+jwt"}, good_payload()), NOW).user_id == "usr_1"


def test_expiry_with_zero_leeway():
    token, exp = TokenIssuer(KEY, ttl_s=60).issue("u", "s", "n", NOW)
    assert TokenIssuer(KEY).verify(token, exp - 1).user_id == "u"
    assert_code(token, "token_expired", now=exp)
    assert_code(token, "token_expired", now=exp + 10_000)


def test_issued_in_the_future_is_rejected():
    token, _ = ISSUER.issue("u", "s", "n", NOW + 1)
    assert_code(token, now=NOW)


def test_tampered_payload_is_rejected():
    token, _ = ISSUER.issue("usr_1", "ses_1", "n", NOW)
    header, _, sig = token.split(".")
    evil = b64(json.dumps(good_payload(sub="usr_admin")).encode())
    assert_code(f"{header}.{evil}.{sig}")


def test_tampered_and_expired_is_unauthenticated_not_expired():
    token, _ = ISSUER.issue("usr_1", "ses_1", "n", NOW)
    header, payload, sig = token.split(".")
    assert_code(f"{header}.{payload}.{sig[:-2]}AA", now=NOW + 7200)


def test_alg_none_is_rejected():
    assert_code(forge({"alg": "none", "typ": "at+jwt"}, good_payload(), key=None))
    assert_code(forge({"alg": "none", "typ": "at+jwt"}, good_payload(), key=None)[:-1])


def test_other_key_is_rejected():
    token, _ = TokenIssuer(b"\x01" * 32).issue("u", "s", "n", NOW)
    assert_code(token)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_hs512_with_the_same_key_is_rejected():
    assert_code(jwt.encode(good_payload(), KEY, algorithm="HS512", headers={"typ": "at+jwt"}))
    assert_code(forge({"alg": "HS512", "typ": "at+jwt"}, good_payload(), digest=hashlib.sha512))


def test_rs256_header_is_rejected():
    assert_code(forge({"alg": "RS256", "typ": "at+jwt"}, good_payload()))


def test_wrong_typ_is_rejected():
    assert_code(forge({"alg": "HS256", "typ": "JWT"}, good_payload()))
    assert_code(forge({"alg": "HS256"}, good_payload()))


@pytest.mark.parametrize("claim", ["iss", "sub", "sid", "net", "iat", "exp", "jti"])
def test_every_claim_is_required(claim):
    payload = good_payload()
    del payload[claim]
    assert_code(forge({"alg": "HS256", "typ": "at+jwt"}, payload))


@pytest.mark.parametrize("over", [{"iss": "someone-else"}, {"sub": 7}, {"sid": ""}, {"exp": "9999999999"},
                                  {"iat": 1.5}, {"exp": True}, {"exp": NOW}])
def test_bad_claim_values_are_rejected(over):
    assert_code(forge({"alg": "HS256", "typ": "at+jwt"}, good_payload(**over)))


@given(st.text(max_size=300))
def test_garbage_only_ever_raises_auth_error(text):
    with pytest.raises(AuthError) as exc:
        ISSUER.verify(text, NOW)
    assert exc.value.code == "unauthenticated"


def test_oversized_and_non_string_tokens():
    token, _ = ISSUER.issue("u" * 5000, "s", "n", NOW)
    assert_code(token)
    assert_code(None)  # type: ignore[arg-type]


def test_short_key_and_bad_ttl_are_programming_errors():
    with pytest.raises(ValueError):
        TokenIssuer(b"short")
    with pytest.raises(ValueError):
        TokenIssuer(KEY, ttl_s=0)


@pytest.mark.parametrize(("ip", "net"), [
    ("203.0.113.77", "203.0.113.0/24"),
    ("10.0.0.1", "10.0.0.0/24"),
    ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
    ("2001:0DB8:ABCD:FFFF:ffff:ffff:ffff:ffff", "2001:db8:abcd::/48"),
    ("::ffff:203.0.113.77", "203.0.113.0/24"),
    ("::ffff:cb00:714d", "203.0.113.0/24"),
    ("fe80::1%eth0", "fe80::/48"),
    ("::1", "::/48"),
])
def test_network_of(ip, net):
    assert network_of(ip) == net


@pytest.mark.parametrize("ip", ["", "nope", "203.0.113.0/24", "256.1.1.1", "203.0.113", " 203.0.113.7", None])
def test_network_of_invalid(ip):
    with pytest.raises(AuthError) as exc:
        network_of(ip)
    assert exc.value.code == "unauthenticated"


def test_refresh_tokens_are_random_and_stored_hashed():
    a, b = new_refresh_token(), new_refresh_token()
    assert a != b and a.startswith("rt_") and len(a) == 46
    assert set(a[3:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert hash_token(a) == hashlib.sha256(a.encode()).hexdigest() and len(hash_token(a)) == 64
    assert hash_token(a) != hash_token(b)
