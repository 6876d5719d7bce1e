"""Identity and access: password and wallet sign-in, sessions with rotating refresh tokens, TOTP, invites,
scoped API keys, and authentication of each request's credential.

Invariants:
- An access token is valid only from the network (IPv4 /24, IPv6 /48) its session was opened from; a refresh
  token only works from that network too, and presenting an already rotated refresh token revokes the whole
  session (reuse detection). Logout revokes the session, so its access tokens die with it.
- API key secrets are derived from the master key (never stored); a signed request is checked for its signing
  version (v2, or v1 before its sunset), skew, signature (constant time), replay, key status, expiry and IP
  allowlist, in that order — the signature comes before anything that would tell a stranger whether a key exists
  or is disabled. The replay guard is injected (`replay_guard`, the port `impl.domain.ports.ReplayGuard`): one
  process's memory by default, or shared by every worker (Redis), so that a copy sent to another worker is refused.
- Listen keys (WebSocket user stream): `lk_` + 256 random bits, stored only as a SHA-256 hash, valid
  `LISTEN_KEY_TTL_MS` (60 minutes) from creation or the last renewal; closing deletes the key. A key grants `read`
  only (a `listen_key` Principal). Unknown, expired, closed and other users' keys are indistinguishable:
  `listen_key_not_found`. An account holds at most `LISTEN_KEY_LIMIT` (10) live keys: creating one more
  silently evicts the oldest (the spec has no error for it, and a client that lost a key can always create one).
- Failed-password throttling: every password sign-in attempt is counted per email (the store's
  `count_login_attempt`, so it holds across processes) before the password is checked; once an email has had
  `LOGIN_MAX_FAILURES` (5) attempts without opening a session in a window of `LOGIN_WINDOW_MS` (15 minutes, opened
  by the first of them), every further attempt until the window ends is refused with `login_throttled` (HTTP 429,
  `retry_after_s` to the window's end) without looking at the password — the right one included, so guessing
  stays at 5 passwords per 15 minutes per account. An attempt that opens a session clears the count; one refused
  for a missing or wrong TOTP code counts (that also bounds guessing the code). Unknown emails are counted and
  throttled exactly like known ones, so the throttle says nothing about whether an account exists. The counter
  is keyed by a SHA-256 of the case-folded email, never stored in the clear. Known limit: anyone who knows an
  email can keep that account's password sign-in locked (at the cost of 5 requests per 15 minutes); API keys,
  live sessions, refresh tokens and wallet sign-in are unaffected.
- Every rejection is an `AuthError` or `DomainError` with a catalogued code.
- Long-lived connections (the WebSocket stream) keep a `Grant`: what authenticated them. `grant_valid` answers
  whether it would still authenticate now (an API key not deleted, disabled, rotated, expired, stripped of the
  permission or moved out of its allowlist; a session neither signed out nor expired; a listen key neither closed,
  evicted nor expired). Every change that can end a grant is announced to `listeners` as a `CredentialsChanged`,
  after the store committed it: the grants known to have ended, and the user whose other grants are worth checking
  again. Listeners run in the caller's thread and must not block; this module knows nothing of who listens.
  Another process's changes are not announced here: a holder of grants also re-checks them periodically.
- Dead rows (expired or revoked sessions, expired refresh tokens, nonces and listen keys) are deleted by
  `purge_expired`, which the service runs periodically.
Time is passed in (`now_ms`); nothing here reads the clock.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import re
import secrets as pysecrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from impl.domain.errors import DomainError, InvalidArgument, NotFound
from impl.domain.identity_model import SCOPES, ApiKey, Principal, Session, User
from impl.domain.market_data import decode_cursor, page_of
from impl.domain.model import Page
from impl.domain.ports import IdentityStore, ReplayGuard
from impl.domain.records import Purged
from impl.ids import new_id
from impl.security import AuthError, passwords, signing, siwe, totp
from impl.security.sealing import seal, unseal
from impl.security.secrets import derive_secret, derive_subkey
from impl.security.tokens import TokenIssuer, hash_token, new_refresh_token

ACCESS_TTL_S = 3600
REFRESH_TTL_MS = 30 * 86_400_000
COOKIE_TTL_MS = 7 * 86_400_000
NONCE_TTL_MS = 5 * 60_000
KEY_LIMIT = 50
LISTEN_KEY_TTL_MS = 60 * 60_000
LISTEN_KEY_LIMIT = 10
DAY_MS = 86_400_000
LOGIN_MAX_FAILURES = 5
LOGIN_WINDOW_MS = 15 * 60_000
_KEY_ID = re.compile(r"^key_[0-9A-HJKMNP-TV-Z]{26}$")
log = logging.getLogger("cooud.identity")


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"

    def __init__(self) -> None:
        super().__init__("No API key with this id on your account.", field="key_id")


class ListenKeyNotFound(NotFound):
    code = "listen_key_not_found"

    def __init__(self) -> None:
        super().__init__("The listen key does not exist, is not yours, has expired or was closed.",
                         field="listen_key")


class Rejected(DomainError):
    """A business rule of identity (codes: totp_already_enabled, totp_not_enrolled, invite_invalid, ...)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.code = code


class LoginThrottled(AuthError):
    """Too many password sign-in attempts for this email in the current window (`login_throttled`)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("login_throttled", f"Too many failed sign-in attempts for this account; retry in "
                                            f"{retry_after_s} s.")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class IssuedSession:
    user_id: str
    access_token: str
    expires_at_ms: int
    refresh_token: str
    refresh_expires_at_ms: int


@dataclass(frozen=True)
class Grant:
    """What authenticated a long-lived connection, kept so that it can be checked again (`Identity.grant_valid`).
    `ref` is the key id, the session id or the listen key's hash; an API key's grant also holds the secret
    generation that signed, the address its allowlist was checked against and the permission it had to hold."""

    kind: Literal["api_key", "session", "listen_key"]
    ref: str
    user_id: str
    generation: int = 0
    client_ip: str | None = None
    permission: str = "read"

    @property
    def id(self) -> str:
        """Names the credential: equal for every connection it authenticates (a rotated key is a new one)."""
        return f"{self.kind}:{self.ref}/{self.generation}" if self.kind == "api_key" else f"{self.kind}:{self.ref}"


@dataclass(frozen=True)
class CredentialsChanged:
    """Announced after the store committed a change to a user's credentials. `ended`: ids (`Grant.id`) of grants
    that no longer authenticate anything; the user's other grants may have ended too (an eviction, an allowlist
    change) and are worth checking again."""

    user_id: str
    ended: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiweConfig:
    domain: str
    uri: str
    chain_id: int


class Identity:
    def __init__(self, store: IdentityStore, master_key: bytes, *, siwe_config: SiweConfig, invite_gating: bool,
                 password_hasher=passwords.DEFAULT_HASHER, login_max_failures: int = LOGIN_MAX_FAILURES,
                 login_window_ms: int = LOGIN_WINDOW_MS, replay_guard: ReplayGuard | None = None) -> None:
        if login_max_failures < 1 or not 0 < login_window_ms <= DAY_MS:  # Retry-After is at most a day (spec)
            raise ValueError("login throttling needs at least 1 attempt per window of at most a day")
        self._store = store
        self._login_max_failures = login_max_failures
        self._login_window_ms = login_window_ms
        self._master = master_key
        self._tokens = TokenIssuer(derive_subkey(master_key, "access-jwt"), ttl_s=ACCESS_TTL_S)
        self._seal_key = derive_subkey(master_key, "totp-seal")
        # one process's memory unless a shared guard is injected (`is None`: an empty memory guard is falsy)
        self._replays = signing.MemoryReplayGuard() if replay_guard is None else replay_guard
        self._siwe = siwe_config
        self._invite_gating = invite_gating
        self._hasher = password_hasher
        self.listeners: list[Callable[[CredentialsChanged], None]] = []

    def _announce(self, user_id: str, *ended: str) -> None:
        """Tell the listeners (after the store committed): a failing listener must not fail the change."""
        event = CredentialsChanged(user_id, ended)
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:
                log.exception("identity: a credentials listener failed")

    # -- accounts (operator CLI) --------------------------------------------------------------------------------
    def create_user(self, email: str, password: str, now_ms: int) -> User:
        if self._store.user_by("email", email) is not None:
            raise Rejected("business_rule_violation", f"An account with email {email!r} already exists.", "email")
        user = User(new_id("usr"), email, passwords.hash_password(password, self._hasher), None, None, None, None,
                    self._new_invite_status(), 0, now_ms)
        self._store.add_user(user)
        return user

    def create_invite(self, now_ms: int) -> str:
        code = "INV-" + "-".join(pysecrets.token_hex(2).upper() for _ in range(3))
        self._store.add_invite(code, now_ms)
        return code

    def _new_invite_status(self) -> str:
        return "required" if self._invite_gating else "not_required"

    def user(self, user_id: str) -> User:
        user = self._store.user_by("id", user_id)
        if user is None:
            raise AuthError("unauthenticated", "The account no longer exists.")
        return user

    # -- password sessions --------------------------------------------------------------------------------------
    def login(self, email: str, password: str, totp_code: str | None, network: str, now_ms: int) -> IssuedSession:
        subject = "email:" + hashlib.sha256(email.strip().casefold().encode()).hexdigest()
        counted = self._store.count_login_attempt(subject, now_ms, self._login_window_ms)
        if counted.attempts > self._login_max_failures:
            raise LoginThrottled(max(1, math.ceil((counted.window_ends_at_ms - now_ms) / 1000)))
        user = self._store.user_by("email", email)
        if user is None or user.password_hash is None:
            passwords.dummy_verify(password, self._hasher)  # same cost whether or not the account exists
            raise AuthError("invalid_credentials", "The email and password do not match an account.")
        if not passwords.verify_password(user.password_hash, password, self._hasher):
            raise AuthError("invalid_credentials", "The email and password do not match an account.")
        if user.two_factor_enabled:
            if totp_code is None:
                raise AuthError("totp_required", "Two-factor authentication is enabled: send totp_code.")
            self._check_totp(user, unseal(self._seal_key, user.totp_sealed, user.id), totp_code, now_ms)
        self._store.clear_login_attempts(subject)
        return self._open_session(user.id, "password", network, now_ms)

    def _open_session(self, user_id: str, kind: str, network: str, now_ms: int) -> IssuedSession:
        session = Session(new_id("ses"), user_id, kind, network, now_ms, now_ms + REFRESH_TTL_MS, None)
        self._store.add_session(session)
        return self._issue(session, now_ms)

    def _issue(self, session: Session, now_ms: int) -> IssuedSession:
        access, exp_s = self._tokens.issue(session.user_id, session.id, session.network, now_ms // 1000)
        refresh = new_refresh_token()
        refresh_exp = min(now_ms + REFRESH_TTL_MS, session.expires_at_ms)
        self._store.add_refresh_token(hash_token(refresh), session.id, now_ms, refresh_exp)
        return IssuedSession(session.user_id, access, exp_s * 1000, refresh, refresh_exp)

    def refresh(self, refresh_token: str, network: str, now_ms: int) -> IssuedSession:
        outcome = self._store.rotate_refresh_token(hash_token(refresh_token), now_ms)
        invalid = AuthError("refresh_token_invalid", "The refresh token is unknown, expired, revoked or was rotated.")
        if outcome is None:
            raise invalid
        session_id, state = outcome
        session = self._store.session(session_id)
        if state == "reused":  # a rotated token came back: someone holds a copy — end the whole family
            self._store.revoke_session(session_id, now_ms)
            if session is not None:
                self._announce(session.user_id, _session_grant(session_id))
            raise invalid
        if session is None or session.revoked_at_ms is not None or session.expires_at_ms <= now_ms:
            raise invalid
        if session.network != network:
            raise AuthError("session_network_changed", "This session was opened from another network; sign in again.")
        return self._issue(session, now_ms)

    def logout(self, principal: Principal, now_ms: int) -> None:
        self._store.revoke_session(principal.session_id, now_ms)
        self._announce(principal.user_id, _session_grant(principal.session_id))

    # -- TOTP ------------------------------------------------------------------------------------------------
    def enroll_totp(self, user_id: str) -> tuple[str, str]:
        user = self.user(user_id)
        if user.two_factor_enabled:
            raise Rejected("totp_already_enabled", "Two-factor authentication is already active.")
        secret = totp.new_secret()
        self._store.update_user(user.id, totp_pending=seal(self._seal_key, secret, user.id))
        return totp.provisioning_uri(secret, user.email or user.wallet_address or user.id), secret

    def confirm_totp(self, user_id: str, code: str, now_ms: int) -> None:
        user = self.user(user_id)
        if user.two_factor_enabled:
            raise Rejected("totp_already_enabled", "Two-factor authentication is already active.")
        if user.totp_pending is None:
            raise Rejected("totp_not_enrolled", "No pending TOTP enrolment; call POST /auth/2fa/enroll first.")
        self._check_totp(user, unseal(self._seal_key, user.totp_pending, user.id), code, now_ms)
        self._store.update_user(user.id, totp_sealed=user.totp_pending, totp_pending=None)

    def _check_totp(self, user: User, secret: str, code: str, now_ms: int) -> None:
        step = totp.verify(secret, code, now_ms // 1000, user.totp_last_step)
        if not self._store.advance_totp_step(user.id, step):  # a concurrent login used this step first
            raise AuthError("totp_invalid", "This code was already used.")

    # -- wallet sign-in ----------------------------------------------------------------------------------------
    def new_nonce(self, now_ms: int) -> tuple[str, int]:
        nonce = pysecrets.token_hex(8)
        expires = now_ms + NONCE_TTL_MS
        self._store.add_nonce(nonce, expires)
        return nonce, expires

    def sign_in_with_ethereum(self, message: str, signature: str, network: str, now_ms: int):
        """Returns (user, cookie_token, expires_at_ms)."""
        msg = siwe.verify(message, signature, domain=self._siwe.domain, uri=self._siwe.uri,
                          chain_id=self._siwe.chain_id, now_s=now_ms // 1000)
        if not self._store.consume_nonce(msg.nonce, now_ms):
            raise AuthError("siwe_nonce_invalid", "The nonce was not issued here, has expired, or was already used.")
        address = siwe.to_checksum_address(msg.address)
        user = self._store.user_by("wallet_address", address)
        if user is None:
            user = User(new_id("usr"), None, None, address, None, None, None, self._new_invite_status(), 0, now_ms)
            self._store.add_user(user)
        cookie = "cs_" + pysecrets.token_urlsafe(32)
        session = Session(new_id("ses"), user.id, "wallet", network, now_ms, now_ms + COOKIE_TTL_MS, None)
        self._store.add_session(session, cookie_hash=hash_token(cookie))
        return user, cookie, session.expires_at_ms

    def redeem_invite(self, user_id: str, code: str, now_ms: int) -> None:
        user = self.user(user_id)
        if user.invite_status != "required":
            return
        if not self._store.redeem_invite(code, user.id, now_ms):
            raise Rejected("invite_invalid", "The invite code is unknown or already used.", "code")

    # -- API keys ----------------------------------------------------------------------------------------------
    def create_api_key(self, user_id: str, label: str, scopes: list[str], ip_allowlist: list[str],
                       expires_in_days: int, now_ms: int) -> tuple[ApiKey, str]:
        if self._store.count_api_keys(user_id) >= KEY_LIMIT:
            raise Rejected("api_key_limit_reached", f"An account may have at most {KEY_LIMIT} API keys.")
        key = ApiKey(new_id("key"), user_id, label, _scopes(scopes), _allowlist(ip_allowlist), "enabled", 1,
                     now_ms, now_ms + expires_in_days * DAY_MS, None)
        _check_withdraw_allowlist(key)
        self._store.add_api_key(key)
        return key, derive_secret(self._master, key.id, key.generation)

    def list_api_keys(self, user_id: str, limit: int, cursor: str | None) -> Page:
        before = decode_cursor(cursor, _KEY_ID) if cursor else None
        return page_of(self._store.api_keys(user_id, limit + 1, before), limit)

    def api_key(self, user_id: str, key_id: str) -> ApiKey:
        key = self._store.api_key(key_id)
        if key is None or key.user_id != user_id:
            raise ApiKeyNotFound()
        return key

    def update_api_key(self, user_id: str, key_id: str, changes: dict) -> ApiKey:
        key = self.api_key(user_id, key_id)
        if "scopes" in changes:
            changes["scopes"] = _scopes(changes["scopes"])
        if "ip_allowlist" in changes:
            changes["ip_allowlist"] = _allowlist(changes["ip_allowlist"])
        key = replace(key, **changes)
        _check_withdraw_allowlist(key)
        self._store.replace_api_key(key)
        usable = key.status == "enabled" and "read" in key.scopes  # what a stream needs (allowlist: re-checked)
        self._announce(user_id, *(() if usable else (_key_grant(key),)))
        return key

    def rotate_api_key(self, user_id: str, key_id: str, now_ms: int) -> tuple[ApiKey, str]:
        old = self.api_key(user_id, key_id)
        validity = old.expires_at_ms - (old.rotated_at_ms or old.created_at_ms)
        key = replace(old, generation=old.generation + 1, rotated_at_ms=now_ms, expires_at_ms=now_ms + validity)
        self._store.replace_api_key(key)
        self._announce(user_id, _key_grant(old))  # the old secret no longer signs
        return key, derive_secret(self._master, key.id, key.generation)

    def delete_api_key(self, user_id: str, key_id: str) -> None:
        key = self._store.api_key(key_id)
        if self._store.delete_api_keys(user_id, key_id) != 1:
            raise ApiKeyNotFound()
        self._announce(user_id, *((_key_grant(key),) if key is not None else ()))

    def delete_all_api_keys(self, user_id: str) -> None:
        keys = self._store.api_keys(user_id, 10 * KEY_LIMIT, None)  # one created meanwhile: the re-check ends it
        self._store.delete_api_keys(user_id)
        self._announce(user_id, *(_key_grant(k) for k in keys))

    # -- listen keys (WebSocket user stream) --------------------------------------------------------------------
    def create_listen_key(self, user_id: str, now_ms: int) -> tuple[str, int]:
        """A new key and its expiry; evicts the user's oldest live key when it would be the 11th."""
        key = "lk_" + pysecrets.token_urlsafe(32)  # 32 bytes -> 43 URL-safe base64 characters, no padding
        expires = now_ms + LISTEN_KEY_TTL_MS
        self._store.add_listen_key(hash_token(key), user_id, now_ms, expires, LISTEN_KEY_LIMIT)
        self._announce(user_id)  # the oldest key may have been evicted: worth checking the user's grants again
        return key, expires

    def renew_listen_key(self, user_id: str, key: str, now_ms: int) -> int:
        expires = now_ms + LISTEN_KEY_TTL_MS
        if not self._store.extend_listen_key(hash_token(key), user_id, now_ms, expires):
            raise ListenKeyNotFound()
        return expires

    def close_listen_key(self, user_id: str, key: str, now_ms: int) -> None:
        if not self._store.delete_listen_key(hash_token(key), user_id, now_ms):
            raise ListenKeyNotFound()
        self._announce(user_id, Grant("listen_key", hash_token(key), user_id).id)

    def authenticate_listen_key(self, key: str, now_ms: int) -> Principal:
        """For the WebSocket gateway: the `read`-only principal of a live key."""
        found = self._store.listen_key(hash_token(key), now_ms)
        if found is None:
            raise AuthError("listen_key_not_found",
                            "The listen key does not exist, has expired or was closed. Create a new one.")
        return Principal(found.user_id, "listen_key", scopes=frozenset({"read"}))

    # -- grants of long-lived connections (see the module docstring) ------------------------------------------
    def grant(self, principal: Principal, *, listen_key: str | None = None, client_ip: str | None = None,
              permission: str = "read") -> Grant:
        """The grant of a connection that `principal` authenticated (`listen_key`: the key it presented;
        `client_ip`: the address an API key's allowlist was checked against; `permission`: what it needs)."""
        if principal.kind == "apikey":
            return Grant("api_key", principal.key_id, principal.user_id, principal.key_generation, client_ip,
                         permission)
        if principal.kind == "listen_key":
            return Grant("listen_key", hash_token(listen_key), principal.user_id)
        return Grant("session", principal.session_id, principal.user_id)

    def grant_valid(self, grant: Grant, now_ms: int) -> bool:
        """Whether `grant` would still authenticate its connection at `now_ms` (reads the store)."""
        if grant.kind == "api_key":
            key = self._store.api_key(grant.ref)
            return (key is not None and key.user_id == grant.user_id and key.generation == grant.generation
                    and key.status == "enabled" and key.expires_at_ms > now_ms
                    and Principal(key.user_id, "apikey", scopes=frozenset(key.scopes)).holds(grant.permission)
                    and (not key.ip_allowlist or _allowed(grant.client_ip, key.ip_allowlist)))
        if grant.kind == "session":
            session = self._store.session(grant.ref)
            return (session is not None and session.user_id == grant.user_id and session.revoked_at_ms is None
                    and session.expires_at_ms > now_ms)
        owner = self._store.listen_key(grant.ref, now_ms)
        return owner is not None and owner.user_id == grant.user_id

    # -- housekeeping ------------------------------------------------------------------------------------------
    def purge_expired(self, now_ms: int) -> Purged:
        """Delete identity rows that can never authenticate again (see `IdentityStore.purge_expired_identity`)."""
        return self._store.purge_expired_identity(now_ms)

    # -- authenticating a request -----------------------------------------------------------------------------
    def authenticate_bearer(self, token: str, network: str, now_ms: int) -> Principal:
        claims = self._tokens.verify(token, now_ms // 1000)
        session = self._store.session(claims.session_id)
        if session is None or session.revoked_at_ms is not None or session.user_id != claims.user_id:
            raise AuthError("unauthenticated", "This session has been signed out.")
        if session.expires_at_ms <= now_ms:  # its access tokens end with it (and expired sessions are purged)
            raise AuthError("unauthenticated", "This session has expired; sign in again.")
        if claims.network != network:
            raise AuthError("session_network_changed",
                            "This token was issued to another network; sign in again from this one.")
        return Principal(claims.user_id, "bearer", session_id=session.id)

    def authenticate_cookie(self, cookie: str, now_ms: int) -> Principal:
        session = self._store.session_by_cookie(hash_token(cookie))
        if session is None or session.revoked_at_ms is not None or session.expires_at_ms <= now_ms:
            raise AuthError("unauthenticated", "The session cookie is invalid or has expired.")
        return Principal(session.user_id, "cookie", session_id=session.id)

    def authenticate_key(self, key_id: str, timestamp: str, signature: str, method: str, target: bytes,
                         body: bytes, client_ip: str | None, now_ms: int, *, version: str | None = None,
                         idempotency_key: bytes = b"") -> Principal:
        """`version` is the REST request's X-Cooud-Signature-Version ("1" when the header is absent): "2" signs
        millisecond timestamps and the Idempotency-Key (see impl/security/signing.py), "1" is refused from its
        sunset on. None is the stream's API-key login (asyncapi.yaml), which keeps the v1 recipe with no sunset."""
        now_s = now_ms // 1000
        if version is not None:
            signing.check_version(version, now_ms)
        key = self._store.api_key(key_id)
        # An unknown key is checked against a throwaway secret so that it fails exactly like a bad signature.
        secret = derive_secret(self._master, key.id if key else "key_unknown", key.generation if key else 0)
        if version == "2":
            signing.verify_v2(secret, timestamp, signature, method, target, idempotency_key, body, now_ms)
        else:
            signing.verify(secret, timestamp, signature, method, target, body, now_s)
        if key is None:
            raise AuthError("invalid_signature", "The signature does not match the request.")
        self._replays.check_and_remember(key.id, signature, now_s)
        if key.status != "enabled":
            raise AuthError("api_key_disabled", "This API key is disabled.")
        if key.expires_at_ms <= now_ms:
            raise AuthError("api_key_expired", "This API key has expired; rotate it or create a new one.")
        if key.ip_allowlist and not _allowed(client_ip, key.ip_allowlist):
            raise AuthError("ip_not_allowed", "This API key may not be used from this address.")
        return Principal(key.user_id, "apikey", scopes=frozenset(key.scopes), key_id=key.id,
                         key_generation=key.generation)

    def check_invite(self, principal: Principal, permission: str) -> None:
        if permission in ("trade", "withdraw") and self.user(principal.user_id).invite_status == "required":
            raise AuthError("invite_required", "Trading needs a redeemed invite: POST /auth/redeem-invite.")


def _key_grant(key: ApiKey) -> str:
    return Grant("api_key", key.id, key.user_id, key.generation).id


def _session_grant(session_id: str) -> str:
    return Grant("session", session_id, "").id


def _scopes(scopes: list[str]) -> tuple[str, ...]:
    return tuple(s for s in SCOPES if s in set(scopes))


def _allowlist(entries: list[str]) -> tuple[str, ...]:
    out = []
    for entry in entries:
        try:
            out.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise InvalidArgument(f"{entry!r} is not an IP address or CIDR range.", field="ip_allowlist") from None
    return tuple(out)


def _check_withdraw_allowlist(key: ApiKey) -> None:
    if "withdraw" in key.scopes and not key.ip_allowlist:
        raise Rejected("api_key_allowlist_required", "The withdraw scope needs a non-empty IP allowlist.",
                       "ip_allowlist")


def _allowed(client_ip: str | None, allowlist: tuple[str, ...]) -> bool:
    try:
        address = ipaddress.ip_address(client_ip or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(net) for net in allowlist)
