# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_key_with_secret import ApiKeyWithSecret
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    key_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/account/api-keys/{key_id}/rotate".format(
            key_id=quote(str(key_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiKeyWithSecret | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = ApiKeyWithSecret.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

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
) -> Response[ApiKeyWithSecret | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    key_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ApiKeyWithSecret | ErrorEnvelope]:
    """Rotate an API key's secret

     Issues a new secret for the key (the old one stops working at once, and streams authenticated with
    it are
    closed with code 4001 within a few seconds) and restarts its validity period. The new secret is in
    this
    response only.

    Args:
        key_id (str): API key identifier, `key_` and a ULID. Sent as `X-Cooud-Key`. Example:
            key_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKeyWithSecret | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        key_id=key_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    key_id: str,
    *,
    client: AuthenticatedClient,
) -> ApiKeyWithSecret | ErrorEnvelope | None:
    """Rotate an API key's secret

     Issues a new secret for the key (the old one stops working at once, and streams authenticated with
    it are
    closed with code 4001 within a few seconds) and restarts its validity period. The new secret is in
    this
    response only.

    Args:
        key_id (str): API key identifier, `key_` and a ULID. Sent as `X-Cooud-Key`. Example:
            key_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKeyWithSecret | ErrorEnvelope
    """

    return sync_detailed(
        key_id=key_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    key_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[ApiKeyWithSecret | ErrorEnvelope]:
    """Rotate an API key's secret

     Issues a new secret for the key (the old one stops working at once, and streams authenticated with
    it are
    closed with code 4001 within a few seconds) and restarts its validity period. The new secret is in
    this
    response only.

    Args:
        key_id (str): API key identifier, `key_` and a ULID. Sent as `X-Cooud-Key`. Example:
            key_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKeyWithSecret | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        key_id=key_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    key_id: str,
    *,
    client: AuthenticatedClient,
) -> ApiKeyWithSecret | ErrorEnvelope | None:
    """Rotate an API key's secret

     Issues a new secret for the key (the old one stops working at once, and streams authenticated with
    it are
    closed with code 4001 within a few seconds) and restarts its validity period. The new secret is in
    this
    response only.

    Args:
        key_id (str): API key identifier, `key_` and a ULID. Sent as `X-Cooud-Key`. Example:
            key_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKeyWithSecret | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            key_id=key_id,
            client=client,
        )
    ).parsed
