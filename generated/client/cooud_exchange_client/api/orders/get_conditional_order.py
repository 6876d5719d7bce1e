# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conditional_order import ConditionalOrder
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    conditional_order_id: str,
    *,
    x_cooud_signature_version: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/conditional-orders/{conditional_order_id}".format(
            conditional_order_id=quote(str(conditional_order_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConditionalOrder | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = ConditionalOrder.from_dict(response.json())

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
) -> Response[ConditionalOrder | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    conditional_order_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> Response[ConditionalOrder | ErrorEnvelope]:
    """Get a conditional order

     One of your conditional orders, current or ended. Once it has fired, `order_id` is the order it
    placed
    (`GET /orders/{order_id}`).

    Args:
        conditional_order_id (str): Conditional order identifier, `cond_` and a ULID. Example:
            cond_01HXY9H3K7N2P4Q6R8S0T1V3W5.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConditionalOrder | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        conditional_order_id=conditional_order_id,
        x_cooud_signature_version=x_cooud_signature_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    conditional_order_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> ConditionalOrder | ErrorEnvelope | None:
    """Get a conditional order

     One of your conditional orders, current or ended. Once it has fired, `order_id` is the order it
    placed
    (`GET /orders/{order_id}`).

    Args:
        conditional_order_id (str): Conditional order identifier, `cond_` and a ULID. Example:
            cond_01HXY9H3K7N2P4Q6R8S0T1V3W5.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConditionalOrder | ErrorEnvelope
    """

    return sync_detailed(
        conditional_order_id=conditional_order_id,
        client=client,
        x_cooud_signature_version=x_cooud_signature_version,
    ).parsed


async def asyncio_detailed(
    conditional_order_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> Response[ConditionalOrder | ErrorEnvelope]:
    """Get a conditional order

     One of your conditional orders, current or ended. Once it has fired, `order_id` is the order it
    placed
    (`GET /orders/{order_id}`).

    Args:
        conditional_order_id (str): Conditional order identifier, `cond_` and a ULID. Example:
            cond_01HXY9H3K7N2P4Q6R8S0T1V3W5.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConditionalOrder | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        conditional_order_id=conditional_order_id,
        x_cooud_signature_version=x_cooud_signature_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    conditional_order_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> ConditionalOrder | ErrorEnvelope | None:
    """Get a conditional order

     One of your conditional orders, current or ended. Once it has fired, `order_id` is the order it
    placed
    (`GET /orders/{order_id}`).

    Args:
        conditional_order_id (str): Conditional order identifier, `cond_` and a ULID. Example:
            cond_01HXY9H3K7N2P4Q6R8S0T1V3W5.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConditionalOrder | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            conditional_order_id=conditional_order_id,
            client=client,
            x_cooud_signature_version=x_cooud_signature_version,
        )
    ).parsed
