"""Exceptions raised by the SDK itself.

Operations called through the generated functions never raise for an HTTP error: they return the parsed
`ErrorEnvelope` (or use `sync_detailed` for the status). The SDK raises only where it acts on its own: signing in
(`ApiError`) and keeping a password session alive (`SessionExpiredError`).
"""

from __future__ import annotations

import json
from typing import Any


class CooudError(Exception):
    """Base class of every exception raised by cooud_sdk."""


class ApiError(CooudError):
    """The server answered a request the SDK made on its own (sign-in, nonce, refresh) with an error envelope."""

    def __init__(self, status: int, code: str, message: str, request_id: str | None = None) -> None:
        super().__init__(f"{status} {code}: {message}" + (f" ({request_id})" if request_id else ""))
        self.status, self.code, self.message, self.request_id = status, code, message, request_id

    @classmethod
    def from_response(cls, status: int, content: bytes) -> ApiError:
        try:
            error: dict[str, Any] = json.loads(content)["error"]
            return cls(status, str(error["code"]), str(error.get("message", "")), error.get("request_id"))
        except (ValueError, KeyError, TypeError):
            return cls(status, "unexpected_response", content[:200].decode("utf-8", "replace"))


class SessionExpiredError(CooudError):
    """The session can no longer be used and the SDK will not sign in again by itself: sign in again.

    Raised instead of sending a request when the access token is about to expire and cannot be refreshed
    (no refresh token left, or the refresh was refused), or when a wallet session cookie has expired.
    """

    def __init__(self, message: str, cause: ApiError | None = None) -> None:
        super().__init__(message if cause is None else f"{message}: {cause}")
        self.cause = cause
