"""TOTP: pyotp-generated codes, ±1 step drift, replay protection, malformed codes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from impl.security import AuthError, totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_015  # 15 s into step 60_000_000
STEP = NOW // 30


def code_at(t: int) -> str:
    return pyotp.TOTP(SECRET).at(t)


def rejected(code, now=NOW, last=None):
    with pytest.raises(AuthError) as exc:
        totp.verify(SECRET, code, now, last)
    assert exc.value.code == "totp_invalid"


def test_current_code_returns_its_step():
    assert totp.verify(SECRET, code_at(NOW), NOW, None) == STEP


@pytest.mark.parametrize("offset", [-1, 1])
def test_one_step_drift_is_accepted(offset):
    assert totp.verify(SECRET, code_at(NOW + 30 * offset), NOW, None) == STEP + offset


@pytest.mark.parametrize("offset", [-3, -2, 2, 3])
def test_two_or_more_steps_away_are_rejected(offset):
    code = code_at(NOW + 30 * offset)
    assert code not in {code_at(NOW - 30), code_at(NOW), code_at(NOW + 30)}  # fixed secret: no collision
    rejected(code)


def test_replay_of_used_code_is_rejected():
    step = totp.verify(SECRET, code_at(NOW), NOW, None)
    rejected(code_at(NOW), last=step)
    rejected(code_at(NOW - 30), last=step)  # an older code is also spent
    assert totp.verify(SECRET, code_at(NOW + 30), NOW, step) == step + 1  # the next one is fine


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", " 123456", "123456 ", "١٢٣٤٥٦", None, 123456])
def test_malformed_codes_are_rejected(code):
    rejected(code)


def test_wrong_code_is_rejected():
    valid = {code_at(NOW + 30 * k) for k in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
    rejected(wrong)


def test_new_secret_is_base32_and_usable():
    secret = totp.new_secret()
    assert len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert totp.new_secret() != secret
    assert totp.verify(secret, pyotp.TOTP(secret).at(NOW), NOW, None) == STEP


def test_provisioning_uri():
    uri = totp.provisioning_uri(SECRET, "alice@example.com")
    parsed = urlparse(uri)
    assert (parsed.scheme, parsed.netloc) == ("otpauth", "totp")
    assert parsed.path == "/Cooud:alice%40example.com"
    query = parse_qs(parsed.query)
    assert query["secret"] == [SECRET] and query["issuer"] == ["Cooud"]
    assert pyotp.parse_uri(uri).now() == pyotp.TOTP(SECRET).now()
