"""The API-key request signature of the Cooud REST contract, re-implemented from the spec.

Source: the `apiKey` security scheme's `x-cooud-signing` recipe in spec/openapi.yaml and spec/signing/README.md.
This module deliberately does not import the server (`impl`): it is what integrators install, and it is proved
against the shared vectors in spec/signing/vectors.json (tests/unit/test_sdk_signing.py).

Two recipes (`x-cooud-signing.versions`); REST requests are signed with version 2, the stream's login with 1:
- v2 canonical message = "v2" LF timestamp_ms LF METHOD (upper case) LF request target LF Idempotency-Key (empty
  when none) LF body, sent with `X-Cooud-Signature-Version: 2` (spec/signing/vectors_v2.json);
- v1 canonical message = timestamp (unix seconds) + METHOD (upper case) + request target + body, concatenated with
  no separator (deprecated for REST, sunset 2027-06-01; spec/signing/vectors.json).
Invariants:
- the request target is the raw target as sent: percent-encoding untouched, then `?` and the raw query only when
  the query is non-empty (never a bare `?`);
- the body is the exact bytes sent (empty for none);
- signature = lower-case hex HMAC-SHA256 with the secret's UTF-8 bytes as key (64 characters).
"""

from __future__ import annotations

import hashlib
import hmac

import httpx

HEADER_KEY = "X-Cooud-Key"
HEADER_TIMESTAMP = "X-Cooud-Timestamp"
HEADER_SIGNATURE = "X-Cooud-Signature"
HEADER_VERSION = "X-Cooud-Signature-Version"
HEADER_IDEMPOTENCY = "Idempotency-Key"


def _bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def canonical_message(timestamp: str, method: str, path_with_query: str | bytes, body: str | bytes = b"") -> bytes:
    """The exact bytes that are signed."""
    return timestamp.encode("ascii") + method.upper().encode("ascii") + _bytes(path_with_query) + _bytes(body)


def signature(secret: str, timestamp: str, method: str, path_with_query: str | bytes, body: str | bytes = b"") -> str:
    """X-Cooud-Signature for one request: lower-case hex HMAC-SHA256(secret UTF-8, canonical message)."""
    message = canonical_message(timestamp, method, path_with_query, body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def canonical_message_v2(timestamp_ms: str, method: str, path_with_query: str | bytes,
                         idempotency_key: str | bytes = b"", body: str | bytes = b"") -> bytes:
    """Version 2: the exact bytes that are signed."""
    return b"\n".join((b"v2", timestamp_ms.encode("ascii"), method.upper().encode("ascii"), _bytes(path_with_query),
                        _bytes(idempotency_key), _bytes(body)))


def signature_v2(secret: str, timestamp_ms: str, method: str, path_with_query: str | bytes,
                 idempotency_key: str | bytes = b"", body: str | bytes = b"") -> str:
    """Version 2 X-Cooud-Signature: lower-case hex HMAC-SHA256(secret UTF-8, v2 canonical message)."""
    message = canonical_message_v2(timestamp_ms, method, path_with_query, idempotency_key, body)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def request_target(url: httpx.URL) -> bytes:
    """The target httpx puts on the wire (`url.raw_path`: path and query, still encoded), as the recipe signs it.

    httpx keeps a bare trailing `?` on the wire, but the server sees an empty query there, and the recipe says
    never to sign a bare `?`; it is therefore dropped here.
    """
    path, _, query = url.raw_path.partition(b"?")
    return path + (b"?" + query if query else b"")
