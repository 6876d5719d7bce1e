"""`CooudTransport`: the httpx transport that carries every cross-cutting rule of the Cooud contract.

It wraps an inner transport (`httpx.HTTPTransport` by default) and, for each request:
1. adds an `Idempotency-Key` (UUID v4) to a POST, PATCH or DELETE that has none, once — the same key is sent on
   every retry of that request, so a retried mutation is applied at most once;
2. applies the credential (`cooud_sdk.auth`) before every attempt, so each retry is signed afresh;
3. retries only what the contract says a retry with the same request can cure: `409 idempotency_in_flight`
   (exponential back-off) and `429` (after `Retry-After` seconds, or the back-off when absent). Everything else,
   including every other 4xx and any 5xx or network error, is returned or raised to the caller unchanged.
Bounded: at most `max_attempts` attempts; a `Retry-After` longer than `max_retry_after` is not waited for (the
429 is returned). Synchronous only: the generated client's asyncio functions are not covered.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable

import httpx

from .auth import Credential

MUTATING_METHODS = frozenset({"POST", "PATCH", "DELETE"})
IDEMPOTENCY_HEADER = "Idempotency-Key"


class CooudTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport | None = None, credential: Credential | None = None, *,
                 max_attempts: int = 5, backoff: float = 0.25, max_backoff: float = 4.0,
                 max_retry_after: float = 60.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.inner = inner if inner is not None else httpx.HTTPTransport()
        self.credential = credential
        self.max_attempts, self.backoff, self.max_backoff = max_attempts, backoff, max_backoff
        self.max_retry_after, self._sleep = max_retry_after, sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method in MUTATING_METHODS and IDEMPOTENCY_HEADER not in request.headers:
            request.headers[IDEMPOTENCY_HEADER] = str(uuid.uuid4())
        request.read()  # the body must be replayable for retries, and signed as the exact bytes sent
        attempt = 1
        while True:
            if self.credential is not None:
                self.credential.apply(request)
            response = self.inner.handle_request(request)
            delay = self.retry_delay(response, attempt)
            if delay is None:
                return response
            response.close()
            self._sleep(delay)
            attempt += 1

    def retry_delay(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None when `response` is final."""
        if attempt >= self.max_attempts:
            return None
        backoff = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
        if response.status_code == 429:
            retry_after = _seconds(response.headers.get("Retry-After"))
            if retry_after is None:
                return backoff
            return retry_after if retry_after <= self.max_retry_after else None
        if response.status_code == 409 and _error_code(response) == "idempotency_in_flight":
            return backoff
        return None

    def close(self) -> None:
        self.inner.close()


def _seconds(value: str | None) -> float | None:
    try:
        return max(float(int(value)), 0.0) if value is not None else None
    except ValueError:
        return None  # an HTTP-date or garbage: the spec promises integer seconds; fall back to back-off


def _error_code(response: httpx.Response) -> str | None:
    try:
        return str(json.loads(response.read())["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None
