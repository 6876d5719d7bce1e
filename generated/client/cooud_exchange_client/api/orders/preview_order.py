# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.order_preview import OrderPreview
from ...models.order_request import OrderRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: OrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/orders/preview",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | OrderPreview | None:
    if response.status_code == 200:
        response_200 = OrderPreview.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | OrderPreview]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: OrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
) -> Response[ErrorEnvelope | OrderPreview]:
    """Preview an order

     Estimates what placing this order would do now — the fills it would get against the current book,
    fees,
    what would rest, the funds it would reserve and whether your free balance covers them — without any
    side effect: nothing is placed, reserved or recorded. The market's rules are checked exactly as when
    placing (same codes); an uncovered reservation is reported in the body (`covered: false`), not as
    an error. An estimate only: the book may move before you place.

    Args:
        x_cooud_signature_version (str | Unset):
        body (OrderRequest): A new order. Limit orders need `price` and `size`; market orders take
            no `price` and exactly one of
            `size` and `quote_size` (`quote_size` for buys only). `tif` defaults to `GTC` for limit
            orders and to
            `IOC` for market orders (which cannot be `GTC`; `FOK` needs `size`); `post_only` needs a
            `GTC` limit order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | OrderPreview]
    """

    kwargs = _get_kwargs(
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: OrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
) -> ErrorEnvelope | OrderPreview | None:
    """Preview an order

     Estimates what placing this order would do now — the fills it would get against the current book,
    fees,
    what would rest, the funds it would reserve and whether your free balance covers them — without any
    side effect: nothing is placed, reserved or recorded. The market's rules are checked exactly as when
    placing (same codes); an uncovered reservation is reported in the body (`covered: false`), not as
    an error. An estimate only: the book may move before you place.

    Args:
        x_cooud_signature_version (str | Unset):
        body (OrderRequest): A new order. Limit orders need `price` and `size`; market orders take
            no `price` and exactly one of
            `size` and `quote_size` (`quote_size` for buys only). `tif` defaults to `GTC` for limit
            orders and to
            `IOC` for market orders (which cannot be `GTC`; `FOK` needs `size`); `post_only` needs a
            `GTC` limit order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | OrderPreview
    """

    return sync_detailed(
        client=client,
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
) -> Response[ErrorEnvelope | OrderPreview]:
    """Preview an order

     Estimates what placing this order would do now — the fills it would get against the current book,
    fees,
    what would rest, the funds it would reserve and whether your free balance covers them — without any
    side effect: nothing is placed, reserved or recorded. The market's rules are checked exactly as when
    placing (same codes); an uncovered reservation is reported in the body (`covered: false`), not as
    an error. An estimate only: the book may move before you place.

    Args:
        x_cooud_signature_version (str | Unset):
        body (OrderRequest): A new order. Limit orders need `price` and `size`; market orders take
            no `price` and exactly one of
            `size` and `quote_size` (`quote_size` for buys only). `tif` defaults to `GTC` for limit
            orders and to
            `IOC` for market orders (which cannot be `GTC`; `FOK` needs `size`); `post_only` needs a
            `GTC` limit order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | OrderPreview]
    """

    kwargs = _get_kwargs(
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: OrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
) -> ErrorEnvelope | OrderPreview | None:
    """Preview an order

     Estimates what placing this order would do now — the fills it would get against the current book,
    fees,
    what would rest, the funds it would reserve and whether your free balance covers them — without any
    side effect: nothing is placed, reserved or recorded. The market's rules are checked exactly as when
    placing (same codes); an uncovered reservation is reported in the body (`covered: false`), not as
    an error. An estimate only: the book may move before you place.

    Args:
        x_cooud_signature_version (str | Unset):
        body (OrderRequest): A new order. Limit orders need `price` and `size`; market orders take
            no `price` and exactly one of
            `size` and `quote_size` (`quote_size` for buys only). `tif` defaults to `GTC` for limit
            orders and to
            `IOC` for market orders (which cannot be `GTC`; `FOK` needs `size`); `post_only` needs a
            `GTC` limit order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | OrderPreview
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_cooud_signature_version=x_cooud_signature_version,
        )
    ).parsed
