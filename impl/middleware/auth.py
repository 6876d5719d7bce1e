"""Authentication and authorization of every operation, from the spec (through the generated operation table).

A step of the edge (impl/edge/pipeline.py), not connexion's security layer: an HMAC-signed request needs the raw
body and the three key headers together. For the routed operation:
- `security` lists the accepted credential kinds; a request bringing none of them gets `401 unauthenticated`
  (an API key on a session-only operation gets `403 session_required`: a key can never manage keys);
- the credential is verified (bearer JWT bound to its network, session cookie, or signed API key) — failures
  carry their own catalogued 401 codes;
- `x-cooud-permission` is checked against what the credential holds (`403 forbidden`), then invite gating
  (`403 invite_required` for trading permissions).
The edge leaves the principal in `scope["cooud.principal"]` for handlers and the idempotency step. Verification
reads the store, so the edge runs it off the event loop (impl/blocking.py).
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from starlette.types import Scope

from impl.errors import ApiError
from impl.security import signing

SCHEME_KIND = {"bearerAuth": "bearer", "apiKey": "apikey", "apiKeyTimestamp": "apikey", "apiKeySignature": "apikey",
               "sessionCookie": "cookie"}


def presented_credential(headers: dict[str, str]) -> tuple[str, str] | None:
    """(kind, value) of the credential a request brings, bearer first, then API key, then cookie."""
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return "bearer", auth[7:].strip()
    if "x-cooud-key" in headers:
        return "apikey", headers["x-cooud-key"]
    if "cookie" in headers:
        try:
            jar = SimpleCookie(headers["cookie"])
        except CookieError:
            return None
        if "cooud_session" in jar:
            return "cookie", jar["cooud_session"].value
    return None


def request_target(scope: Scope) -> bytes:
    """The request target as sent: raw (percent-encoded) path plus '?' and the raw query when non-empty."""
    path = scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string", b"")
    return path + (b"?" + query if query else b"")


def authenticate(scope: Scope, op):
    """The verified principal, or ApiError/AuthError (runs in a worker thread: identity reads the store)."""
    services = scope["cooud.services"]
    identity, now = services.identity, services.now_ms()
    headers = scope["cooud.headers"]
    accepted = {SCHEME_KIND[name] for requirement in op.security for name in requirement}
    credential = presented_credential(headers)
    if credential is None:
        raise ApiError("unauthenticated", "This operation needs credentials: " + ", ".join(sorted(accepted)) + ".")
    kind, value = credential
    if kind not in accepted:
        if kind == "apikey" and op.permission == "session":
            raise ApiError("session_required", "API keys cannot manage keys or sessions; use a session.")
        raise ApiError("unauthenticated", f"This operation does not accept {kind} credentials.")
    # AuthErrors of the identity service carry their catalogued codes: the one mapping (impl/errors.py) answers them.
    if kind == "bearer":
        principal = identity.authenticate_bearer(value, scope["cooud.network"], now)
    elif kind == "cookie":
        principal = identity.authenticate_cookie(value, now)
    else:
        principal = identity.authenticate_key(
            value, headers.get("x-cooud-timestamp", ""), headers.get("x-cooud-signature", ""),
            scope["method"], request_target(scope), scope.get("cooud.raw_body", b""),
            scope["cooud.client_ip"], now, version=headers.get(signing.VERSION_HEADER, "1"),
            idempotency_key=signing.single_header(scope.get("headers", []), b"idempotency-key"))
    if not principal.holds(op.permission):
        raise ApiError("forbidden", f"This credential lacks the {op.permission!r} permission.")
    identity.check_invite(principal, op.permission)
    return principal
