"""Value types of identity and access: accounts, sessions, API keys and the authenticated principal.

Times are integer milliseconds since the Unix epoch. Permissions: `public` < `read` < `trade` < `withdraw` are
the scopes an API key may hold; a session (JWT or cookie) holds every scope, and the `session` permission
(managing sessions and keys) is held by sessions only — never by a key. A listen key (WebSocket user stream)
holds `read` only, whatever scopes its Principal was built with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCOPES = ("read", "trade", "withdraw")
FEE_TIERS = {0: ("0.001", "0.002"), 1: ("0.0008", "0.0016"), 2: ("0.0005", "0.001")}


@dataclass(frozen=True)
class User:
    id: str
    email: str | None
    password_hash: str | None
    wallet_address: str | None
    totp_sealed: str | None
    totp_pending: str | None
    totp_last_step: int | None
    invite_status: str
    fee_tier: int
    created_at_ms: int

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_sealed is not None


@dataclass(frozen=True)
class Session:
    id: str
    user_id: str
    kind: str  # "password" | "wallet"
    network: str
    created_at_ms: int
    expires_at_ms: int
    revoked_at_ms: int | None


@dataclass(frozen=True)
class ApiKey:
    id: str
    user_id: str
    label: str
    scopes: tuple[str, ...]
    ip_allowlist: tuple[str, ...]
    status: str
    generation: int
    created_at_ms: int
    expires_at_ms: int
    rotated_at_ms: int | None


@dataclass(frozen=True)
class Principal:
    """Who is calling, and with what: kind is "bearer", "cookie", "apikey" or "listen_key" (a WebSocket
    connection authenticated with a listen key: `read` only)."""

    user_id: str
    kind: str
    scopes: frozenset[str] = field(default_factory=lambda: frozenset(SCOPES))
    session_id: str | None = None
    key_id: str | None = None
    key_generation: int | None = None  # which of the key's secrets signed (rotation makes a new generation)

    @property
    def is_session(self) -> bool:
        return self.kind in ("bearer", "cookie")

    def holds(self, permission: str) -> bool:
        if permission == "public":
            return True
        if permission == "session":
            return self.is_session
        if self.kind == "listen_key":
            return permission == "read"
        return self.is_session or permission in self.scopes
