"""Records the stores return (`impl.domain.ports`), with named fields.

They are NamedTuples, so callers that unpack them positionally keep working; new code reads fields by name.
Times are integer milliseconds since the Unix epoch.
"""

from __future__ import annotations

from typing import Literal, NamedTuple


class RefreshRotation(NamedTuple):
    """The outcome of presenting a refresh token: "rotated" by this call, or "reused" (it was rotated before)."""

    session_id: str
    outcome: Literal["rotated", "reused"]


class LoginAttempts(NamedTuple):
    """Sign-in attempts of one subject in its current window (this one included), and when the window ends."""

    attempts: int
    window_ends_at_ms: int


class ListenKeyOwner(NamedTuple):
    """Who a live listen key belongs to, and until when."""

    user_id: str
    expires_at_ms: int


class IdempotencyRecord(NamedTuple):
    """A claimed Idempotency-Key of an account. `in_flight` until its answer is stored (`done`); status, headers
    (JSON [[name, value], ...]) and body are the HTTP answer, `result` the domain result of the command that ran
    under the key, stored with its effect (migration 0005); each is None until written."""

    fingerprint: str
    state: Literal["in_flight", "done"]
    status: int | None
    headers: str | None
    body: bytes | None
    result: bytes | None


class Purged(NamedTuple):
    """How many dead identity rows one purge deleted (`IdentityStore.purge_expired_identity`)."""

    sessions: int
    refresh_tokens: int
    nonces: int
    listen_keys: int
