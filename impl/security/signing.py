"""HMAC request signing for API keys (seed 000): the recipe, its verification, and a replay guard.

Recipe (also spec/signing/README.md, pinned by spec/signing/vectors.json):

    canonical = ascii(timestamp) + ascii(METHOD in upper case) + path_with_query + body
    signature = lowercase hex HMAC-SHA256(key = secret as UTF-8, message = canonical)

``path_with_query`` is the request target exactly as sent: the percent-encoded path as on the wire, plus
``?`` and the raw query string when the query is non-empty (nothing is decoded, re-encoded or sorted).
``body`` is the raw body bytes (empty when there is none). Headers are sent as ``X-Cooud-Key``,
``X-Cooud-Timestamp`` (unix seconds) and ``X-Cooud-Signature``.

Invariants of ``verify``: the timestamp must be a plain decimal integer (no sign, spaces or leading zeros)
within ``skew_s`` of ``now_s`` (inclusive), else ``timestamp_skew``; the signature must be exactly 64
lowercase hex characters and equal the expected one under ``hmac.compare_digest``, else
``invalid_signature``. Callers verify first and consult the replay guard only for authentic requests, so
unsigned noise cannot fill the guard.

``ReplayGuard`` remembers each accepted (key id, signature) for ``window_s`` seconds (61 = the 2 x 30 s a
timestamp is acceptable, plus one), so the same signed request is accepted once. Memory is bounded: expired
entries are evicted on every call, and at most ``max_entries`` live entries are kept (the default 100 000
take about 32 MB; per-key rate limits keep the count far below). When that many requests were accepted within
one window the guard refuses new ones (``service_unavailable``) rather than forget live entries.
Known limit: the memory is per process; several processes or hosts need a shared store (a later issue),
otherwise a request can be replayed once against each process.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import re

from . import AuthError

_TIMESTAMP = re.compile(r"0|[1-9][0-9]{0,11}", re.ASCII)
_SIGNATURE = re.compile(r"[0-9a-f]{64}", re.ASCII)


def canonical(timestamp: str, method: str, path_with_query: bytes | str, body: bytes) -> bytes:
    """The bytes that are signed. A str target is encoded as UTF-8 (identical to ASCII for a valid target)."""
    target = path_with_query.encode("utf-8") if isinstance(path_with_query, str) else bytes(path_with_query)
    return timestamp.encode("ascii") + method.encode("ascii").upper() + target + bytes(body)


def sign(secret: str, timestamp: str, method: str, path_with_query: bytes | str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of the canonical bytes under the UTF-8 secret."""
    msg = canonical(timestamp, method, path_with_query, body)
    return hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    timestamp_header: str,
    signature_header: str,
    method: str,
    path_with_query: bytes | str,
    body: bytes,
    now_s: int,
    skew_s: int = 30,
) -> None:
    """Return None when the signed request is authentic and fresh; raise AuthError otherwise."""
    if not isinstance(timestamp_header, str) or not _TIMESTAMP.fullmatch(timestamp_header):
        raise AuthError("timestamp_skew", "X-Cooud-Timestamp must be unix seconds as a decimal integer.")
    if abs(int(now_s) - int(timestamp_header)) > skew_s:
        raise AuthError("timestamp_skew", f"X-Cooud-Timestamp is more than {skew_s} seconds from server time.")
    if not isinstance(signature_header, str) or not _SIGNATURE.fullmatch(signature_header):
        raise AuthError("invalid_signature", "X-Cooud-Signature must be 64 lowercase hex characters.")
    expected = sign(secret, timestamp_header, method, path_with_query, body)
    if not hmac.compare_digest(expected, signature_header):
        raise AuthError("invalid_signature", "X-Cooud-Signature does not match the request.")


class ReplayGuard:
    """Per-process memory of recently accepted signatures (see the module docstring for the bound)."""

    def __init__(self, window_s: int = 61, max_entries: int = 100_000) -> None:
        self.window_s = window_s
        self.max_entries = max_entries
        self._expiry: dict[tuple[str, str], int] = {}
        self._heap: list[tuple[int, tuple[str, str]]] = []  # (expires_at, key); a min-heap robust to clock steps

    def __len__(self) -> int:
        return len(self._expiry)

    def _evict(self, now_s: int) -> None:
        while self._heap and self._heap[0][0] <= now_s:
            expires, key = heapq.heappop(self._heap)
            if self._expiry.get(key) == expires:
                del self._expiry[key]

    def check_and_remember(self, key_id: str, signature: str, now_s: int) -> None:
        """Remember (key_id, signature) until now_s + window_s; AuthError("signature_replayed") if already there."""
        self._evict(now_s)
        key = (key_id, signature)
        if key in self._expiry:
            raise AuthError("signature_replayed", "This signed request was already received; sign each request afresh.")
        if len(self._expiry) >= self.max_entries:
            raise AuthError("service_unavailable", "Too many signed requests in flight; retry shortly.")
        expires = int(now_s) + self.window_s
        self._expiry[key] = expires
        heapq.heappush(self._heap, (expires, key))
