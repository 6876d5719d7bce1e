# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.quotes_replaced import QuotesReplaced
from ...models.quotes_request import QuotesRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    symbol: str,
    *,
    body: QuotesRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/quotes/{symbol}".format(
            symbol=quote(str(symbol), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | QuotesReplaced | None:
    if response.status_code == 200:
        response_200 = QuotesReplaced.from_dict(response.json())

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
) -> Response[ErrorEnvelope | QuotesReplaced]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    symbol: str,
    *,
    client: AuthenticatedClient,
    body: QuotesRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ErrorEnvelope | QuotesReplaced]:
    """Replace your quotes in a market (bulk quotes)

     For market makers: replaces, in one engine step, every open quote that the calling credential (this
    API
    key; or this session when signed in) has in the market with the levels given — both sides, up to 20
    levels
    each. Quotes are ordinary limit `GTC` orders (listed by `GET /orders`, cancelled by `DELETE
    /orders/{order_id}`,
    on the `orders` channel); what makes them quotes is that they were placed here by this credential,
    and
    only those are replaced: your other orders, and quotes placed by your other keys, are left alone.
    Empty
    `bids` and `asks` cancel the credential's quotes.

    **Atomic.** Either the old quotes are cancelled and every new level placed, or nothing changes: the
    funds
    for the new levels are checked against your free balance plus what the old quotes release (a bid
    reserves
    `price × size` of the quote asset, an ask `size` of the base asset), every level against the
    market's rules
    (`invalid_tick_size`, `invalid_step_size`, `size_too_small`, `size_too_large`, `notional_too_small`,
    `price_out_of_range`, naming the field, e.g. `bids[2].price`), and — with `post_only: true` — every
    level
    against the book without your old quotes (`post_only_would_take`). Bids and asks that cross each
    other are
    `400 invalid_request`. Without `post_only`, a level that crosses the book trades at once like any
    order
    (self-trade prevention cancels your resting order, as for `POST /orders`).

    The answer lists the quotes cancelled (`cancel_reason: requested`) and the orders placed, bids then
    asks in
    request order.

    Args:
        symbol (str):
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (QuotesRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | QuotesReplaced]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    symbol: str,
    *,
    client: AuthenticatedClient,
    body: QuotesRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ErrorEnvelope | QuotesReplaced | None:
    """Replace your quotes in a market (bulk quotes)

     For market makers: replaces, in one engine step, every open quote that the calling credential (this
    API
    key; or this session when signed in) has in the market with the levels given — both sides, up to 20
    levels
    each. Quotes are ordinary limit `GTC` orders (listed by `GET /orders`, cancelled by `DELETE
    /orders/{order_id}`,
    on the `orders` channel); what makes them quotes is that they were placed here by this credential,
    and
    only those are replaced: your other orders, and quotes placed by your other keys, are left alone.
    Empty
    `bids` and `asks` cancel the credential's quotes.

    **Atomic.** Either the old quotes are cancelled and every new level placed, or nothing changes: the
    funds
    for the new levels are checked against your free balance plus what the old quotes release (a bid
    reserves
    `price × size` of the quote asset, an ask `size` of the base asset), every level against the
    market's rules
    (`invalid_tick_size`, `invalid_step_size`, `size_too_small`, `size_too_large`, `notional_too_small`,
    `price_out_of_range`, naming the field, e.g. `bids[2].price`), and — with `post_only: true` — every
    level
    against the book without your old quotes (`post_only_would_take`). Bids and asks that cross each
    other are
    `400 invalid_request`. Without `post_only`, a level that crosses the book trades at once like any
    order
    (self-trade prevention cancels your resting order, as for `POST /orders`).

    The answer lists the quotes cancelled (`cancel_reason: requested`) and the orders placed, bids then
    asks in
    request order.

    Args:
        symbol (str):
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (QuotesRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | QuotesReplaced
    """

    return sync_detailed(
        symbol=symbol,
        client=client,
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    symbol: str,
    *,
    client: AuthenticatedClient,
    body: QuotesRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ErrorEnvelope | QuotesReplaced]:
    """Replace your quotes in a market (bulk quotes)

     For market makers: replaces, in one engine step, every open quote that the calling credential (this
    API
    key; or this session when signed in) has in the market with the levels given — both sides, up to 20
    levels
    each. Quotes are ordinary limit `GTC` orders (listed by `GET /orders`, cancelled by `DELETE
    /orders/{order_id}`,
    on the `orders` channel); what makes them quotes is that they were placed here by this credential,
    and
    only those are replaced: your other orders, and quotes placed by your other keys, are left alone.
    Empty
    `bids` and `asks` cancel the credential's quotes.

    **Atomic.** Either the old quotes are cancelled and every new level placed, or nothing changes: the
    funds
    for the new levels are checked against your free balance plus what the old quotes release (a bid
    reserves
    `price × size` of the quote asset, an ask `size` of the base asset), every level against the
    market's rules
    (`invalid_tick_size`, `invalid_step_size`, `size_too_small`, `size_too_large`, `notional_too_small`,
    `price_out_of_range`, naming the field, e.g. `bids[2].price`), and — with `post_only: true` — every
    level
    against the book without your old quotes (`post_only_would_take`). Bids and asks that cross each
    other are
    `400 invalid_request`. Without `post_only`, a level that crosses the book trades at once like any
    order
    (self-trade prevention cancels your resting order, as for `POST /orders`).

    The answer lists the quotes cancelled (`cancel_reason: requested`) and the orders placed, bids then
    asks in
    request order.

    Args:
        symbol (str):
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (QuotesRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | QuotesReplaced]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    symbol: str,
    *,
    client: AuthenticatedClient,
    body: QuotesRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ErrorEnvelope | QuotesReplaced | None:
    """Replace your quotes in a market (bulk quotes)

     For market makers: replaces, in one engine step, every open quote that the calling credential (this
    API
    key; or this session when signed in) has in the market with the levels given — both sides, up to 20
    levels
    each. Quotes are ordinary limit `GTC` orders (listed by `GET /orders`, cancelled by `DELETE
    /orders/{order_id}`,
    on the `orders` channel); what makes them quotes is that they were placed here by this credential,
    and
    only those are replaced: your other orders, and quotes placed by your other keys, are left alone.
    Empty
    `bids` and `asks` cancel the credential's quotes.

    **Atomic.** Either the old quotes are cancelled and every new level placed, or nothing changes: the
    funds
    for the new levels are checked against your free balance plus what the old quotes release (a bid
    reserves
    `price × size` of the quote asset, an ask `size` of the base asset), every level against the
    market's rules
    (`invalid_tick_size`, `invalid_step_size`, `size_too_small`, `size_too_large`, `notional_too_small`,
    `price_out_of_range`, naming the field, e.g. `bids[2].price`), and — with `post_only: true` — every
    level
    against the book without your old quotes (`post_only_would_take`). Bids and asks that cross each
    other are
    `400 invalid_request`. Without `post_only`, a level that crosses the book trades at once like any
    order
    (self-trade prevention cancels your resting order, as for `POST /orders`).

    The answer lists the quotes cancelled (`cancel_reason: requested`) and the orders placed, bids then
    asks in
    request order.

    Args:
        symbol (str):
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (QuotesRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | QuotesReplaced
    """

    return (
        await asyncio_detailed(
            symbol=symbol,
            client=client,
            body=body,
            x_cooud_signature_version=x_cooud_signature_version,
            idempotency_key=idempotency_key,
        )
    ).parsed
