# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.strategy_order import StrategyOrder
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_list_id: str,
    *,
    x_cooud_signature_version: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/order-lists/{order_list_id}".format(
            order_list_id=quote(str(order_list_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | StrategyOrder | None:
    if response.status_code == 200:
        response_200 = StrategyOrder.from_dict(response.json())

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
) -> Response[ErrorEnvelope | StrategyOrder]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    order_list_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> Response[ErrorEnvelope | StrategyOrder]:
    """Get a strategy order

     One of your strategy orders, working or ended, with its legs: what each placed (`order_id`,
    `conditional_order_id`) and where it stands.

    Args:
        order_list_id (str): Strategy order (order list) identifier, `olst_` and a ULID. Example:
            olst_01HXY9P2Q4R6S8T0V2W4X6Y8Z0.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | StrategyOrder]
    """

    kwargs = _get_kwargs(
        order_list_id=order_list_id,
        x_cooud_signature_version=x_cooud_signature_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_list_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> ErrorEnvelope | StrategyOrder | None:
    """Get a strategy order

     One of your strategy orders, working or ended, with its legs: what each placed (`order_id`,
    `conditional_order_id`) and where it stands.

    Args:
        order_list_id (str): Strategy order (order list) identifier, `olst_` and a ULID. Example:
            olst_01HXY9P2Q4R6S8T0V2W4X6Y8Z0.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | StrategyOrder
    """

    return sync_detailed(
        order_list_id=order_list_id,
        client=client,
        x_cooud_signature_version=x_cooud_signature_version,
    ).parsed


async def asyncio_detailed(
    order_list_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> Response[ErrorEnvelope | StrategyOrder]:
    """Get a strategy order

     One of your strategy orders, working or ended, with its legs: what each placed (`order_id`,
    `conditional_order_id`) and where it stands.

    Args:
        order_list_id (str): Strategy order (order list) identifier, `olst_` and a ULID. Example:
            olst_01HXY9P2Q4R6S8T0V2W4X6Y8Z0.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | StrategyOrder]
    """

    kwargs = _get_kwargs(
        order_list_id=order_list_id,
        x_cooud_signature_version=x_cooud_signature_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_list_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
) -> ErrorEnvelope | StrategyOrder | None:
    """Get a strategy order

     One of your strategy orders, working or ended, with its legs: what each placed (`order_id`,
    `conditional_order_id`) and where it stands.

    Args:
        order_list_id (str): Strategy order (order list) identifier, `olst_` and a ULID. Example:
            olst_01HXY9P2Q4R6S8T0V2W4X6Y8Z0.
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | StrategyOrder
    """

    return (
        await asyncio_detailed(
            order_list_id=order_list_id,
            client=client,
            x_cooud_signature_version=x_cooud_signature_version,
        )
    ).parsed
