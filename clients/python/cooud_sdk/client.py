"""`CooudClient`: the generated client with the contract's cross-cutting behaviour installed.

Build it one of three ways — `with_api_key`, `login` (email + password) or `login_with_wallet` (SIWE) — then call
the generated operation functions with `sdk.client`, e.g. `get_account.sync(client=sdk.client)`. The SDK adds no
per-operation wrappers: everything it does lives in the `CooudTransport` installed with `set_httpx_client`
(signing or session credentials, Idempotency-Key, bounded retries; see `cooud_sdk.transport`).

Invariants: `base_url` includes the version path (`http://127.0.0.1:8080/v1`); the SDK's own calls (sign-in,
nonce, refresh) go through an anonymous twin of the transport over the same connection pool, never through the
credential; a password session is refreshed before it expires, and the SDK never signs in again by itself.
Known limit: synchronous only — the generated `asyncio*` functions raise `CooudError` instead of going out
without the transport's credentials.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.cookies import CookieError, SimpleCookie
from typing import Any, TypeVar

import httpx
from cooud_exchange_client import AuthenticatedClient, Client
from cooud_exchange_client.api.auth import create_siwe_nonce, login, refresh_session, verify_siwe
from cooud_exchange_client.models import (
    Account,
    LoginRequest,
    RefreshRequest,
    SessionTokens,
    SiweNonce,
    SiweVerifyRequest,
    WalletSession,
)
from cooud_exchange_client.types import UNSET, Response

from .auth import SESSION_COOKIE, ApiKeyAuth, CookieAuth, Credential, SessionAuth
from .errors import ApiError, CooudError
from .siwe import siwe_message
from .transport import CooudTransport

T = TypeVar("T")


class CooudClient:
    """Holds `client` (the generated `AuthenticatedClient`) and the `credential` its transport applies.

    Built directly (`CooudClient(base_url)`), it has no credential: public operations only.

    Options for every constructor: `transport` (inner httpx transport, default `httpx.HTTPTransport()`),
    `timeout` (seconds), `clock` and `sleep` (for tests), and `CooudTransport` retry settings
    (`max_attempts`, `backoff`, `max_backoff`, `max_retry_after`).
    """

    def __init__(self, base_url: str, *, transport: httpx.BaseTransport | None = None, timeout: float = 10.0,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
                 **retry: Any) -> None:
        self.base_url = base_url.rstrip("/")
        self._clock, self._sleep = clock, sleep
        inner = transport if transport is not None else httpx.HTTPTransport()
        self._transport = CooudTransport(inner, None, sleep=sleep, **retry)
        self._http = httpx.Client(base_url=self.base_url, transport=self._transport, timeout=timeout)
        # `token` is unused: credentials are applied by the transport, not by the generated client's headers.
        self.client = AuthenticatedClient(base_url=self.base_url, token="").set_httpx_client(self._http)
        self.client.set_async_httpx_client(httpx.AsyncClient(transport=_SyncOnly()))  # fail loudly, not unsigned
        anonymous = CooudTransport(inner, None, sleep=sleep, **retry)
        self._anonymous_http = httpx.Client(base_url=self.base_url, transport=anonymous, timeout=timeout)
        self._anonymous = Client(base_url=self.base_url).set_httpx_client(self._anonymous_http)
        self.account: Account | None = None  # the account a wallet sign-in returned

    @property
    def credential(self) -> Credential | None:
        return self._transport.credential

    # -- the three ways in -------------------------------------------------------------------------------------

    @classmethod
    def with_api_key(cls, base_url: str, key_id: str, secret: str, **options: Any) -> CooudClient:
        """Every request signed with the key (signature version 2: X-Cooud-Key / -Timestamp / -Signature /
        -Signature-Version). No network call here."""
        return cls._build(base_url, options, lambda sdk: ApiKeyAuth(key_id, secret, clock=sdk._clock,
                                                                      sleep=sdk._sleep))

    @classmethod
    def login(cls, base_url: str, email: str, password: str, totp_code: str | None = None,
              **options: Any) -> CooudClient:
        """`POST /auth/login`; then every request carries the bearer token, refreshed before it expires."""

        def sign_in(sdk: CooudClient) -> Credential:
            body = LoginRequest(email=email, password=password, totp_code=UNSET if totp_code is None else totp_code)
            tokens = _expect(login.sync_detailed(client=sdk._anonymous, body=body), 200, SessionTokens)
            return SessionAuth(tokens, sdk._refresh, clock=sdk._clock)

        return cls._build(base_url, options, sign_in)

    @classmethod
    def login_with_wallet(cls, base_url: str, sign_message: Callable[[str], str], address: str, chain_id: int = 1,
                          domain: str | None = None, uri: str | None = None, **options: Any) -> CooudClient:
        """Sign-In with Ethereum: `POST /auth/siwe/nonce`, an EIP-4361 message signed by `sign_message` (an
        EIP-191 personal_sign returning 0x-hex), `POST /auth/siwe/verify`; then every request carries the
        `cooud_session` cookie. `address` is the EIP-55 address of the signer; `domain` and `uri` default to the
        server's (`host:port` and `scheme://host:port` of `base_url`)."""

        def sign_in(sdk: CooudClient) -> Credential:
            url = httpx.URL(sdk.base_url)
            authority = url.netloc.decode("ascii")
            nonce = _expect(create_siwe_nonce.sync_detailed(client=sdk._anonymous), 201, SiweNonce)
            message = siwe_message(domain=domain or authority, address=address,
                                   uri=uri or f"{url.scheme}://{authority}", chain_id=chain_id, nonce=nonce.nonce,
                                   issued_at=datetime.fromtimestamp(sdk._clock(), UTC))
            signed = sign_message(message)
            body = SiweVerifyRequest(message=message, signature=signed if signed.startswith("0x") else "0x" + signed)
            response = verify_siwe.sync_detailed(client=sdk._anonymous, body=body)
            session = _expect(response, 200, WalletSession)
            sdk._anonymous_http.cookies.clear()  # the session lives in the credential only, never in a cookie jar
            sdk.account = session.account
            return CookieAuth(_session_cookie(response), session.expires_at, clock=sdk._clock)

        return cls._build(base_url, options, sign_in)

    @classmethod
    def _build(cls, base_url: str, options: dict[str, Any],
               sign_in: Callable[[CooudClient], Credential]) -> CooudClient:
        sdk = cls(base_url, **options)
        try:
            sdk._transport.credential = sign_in(sdk)
        except BaseException:
            sdk.close()
            raise
        return sdk

    # -- plumbing ----------------------------------------------------------------------------------------------

    def _refresh(self, refresh_token: str) -> SessionTokens:
        response = refresh_session.sync_detailed(client=self._anonymous,
                                                 body=RefreshRequest(refresh_token=refresh_token))
        return _expect(response, 200, SessionTokens)

    def close(self) -> None:
        self._http.close()
        self._anonymous_http.close()

    def __enter__(self) -> CooudClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _SyncOnly(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise CooudError("cooud_sdk is synchronous: call the generated sync/sync_detailed functions")


def _expect(response: Response[Any], status: int, model: type[T]) -> T:
    if response.status_code != status or not isinstance(response.parsed, model):
        raise ApiError.from_response(int(response.status_code), response.content)
    return response.parsed


def _session_cookie(response: Response[Any]) -> str:
    for header in httpx.Headers(response.headers).get_list("set-cookie"):
        try:
            jar = SimpleCookie(header)
        except CookieError:
            continue
        if SESSION_COOKIE in jar and jar[SESSION_COOKIE].value:
            return jar[SESSION_COOKIE].value
    raise ApiError(int(response.status_code), "unexpected_response", "sign-in succeeded but set no session cookie")
