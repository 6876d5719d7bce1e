"""Access tokens (JWT, RFC 7519) following the JWT best current practices of RFC 8725; refresh tokens; networks.

Access token: HS256 only, header ``typ: at+jwt``; claims ``iss`` (fixed), ``sub`` (user id), ``sid`` (session
id), ``net`` (the client network, see ``network_of``), ``iat``, ``exp`` (= iat + ttl), ``jti`` (random).
Invariants of ``TokenIssuer.verify``: the accepted algorithm list is fixed to ``["HS256"]`` — never taken
from the token, so ``none``, HS512, RS256 or key-confusion tokens fail; the signature is checked before any
claim is looked at; ``typ`` must be ``at+jwt`` (a different kind of JWT signed with the same key is not an
access token); all claims are required and type-checked; time comes from the caller with leeway 0 (expired
when ``now_s >= exp``, rejected when ``iat > now_s``). An expired but otherwise valid token raises
``token_expired`` (the client should refresh); everything else raises ``unauthenticated``.

Refresh tokens are opaque random strings (``rt_`` + 256 random bits); only ``hash_token`` of them is
stored, so a database leak yields no usable refresh token.

Known limits: HS256 means the verifier holds the signing key (fine for one service; a separate verifier
would need an asymmetric algorithm). Revocation before ``exp`` is the caller's job (session lookup by ``sid``).
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass

import jwt

from . import AuthError

ALGORITHM = "HS256"
TOKEN_TYPE = "at+jwt"
MAX_TOKEN_LEN = 4096
_REQUIRED = ["iss", "sub", "sid", "net", "iat", "exp", "jti"]


@dataclass(frozen=True)
class Claims:
    user_id: str
    session_id: str
    network: str
    exp: int
    iat: int
    jti: str


def _unauthenticated(reason: str = "The access token is invalid.") -> AuthError:
    return AuthError("unauthenticated", reason)


class TokenIssuer:
    """Issues and verifies access tokens with one HMAC key (at least 32 bytes, e.g. ``secrets.derive_subkey``)."""

    def __init__(self, signing_key: bytes, issuer: str = "cooud-exchange", ttl_s: int = 3600) -> None:
        if len(signing_key) < 32:
            raise ValueError("HS256 signing key must be at least 32 bytes (RFC 7518 section 3.2)")
        if ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
        self._key = bytes(signing_key)
        self.issuer = issuer
        self.ttl_s = int(ttl_s)

    def issue(self, user_id: str, session_id: str, network: str, now_s: int) -> tuple[str, int]:
        """(token, exp) for a session; exp = now_s + ttl_s."""
        iat = int(now_s)
        exp = iat + self.ttl_s
        payload = {
            "iss": self.issuer, "sub": user_id, "sid": session_id, "net": network,
            "iat": iat, "exp": exp, "jti": secrets.token_urlsafe(16),
        }
        token = jwt.encode(payload, self._key, algorithm=ALGORITHM, headers={"typ": TOKEN_TYPE})
        return token, exp

    def verify(self, token: str, now_s: int) -> Claims:
        """The claims of a valid token; AuthError("token_expired") or AuthError("unauthenticated") otherwise."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LEN:
            raise _unauthenticated()
        try:
            decoded = jwt.decode_complete(
                token, self._key, algorithms=[ALGORITHM], issuer=self.issuer,
                options={"require": _REQUIRED, "verify_exp": False, "verify_iat": False,
                         "verify_nbf": False, "verify_aud": False},
            )
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise _unauthenticated() from exc
        if decoded["header"].get("typ") != TOKEN_TYPE or decoded["header"].get("alg") != ALGORITHM:
            raise _unauthenticated()
        p = decoded["payload"]
        if not all(isinstance(p[k], str) and p[k] for k in ("sub", "sid", "net", "jti")):
            raise _unauthenticated()
        if not all(type(p[k]) is int for k in ("iat", "exp")) or p["iat"] > now_s or p["exp"] <= p["iat"]:
            raise _unauthenticated()
        if now_s >= p["exp"]:
            raise AuthError("token_expired", "The access token has expired; refresh the session.")
        return Claims(p["sub"], p["sid"], p["net"], p["exp"], p["iat"], p["jti"])


@functools.lru_cache(maxsize=4096)  # ~100 us of ipaddress parsing per request otherwise; refusals are not cached
def network_of(ip: str) -> str:
    """The network a client address belongs to: IPv4 /24, IPv6 /48 (IPv4-mapped IPv6 counts as IPv4)."""
    try:
        addr = ipaddress.ip_address(ip)
    except (ValueError, TypeError) as exc:
        raise _unauthenticated("The client address is not an IP address.") from exc
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if isinstance(addr, ipaddress.IPv4Address):
        return str(ipaddress.IPv4Network((int(addr), 24), strict=False))
    return str(ipaddress.IPv6Network((int(addr), 48), strict=False))  # int() drops any %zone


def new_refresh_token() -> str:
    """A fresh opaque refresh token: ``rt_`` + 43 URL-safe characters (256 random bits)."""
    return "rt_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Hex SHA-256 of a token — what the store keeps (a high-entropy token needs no slow hash or salt)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
