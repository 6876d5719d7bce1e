# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.login_request import LoginRequest
from ...models.session_tokens import SessionTokens
from ...types import Response


def _get_kwargs(
    *,
    body: LoginRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/auth/login",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | SessionTokens | None:
    if response.status_code == 200:
        response_200 = SessionTokens.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | SessionTokens]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: LoginRequest,
) -> Response[ErrorEnvelope | SessionTokens]:
    """Sign in with email and password

     Issues an access JWT (60 minutes) and a refresh token (30 days). Once two-factor authentication is
    enabled,
    `totp_code` is required. The access token is bound to the network it was issued to (IPv4 /24, IPv6
    /48).
    After 5 attempts for one email without success within 15 minutes, sign-in for that email answers
    `429 login_throttled` with `Retry-After` until those 15 minutes (counted from the first attempt) are
    over,
    even with the right password.

    Args:
        body (LoginRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | SessionTokens]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: LoginRequest,
) -> ErrorEnvelope | SessionTokens | None:
    """Sign in with email and password

     Issues an access JWT (60 minutes) and a refresh token (30 days). Once two-factor authentication is
    enabled,
    `totp_code` is required. The access token is bound to the network it was issued to (IPv4 /24, IPv6
    /48).
    After 5 attempts for one email without success within 15 minutes, sign-in for that email answers
    `429 login_throttled` with `Retry-After` until those 15 minutes (counted from the first attempt) are
    over,
    even with the right password.

    Args:
        body (LoginRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | SessionTokens
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: LoginRequest,
) -> Response[ErrorEnvelope | SessionTokens]:
    """Sign in with email and password

     Issues an access JWT (60 minutes) and a refresh token (30 days). Once two-factor authentication is
    enabled,
    `totp_code` is required. The access token is bound to the network it was issued to (IPv4 /24, IPv6
    /48).
    After 5 attempts for one email without success within 15 minutes, sign-in for that email answers
    `429 login_throttled` with `Retry-After` until those 15 minutes (counted from the first attempt) are
    over,
    even with the right password.

    Args:
        body (LoginRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | SessionTokens]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: LoginRequest,
) -> ErrorEnvelope | SessionTokens | None:
    """Sign in with email and password

     Issues an access JWT (60 minutes) and a refresh token (30 days). Once two-factor authentication is
    enabled,
    `totp_code` is required. The access token is bound to the network it was issued to (IPv4 /24, IPv6
    /48).
    After 5 attempts for one email without success within 15 minutes, sign-in for that email answers
    `429 login_throttled` with `Retry-After` until those 15 minutes (counted from the first attempt) are
    over,
    even with the right password.

    Args:
        body (LoginRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | SessionTokens
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
