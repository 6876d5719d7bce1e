"""HMAC request signing for API keys (seed 000): the two recipes, their verification, and a replay guard.

Recipes (also spec/signing/README.md and the apiKey scheme's ``x-cooud-signing``, pinned by
spec/signing/vectors.json for v1 and spec/signing/vectors_v2.json for v2):

    v1 (deprecated, sunset V1_SUNSET):  timestamp_s + METHOD + path_with_query + body
    v2 (X-Cooud-Signature-Version: 2):  "v2" LF timestamp_ms LF METHOD LF path_with_query LF idempotency_key LF body
    signature = lowercase hex HMAC-SHA256(key = secret as UTF-8, message = canonical)

``path_with_query`` is the request target exactly as sent: the percent-encoded path as on the wire, plus
``?`` and the raw query string when the query is non-empty (nothing is decoded, re-encoded or sorted).
``body`` is the raw body bytes (empty when there is none). ``idempotency_key`` is the Idempotency-Key header
value as sent, empty when the request has none. Headers: ``X-Cooud-Key``, ``X-Cooud-Timestamp`` (v1 unix
seconds, v2 unix milliseconds), ``X-Cooud-Signature``, and for v2 ``X-Cooud-Signature-Version: 2``.

Why v2: a v1 timestamp has one-second resolution, so two identical requests in one second have the same
signature and the second is refused as a replay. A v2 timestamp has millisecond resolution (clients make it
strictly increasing per key), so a bot's identical polls differ; and the Idempotency-Key is signed, so a
captured mutation cannot be re-sent under a fresh key (the signature would not verify) and, re-sent as is,
meets the idempotency store (its original answer, no second effect) even where the replay guard cannot see it
(another process, or after a restart). The v2 message starts with "v2" and v1 messages start with a digit,
so a signature of one version never verifies as the other (no downgrade by dropping the version header).

Invariants of ``verify``/``verify_v2``: the timestamp must be a plain decimal integer (no sign, spaces or
leading zeros) within the skew window (30 s, inclusive), else ``timestamp_skew``; the signature must be exactly
64 lowercase hex characters and equal the expected one under ``hmac.compare_digest``, else
``invalid_signature``. ``check_version`` refuses an unknown version, and v1 from its sunset on, with
``signature_version_unsupported``. Callers verify first and consult the replay guard only for authentic
requests, so unsigned noise cannot fill the guard.

A replay guard (the port ``impl.domain.ports.ReplayGuard``) remembers each accepted (key id, signature) for
``window_s`` seconds (61 = the 2 x 30 s a timestamp is acceptable, plus one), so the same signed request is
accepted once — whatever its version. ``MemoryReplayGuard`` (here, the default) remembers for one process; several
processes or hosts share ``impl.store.redis_replay.RedisReplayGuard`` (``COOUD_REPLAY_GUARD=redis://...``),
otherwise an exact copy of a request can be accepted once by each process — for a v2 mutation the signed
Idempotency-Key still makes that copy return the original answer instead of acting twice. The memory guard is
bounded: expired entries are evicted on every call, and at most ``max_entries`` live entries are kept (the default
100 000 take about 32 MB; per-key rate limits keep the count far below). When that many requests were accepted
within one window it refuses new ones (``service_unavailable``) rather than forget live entries.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import re
import threading
from datetime import UTC, datetime

from . import AuthError

_TIMESTAMP = re.compile(r"0|[1-9][0-9]{0,11}", re.ASCII)
_TIMESTAMP_MS = re.compile(r"0|[1-9][0-9]{0,15}", re.ASCII)
_SIGNATURE = re.compile(r"[0-9a-f]{64}", re.ASCII)

SKEW_S = 30
VERSION_HEADER = "x-cooud-signature-version"
VERSIONS = ("1", "2")
V1_DEPRECATED_AT = "2026-12-03"  # the spec's x-cooud-signing versions.1 x-cooud-deprecated-at
V1_SUNSET = "2027-06-01"  # ... and x-cooud-sunset: from midnight UTC of this day v1 is refused
V1_SUNSET_MS = int(datetime.fromisoformat(V1_SUNSET).replace(tzinfo=UTC).timestamp() * 1000)


def _bytes(value: bytes | str) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def canonical(timestamp: str, method: str, path_with_query: bytes | str, body: bytes) -> bytes:
    """v1: the bytes that are signed. A str target is encoded as UTF-8 (identical to ASCII for a valid target)."""
    return timestamp.encode("ascii") + method.encode("ascii").upper() + _bytes(path_with_query) + bytes(body)


def sign(secret: str, timestamp: str, method: str, path_with_query: bytes | str, body: bytes) -> str:
    """v1: lowercase hex HMAC-SHA256 of the canonical bytes under the UTF-8 secret."""
    msg = canonical(timestamp, method, path_with_query, body)
    return hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()


def canonical_v2(timestamp_ms: str, method: str, path_with_query: bytes | str, idempotency_key: bytes | str,
                 body: bytes) -> bytes:
    """v2: "v2" LF timestamp_ms LF METHOD LF target LF idempotency_key LF body. No part but the body can hold LF
    (digits, a method token, a request target and a header value cannot), so the parts are unambiguous."""
    return b"\n".join((b"v2", timestamp_ms.encode("ascii"), method.encode("ascii").upper(), _bytes(path_with_query),
                       _bytes(idempotency_key), bytes(body)))


def sign_v2(secret: str, timestamp_ms: str, method: str, path_with_query: bytes | str, idempotency_key: bytes | str,
            body: bytes) -> str:
    """v2: lowercase hex HMAC-SHA256 of the v2 canonical bytes under the UTF-8 secret."""
    msg = canonical_v2(timestamp_ms, method, path_with_query, idempotency_key, body)
    return hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()


def _check_signature(expected: str, signature_header: str) -> None:
    if not isinstance(signature_header, str) or not _SIGNATURE.fullmatch(signature_header):
        raise AuthError("invalid_signature", "X-Cooud-Signature must be 64 lowercase hex characters.")
    if not hmac.compare_digest(expected, signature_header):
        raise AuthError("invalid_signature", "X-Cooud-Signature does not match the request.")


def verify(
    secret: str,
    timestamp_header: str,
    signature_header: str,
    method: str,
    path_with_query: bytes | str,
    body: bytes,
    now_s: int,
    skew_s: int = SKEW_S,
) -> None:
    """v1: return None when the signed request is authentic and fresh; raise AuthError otherwise."""
    if not isinstance(timestamp_header, str) or not _TIMESTAMP.fullmatch(timestamp_header):
        raise AuthError("timestamp_skew", "X-Cooud-Timestamp must be unix seconds as a decimal integer.")
    if abs(int(now_s) - int(timestamp_header)) > skew_s:
        raise AuthError("timestamp_skew", f"X-Cooud-Timestamp is more than {skew_s} seconds from server time.")
    _check_signature(sign(secret, timestamp_header, method, path_with_query, body), signature_header)


def verify_v2(
    secret: str,
    timestamp_header: str,
    signature_header: str,
    method: str,
    path_with_query: bytes | str,
    idempotency_key: bytes | str,
    body: bytes,
    now_ms: int,
    skew_ms: int = SKEW_S * 1000,
) -> None:
    """v2: return None when the signed request is authentic and fresh; raise AuthError otherwise."""
    if not isinstance(timestamp_header, str) or not _TIMESTAMP_MS.fullmatch(timestamp_header):
        raise AuthError("timestamp_skew", "X-Cooud-Timestamp must be unix milliseconds as a decimal integer "
                                          "with X-Cooud-Signature-Version: 2.")
    if abs(int(now_ms) - int(timestamp_header)) > skew_ms:
        raise AuthError("timestamp_skew", f"X-Cooud-Timestamp is more than {skew_ms // 1000} seconds from server time.")
    _check_signature(sign_v2(secret, timestamp_header, method, path_with_query, idempotency_key, body),
                     signature_header)


def check_version(version: str, now_ms: int) -> None:
    """AuthError("signature_version_unsupported") unless `version` (the X-Cooud-Signature-Version value, "1" when
    absent) is one this server accepts at `now_ms`: "2", or "1" before V1_SUNSET."""
    if version not in VERSIONS:
        raise AuthError("signature_version_unsupported",
                        "X-Cooud-Signature-Version must be 2 (or 1 until its sunset, " + V1_SUNSET + ").")
    if version == "1" and now_ms >= V1_SUNSET_MS:
        raise AuthError("signature_version_unsupported",
                        f"Signature version 1 reached its sunset on {V1_SUNSET}; "
                        "sign with X-Cooud-Signature-Version: 2.")


def single_header(raw_headers, name: bytes) -> bytes:
    """The one value of request header `name` (lower case) as raw bytes, b"" when absent. A repeated header is
    refused (invalid_signature): the signed value and the value another layer acts on could differ."""
    values = [v for k, v in raw_headers if k.lower() == name]
    if len(values) > 1:
        raise AuthError("invalid_signature", f"The {name.decode()} header is repeated; a signed request sends it once.")
    return bytes(values[0]) if values else b""


class MemoryReplayGuard:
    """`ReplayGuard` in this process's memory (see the module docstring for the bound). Thread-safe: requests are
    authenticated in worker threads, so the check and the remembering happen under one lock (of two identical
    requests racing, exactly one is accepted)."""

    def __init__(self, window_s: int = 61, max_entries: int = 100_000) -> None:
        self.window_s = window_s
        self.max_entries = max_entries
        self._expiry: dict[tuple[str, str], int] = {}
        self._heap: list[tuple[int, tuple[str, str]]] = []  # (expires_at, key); a min-heap robust to clock steps
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._expiry)

    def _evict(self, now_s: int) -> None:
        while self._heap and self._heap[0][0] <= now_s:
            expires, key = heapq.heappop(self._heap)
            if self._expiry.get(key) == expires:
                del self._expiry[key]

    def check_and_remember(self, key_id: str, signature: str, now_s: int) -> None:
        """Remember (key_id, signature) until now_s + window_s; AuthError("signature_replayed") if already there."""
        key = (key_id, signature)
        with self._lock:
            self._evict(now_s)
            if key in self._expiry:
                raise replayed()
            if len(self._expiry) >= self.max_entries:
                raise AuthError("service_unavailable", "Too many signed requests in flight; retry shortly.")
            expires = int(now_s) + self.window_s
            self._expiry[key] = expires
            heapq.heappush(self._heap, (expires, key))


def replayed() -> AuthError:
    """The refusal of a signed request some replay guard has already accepted."""
    return AuthError("signature_replayed", "This signed request was already received; sign each request afresh.")
