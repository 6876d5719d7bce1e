"""Time-based one-time passwords (RFC 6238) via pyotp: SHA-1, 6 digits, 30-second steps.

Invariants: ``verify`` accepts a code for the current step or one step either side (±30 s of clock drift)
and returns the step it matched; the caller stores that step and passes it back as ``last_used_step``,
and any code whose step is not strictly later is rejected — so a code (or an older one) can be used at
most once even inside its validity window. All three candidate steps are always computed and compared
with ``hmac.compare_digest``, so timing does not reveal which step matched. Time is passed in.

Known limits: the secret is stored as given (base32); protect it at rest like a password-equivalent.
Brute force (1 in 10^6 per guess, 3 steps accepted) must be bounded by the caller's rate limit / lockout.
"""

from __future__ import annotations

import hmac
import re

import pyotp

from . import AuthError

STEP_S = 30
DIGITS = 6
DRIFT_STEPS = 1
_CODE = re.compile(rf"[0-9]{{{DIGITS}}}", re.ASCII)


def new_secret() -> str:
    """A fresh random base32 secret (160 bits, 32 characters)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, account_name: str, issuer: str = "Cooud") -> str:
    """The ``otpauth://totp/...`` URI an authenticator app imports (usually shown as a QR code)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S).provisioning_uri(name=account_name, issuer_name=issuer)


def verify(secret: str, code: str, now_s: int, last_used_step: int | None) -> int:
    """The time step ``code`` was generated for; AuthError("totp_invalid") if wrong, malformed or replayed."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise AuthError("totp_invalid", "The code must be 6 digits.")
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S)
    current = int(now_s) // STEP_S
    matched = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step).encode(), code.encode()):
            matched = step  # keep the latest matching step
    if matched is None or (last_used_step is not None and matched <= last_used_step):
        raise AuthError("totp_invalid", "The code is wrong, expired or was already used.")
    return matched
