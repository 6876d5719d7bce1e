# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    key_id: str,
    *,
    idempotency_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/account/api-keys/{key_id}".format(
            key_id=quote(str(key_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorEnvelope | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())

        return response_422

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorEnvelope]:
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
    idempotency_key: str,
) -> Response[Any | ErrorEnvelope]:
    """Delete an API key

     Deletes one key; signed requests with it fail from then on, and streams authenticated with it are
    closed
    with code 4001 (`credential revoked`, see asyncapi.yaml) within a few seconds.

    Args:
        key_id (str): API key identifier, `key_` and a ULID. Sent as `X-Cooud-Key`. Example:
            key_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        key_id=key_id,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    key_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,
) -> Any | ErrorEnvelope | None:
    """Delete an API key

     Deletes one key; signed requests with it fail from then on, and streams authenticated with it are
    closed
    with code 4001 (`credential revoked`, see asyncapi.yaml) within a few seconds.

    Args:
        key_id (str): API key identifier, `key_` and a ULID. Sent as `X-Cooud-Key`. Example:
            key_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        key_id=key_id,
        client=client,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    key_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,
) -> Response[Any | ErrorEnvelope]:
    """Delete an API key

     Deletes one key; signed requests with it fail from then on, and streams authenticated with it are
    closed
    with code 4001 (`credential revoked`, see asyncapi.yaml) within a few seconds.

    Args:
        key_id (str): API key identifier, `key_` and a ULID. Sent as `X-Cooud-Key`. Example:
            key_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        key_id=key_id,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    key_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,
) -> Any | ErrorEnvelope | None:
    """Delete an API key

     Deletes one key; signed requests with it fail from then on, and streams authenticated with it are
    closed
    with code 4001 (`credential revoked`, see asyncapi.yaml) within a few seconds.

    Args:
        key_id (str): API key identifier, `key_` and a ULID. Sent as `X-Cooud-Key`. Example:
            key_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            key_id=key_id,
            client=client,
            idempotency_key=idempotency_key,
        )
    ).parsed
