# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.order import Order
from ...models.order_request import OrderRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: OrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/orders",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | Order | None:
    if response.status_code == 201:
        response_201 = Order.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

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

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | Order]:
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
    idempotency_key: str,
) -> Response[ErrorEnvelope | Order]:
    """Place an order

     Places a limit or market order and matches it at once against the book (price–time priority). The
    `201`
    is sent only after the order, its fills and the balance changes are durably committed.

    - **limit**: `price` and `size` required. `tif` is `GTC` (default: the remainder rests on the book),
    `IOC`
      (the remainder is expired) or `FOK` (filled completely at once or not at all). `post_only: true`
    (GTC
      only) rejects the order with `post_only_would_take` if any of it would match on arrival.
    - **market**: no `price`; either `size` (base asset, buy or sell) or, for a buy, `quote_size` (the
    quote
      amount to spend). `tif` is `IOC` (default) or `FOK`; a market order never rests, and what cannot
    fill
      at once is expired.
    - Funds are reserved when the order is accepted: a buy locks `price × size` of the quote asset (a
    market
      buy locks its estimated cost, or `quote_size`), a sell locks `size` of the base asset. Fees are
    charged
      in the asset received and never need reserving. Reservations not used are released when the order
    ends.
    - Rules of the market (see `GET /markets/{symbol}`) are checked first, each with its own code:
    unknown
      market, halted market, price off the tick, size off the step, size below the minimum or above the
      maximum, notional (`price × size`) below the minimum.
    - **Self-trade prevention (cancel resting):** an order never trades with an order of the same
    account;
      such a resting order is cancelled (`cancel_reason: self_trade_prevention`) and matching continues.
    - **Fees** follow the account's fee tier (`GET /account`): maker rate for the resting side, taker
    rate for
      the incoming side, on the amount received, rounded up to the asset's smallest unit.
    - `client_order_id` is unique per account over all its orders.

    Structural rules a JSON schema cannot express (a limit order without `price`, a market order with
    both or
    neither of `size` and `quote_size`, `quote_size` on a sell, `post_only` with `IOC`/`FOK`, `GTC` on a
    market
    order, `FOK` with `quote_size`) answer `400 invalid_request` naming the field.

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
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
        Response[ErrorEnvelope | Order]
    """

    kwargs = _get_kwargs(
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
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
    idempotency_key: str,
) -> ErrorEnvelope | Order | None:
    """Place an order

     Places a limit or market order and matches it at once against the book (price–time priority). The
    `201`
    is sent only after the order, its fills and the balance changes are durably committed.

    - **limit**: `price` and `size` required. `tif` is `GTC` (default: the remainder rests on the book),
    `IOC`
      (the remainder is expired) or `FOK` (filled completely at once or not at all). `post_only: true`
    (GTC
      only) rejects the order with `post_only_would_take` if any of it would match on arrival.
    - **market**: no `price`; either `size` (base asset, buy or sell) or, for a buy, `quote_size` (the
    quote
      amount to spend). `tif` is `IOC` (default) or `FOK`; a market order never rests, and what cannot
    fill
      at once is expired.
    - Funds are reserved when the order is accepted: a buy locks `price × size` of the quote asset (a
    market
      buy locks its estimated cost, or `quote_size`), a sell locks `size` of the base asset. Fees are
    charged
      in the asset received and never need reserving. Reservations not used are released when the order
    ends.
    - Rules of the market (see `GET /markets/{symbol}`) are checked first, each with its own code:
    unknown
      market, halted market, price off the tick, size off the step, size below the minimum or above the
      maximum, notional (`price × size`) below the minimum.
    - **Self-trade prevention (cancel resting):** an order never trades with an order of the same
    account;
      such a resting order is cancelled (`cancel_reason: self_trade_prevention`) and matching continues.
    - **Fees** follow the account's fee tier (`GET /account`): maker rate for the resting side, taker
    rate for
      the incoming side, on the amount received, rounded up to the asset's smallest unit.
    - `client_order_id` is unique per account over all its orders.

    Structural rules a JSON schema cannot express (a limit order without `price`, a market order with
    both or
    neither of `size` and `quote_size`, `quote_size` on a sell, `post_only` with `IOC`/`FOK`, `GTC` on a
    market
    order, `FOK` with `quote_size`) answer `400 invalid_request` naming the field.

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
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
        ErrorEnvelope | Order
    """

    return sync_detailed(
        client=client,
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ErrorEnvelope | Order]:
    """Place an order

     Places a limit or market order and matches it at once against the book (price–time priority). The
    `201`
    is sent only after the order, its fills and the balance changes are durably committed.

    - **limit**: `price` and `size` required. `tif` is `GTC` (default: the remainder rests on the book),
    `IOC`
      (the remainder is expired) or `FOK` (filled completely at once or not at all). `post_only: true`
    (GTC
      only) rejects the order with `post_only_would_take` if any of it would match on arrival.
    - **market**: no `price`; either `size` (base asset, buy or sell) or, for a buy, `quote_size` (the
    quote
      amount to spend). `tif` is `IOC` (default) or `FOK`; a market order never rests, and what cannot
    fill
      at once is expired.
    - Funds are reserved when the order is accepted: a buy locks `price × size` of the quote asset (a
    market
      buy locks its estimated cost, or `quote_size`), a sell locks `size` of the base asset. Fees are
    charged
      in the asset received and never need reserving. Reservations not used are released when the order
    ends.
    - Rules of the market (see `GET /markets/{symbol}`) are checked first, each with its own code:
    unknown
      market, halted market, price off the tick, size off the step, size below the minimum or above the
      maximum, notional (`price × size`) below the minimum.
    - **Self-trade prevention (cancel resting):** an order never trades with an order of the same
    account;
      such a resting order is cancelled (`cancel_reason: self_trade_prevention`) and matching continues.
    - **Fees** follow the account's fee tier (`GET /account`): maker rate for the resting side, taker
    rate for
      the incoming side, on the amount received, rounded up to the asset's smallest unit.
    - `client_order_id` is unique per account over all its orders.

    Structural rules a JSON schema cannot express (a limit order without `price`, a market order with
    both or
    neither of `size` and `quote_size`, `quote_size` on a sell, `post_only` with `IOC`/`FOK`, `GTC` on a
    market
    order, `FOK` with `quote_size`) answer `400 invalid_request` naming the field.

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
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
        Response[ErrorEnvelope | Order]
    """

    kwargs = _get_kwargs(
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: OrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ErrorEnvelope | Order | None:
    """Place an order

     Places a limit or market order and matches it at once against the book (price–time priority). The
    `201`
    is sent only after the order, its fills and the balance changes are durably committed.

    - **limit**: `price` and `size` required. `tif` is `GTC` (default: the remainder rests on the book),
    `IOC`
      (the remainder is expired) or `FOK` (filled completely at once or not at all). `post_only: true`
    (GTC
      only) rejects the order with `post_only_would_take` if any of it would match on arrival.
    - **market**: no `price`; either `size` (base asset, buy or sell) or, for a buy, `quote_size` (the
    quote
      amount to spend). `tif` is `IOC` (default) or `FOK`; a market order never rests, and what cannot
    fill
      at once is expired.
    - Funds are reserved when the order is accepted: a buy locks `price × size` of the quote asset (a
    market
      buy locks its estimated cost, or `quote_size`), a sell locks `size` of the base asset. Fees are
    charged
      in the asset received and never need reserving. Reservations not used are released when the order
    ends.
    - Rules of the market (see `GET /markets/{symbol}`) are checked first, each with its own code:
    unknown
      market, halted market, price off the tick, size off the step, size below the minimum or above the
      maximum, notional (`price × size`) below the minimum.
    - **Self-trade prevention (cancel resting):** an order never trades with an order of the same
    account;
      such a resting order is cancelled (`cancel_reason: self_trade_prevention`) and matching continues.
    - **Fees** follow the account's fee tier (`GET /account`): maker rate for the resting side, taker
    rate for
      the incoming side, on the amount received, rounded up to the asset's smallest unit.
    - `client_order_id` is unique per account over all its orders.

    Structural rules a JSON schema cannot express (a limit order without `price`, a market order with
    both or
    neither of `size` and `quote_size`, `quote_size` on a sell, `post_only` with `IOC`/`FOK`, `GTC` on a
    market
    order, `FOK` with `quote_size`) answer `400 invalid_request` naming the field.

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
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
        ErrorEnvelope | Order
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_cooud_signature_version=x_cooud_signature_version,
            idempotency_key=idempotency_key,
        )
    ).parsed
