# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.listen_key import ListenKey
from ...types import UNSET, Response, Unset


def _get_kwargs(
    listen_key: str,
    *,
    x_cooud_signature_version: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/stream/listen-keys/{listen_key}".format(
            listen_key=quote(str(listen_key), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | ListenKey | None:
    if response.status_code == 200:
        response_200 = ListenKey.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | ListenKey]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    listen_key: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> Response[ErrorEnvelope | ListenKey]:
    """Renew a listen key

     Extends the key's validity to 60 minutes from now. Renew every 30 minutes or so while the stream is
    in use.
    Only the account that created the key can renew it; anyone else's key, an expired or a closed key is
    `404 listen_key_not_found`.

    Args:
        listen_key (str): A listen key, `lk_` and 43 URL-safe base64 characters (256 random bits).
            A credential — keep it private. Example: lk_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ListenKey]
    """

    kwargs = _get_kwargs(
        listen_key=listen_key,
        x_cooud_signature_version=x_cooud_signature_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    listen_key: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> ErrorEnvelope | ListenKey | None:
    """Renew a listen key

     Extends the key's validity to 60 minutes from now. Renew every 30 minutes or so while the stream is
    in use.
    Only the account that created the key can renew it; anyone else's key, an expired or a closed key is
    `404 listen_key_not_found`.

    Args:
        listen_key (str): A listen key, `lk_` and 43 URL-safe base64 characters (256 random bits).
            A credential — keep it private. Example: lk_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ListenKey
    """

    return sync_detailed(
        listen_key=listen_key,
        client=client,
        x_cooud_signature_version=x_cooud_signature_version,
    ).parsed


async def asyncio_detailed(
    listen_key: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> Response[ErrorEnvelope | ListenKey]:
    """Renew a listen key

     Extends the key's validity to 60 minutes from now. Renew every 30 minutes or so while the stream is
    in use.
    Only the account that created the key can renew it; anyone else's key, an expired or a closed key is
    `404 listen_key_not_found`.

    Args:
        listen_key (str): A listen key, `lk_` and 43 URL-safe base64 characters (256 random bits).
            A credential — keep it private. Example: lk_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | ListenKey]
    """

    kwargs = _get_kwargs(
        listen_key=listen_key,
        x_cooud_signature_version=x_cooud_signature_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    listen_key: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> ErrorEnvelope | ListenKey | None:
    """Renew a listen key

     Extends the key's validity to 60 minutes from now. Renew every 30 minutes or so while the stream is
    in use.
    Only the account that created the key can renew it; anyone else's key, an expired or a closed key is
    `404 listen_key_not_found`.

    Args:
        listen_key (str): A listen key, `lk_` and 43 URL-safe base64 characters (256 random bits).
            A credential — keep it private. Example: lk_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | ListenKey
    """

    return (
        await asyncio_detailed(
            listen_key=listen_key,
            client=client,
            x_cooud_signature_version=x_cooud_signature_version,
        )
    ).parsed
