# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.siwe_verify_request import SiweVerifyRequest
from ...models.wallet_session import WalletSession
from ...types import Response


def _get_kwargs(
    *,
    body: SiweVerifyRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/auth/siwe/verify",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | WalletSession | None:
    if response.status_code == 200:
        response_200 = WalletSession.from_dict(response.json())

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
) -> Response[ErrorEnvelope | WalletSession]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SiweVerifyRequest,
) -> Response[ErrorEnvelope | WalletSession]:
    """Sign in with an Ethereum wallet

     Takes the exact EIP-4361 message the wallet signed and its signature. The server checks the domain,
    URI,
    chain id, nonce (single use), issued-at and expiration window, and recovers the signer from the
    secp256k1
    signature. On success it sets the `cooud_session` cookie (httpOnly, Secure, SameSite=Strict, 7 days)
    and
    returns the account, creating it on first sign-in.

    Args:
        body (SiweVerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WalletSession]
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
    body: SiweVerifyRequest,
) -> ErrorEnvelope | WalletSession | None:
    """Sign in with an Ethereum wallet

     Takes the exact EIP-4361 message the wallet signed and its signature. The server checks the domain,
    URI,
    chain id, nonce (single use), issued-at and expiration window, and recovers the signer from the
    secp256k1
    signature. On success it sets the `cooud_session` cookie (httpOnly, Secure, SameSite=Strict, 7 days)
    and
    returns the account, creating it on first sign-in.

    Args:
        body (SiweVerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WalletSession
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SiweVerifyRequest,
) -> Response[ErrorEnvelope | WalletSession]:
    """Sign in with an Ethereum wallet

     Takes the exact EIP-4361 message the wallet signed and its signature. The server checks the domain,
    URI,
    chain id, nonce (single use), issued-at and expiration window, and recovers the signer from the
    secp256k1
    signature. On success it sets the `cooud_session` cookie (httpOnly, Secure, SameSite=Strict, 7 days)
    and
    returns the account, creating it on first sign-in.

    Args:
        body (SiweVerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | WalletSession]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SiweVerifyRequest,
) -> ErrorEnvelope | WalletSession | None:
    """Sign in with an Ethereum wallet

     Takes the exact EIP-4361 message the wallet signed and its signature. The server checks the domain,
    URI,
    chain id, nonce (single use), issued-at and expiration window, and recovers the signer from the
    secp256k1
    signature. On success it sets the `cooud_session` cookie (httpOnly, Secure, SameSite=Strict, 7 days)
    and
    returns the account, creating it on first sign-in.

    Args:
        body (SiweVerifyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | WalletSession
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
