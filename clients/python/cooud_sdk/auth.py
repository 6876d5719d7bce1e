"""Credentials the transport applies to every attempt of every request (`Credential.apply`).

- `ApiKeyAuth` signs each attempt afresh with signature version 2 (`X-Cooud-Signature-Version: 2`): a unix-
  millisecond timestamp and the request's Idempotency-Key are signed. The server accepts a given (key, signature)
  once within its 30 s window, so timestamps are strictly increasing per `ApiKeyAuth` object (one per client):
  identical requests never share a signature and nothing ever waits. A clock that steps back by more than a
  second restarts from the clock (rather than run ahead of the server's until it catches up); the signatures of
  the last 30 s are remembered so that even then none is sent twice. Two processes sharing a key could collide
  only by signing the same bytes in the same millisecond.
- `SessionAuth` sends `Authorization: Bearer` and refreshes the access token when less than `refresh_margin`
  seconds remain. Refresh tokens rotate: one is presented at most once (it is dropped before the call), except
  after a `429` (raised as `ApiError`), which the server answers without looking at the token. Any other failed
  refresh raises `SessionExpiredError`; the SDK never signs in again by itself.
- `CookieAuth` sends the `cooud_session` cookie of a wallet sign-in as an explicit `Cookie` header (the cookie is
  `Secure`, so a cookie jar would withhold it over plain http, e.g. from a local server). It cannot be refreshed.
All are thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

import httpx

from .errors import ApiError, SessionExpiredError
from .signing import (
    HEADER_IDEMPOTENCY,
    HEADER_KEY,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    HEADER_VERSION,
    request_target,
    signature_v2,
)

SESSION_COOKIE = "cooud_session"
REPLAY_WINDOW_MS = 30_000  # the spec's skew window; a signature older than this can never be replayed
CLOCK_STEP_MS = 1_000  # a clock this far behind the last timestamp is believed (a step back), not outrun


class Credential(Protocol):
    def apply(self, request: httpx.Request) -> None:
        """Put the credential on this attempt of the request (called again before each retry)."""


class ApiKeyAuth:
    def __init__(self, key_id: str, secret: str, *, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        """`clock` returns unix seconds (a float); `sleep` is kept for compatibility and no longer used."""
        self.key_id, self._secret = key_id, secret
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._last_ms = -1
        self._sent: dict[str, int] = {}  # signature -> its timestamp, for the replay window
        self._pruned_at = 0

    def apply(self, request: httpx.Request) -> None:
        target, body = request_target(request.url), request.read()
        idempotency_key = request.headers.get(HEADER_IDEMPOTENCY, "")
        with self._lock:
            now_ms = int(self._clock() * 1000)
            ts = now_ms if now_ms < self._last_ms - CLOCK_STEP_MS else max(now_ms, self._last_ms + 1)
            if now_ms // 1000 != self._pruned_at:  # once per second: forget what the server can no longer accept
                self._sent = {s: t for s, t in self._sent.items() if abs(now_ms - t) <= REPLAY_WINDOW_MS}
                self._pruned_at = now_ms // 1000
            while (sig := signature_v2(self._secret, str(ts), request.method, target, idempotency_key, body)) \
                    in self._sent:
                ts += 1  # only after a clock step back onto timestamps already used for these very bytes
            self._sent[sig], self._last_ms = ts, ts
        request.headers[HEADER_KEY] = self.key_id
        request.headers[HEADER_TIMESTAMP] = str(ts)
        request.headers[HEADER_VERSION] = "2"
        request.headers[HEADER_SIGNATURE] = sig


class SessionTokens(Protocol):
    """What `POST /auth/login` and `POST /auth/refresh` return (the generated `SessionTokens` model)."""

    access_token: str
    expires_at: datetime
    refresh_token: str


class SessionAuth:
    def __init__(self, tokens: SessionTokens, refresh: Callable[[str], SessionTokens], *,
                 refresh_margin: float = 60.0, clock: Callable[[], float] = time.time) -> None:
        """`refresh(refresh_token)` exchanges the token with `POST /auth/refresh` and returns the new tokens or
        raises `ApiError`; it must not go through this credential."""
        self._refresh_call, self.refresh_margin, self._clock = refresh, refresh_margin, clock
        self._lock = threading.Lock()
        self._store(tokens)

    def _store(self, tokens: SessionTokens) -> None:
        self.access_token = tokens.access_token
        self.expires_at = tokens.expires_at.timestamp()  # unix seconds; lower it to force a refresh
        self.refresh_token: str | None = tokens.refresh_token

    def apply(self, request: httpx.Request) -> None:
        with self._lock:
            remaining = self.expires_at - self._clock()
            if remaining < self.refresh_margin and self.refresh_token is not None:
                self._refresh(self.refresh_token)
            elif remaining <= 0:
                raise SessionExpiredError("the access token has expired and cannot be refreshed; sign in again")
            token = self.access_token
        request.headers["Authorization"] = f"Bearer {token}"

    def _refresh(self, presented: str) -> None:
        self.refresh_token = None  # spent from now on: a refresh token is never presented twice
        try:
            tokens = self._refresh_call(presented)
        except ApiError as exc:
            if exc.status == 429:  # rate-limited before the token was looked at: still valid, try later
                self.refresh_token = presented
                raise
            raise SessionExpiredError("the session could not be refreshed; sign in again", exc) from exc
        except Exception as exc:  # lost answer: the token may have rotated, so it is spent
            raise SessionExpiredError("the session refresh got no answer; sign in again") from exc
        self._store(tokens)


class CookieAuth:
    def __init__(self, session_cookie: str, expires_at: datetime, *, clock: Callable[[], float] = time.time) -> None:
        self.session_cookie, self.expires_at, self._clock = session_cookie, expires_at.timestamp(), clock

    def apply(self, request: httpx.Request) -> None:
        if self._clock() >= self.expires_at:
            raise SessionExpiredError("the wallet session has expired; sign in with the wallet again")
        others = [c.strip() for c in request.headers.get("Cookie", "").split(";")
                  if c.strip() and not c.strip().startswith(SESSION_COOKIE + "=")]
        request.headers["Cookie"] = "; ".join([*others, f"{SESSION_COOKIE}={self.session_cookie}"])
