# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.order import Order
from ...models.order_amend_request import OrderAmendRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: str,
    *,
    body: OrderAmendRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/orders/{order_id}".format(
            order_id=quote(str(order_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | Order | None:
    if response.status_code == 200:
        response_200 = Order.from_dict(response.json())

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
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: OrderAmendRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ErrorEnvelope | Order]:
    """Amend an open order

     Changes the price and/or the size of an open order; the order keeps its id. `size` is the new total
    size
    (it must stay above what has already filled).

    **Priority:** reducing the size only keeps the order's place in the queue. Any other change (a new
    price,
    or a larger size) re-queues it as if it had just arrived: it loses time priority, and if its new
    price
    crosses the book it matches as a taker (a `post_only` order is instead refused with
    `post_only_would_take`
    and stays unchanged). The reservation follows the new price and size; if more funds are needed and
    your
    free balance lacks them, the amend is refused with `insufficient_balance` and the order stays
    unchanged.

    An order that is a leg of a working strategy order (its `order_list_id`, see `POST /order-lists`)
    cannot
    be amended: `422 order_in_order_list`, the order unchanged. Cancel the strategy order and place a
    new one.

    Args:
        order_id (str): Order identifier, `ord_` and a ULID. Example:
            ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (OrderAmendRequest): The new price and/or the new total size of an open order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Order]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: OrderAmendRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ErrorEnvelope | Order | None:
    """Amend an open order

     Changes the price and/or the size of an open order; the order keeps its id. `size` is the new total
    size
    (it must stay above what has already filled).

    **Priority:** reducing the size only keeps the order's place in the queue. Any other change (a new
    price,
    or a larger size) re-queues it as if it had just arrived: it loses time priority, and if its new
    price
    crosses the book it matches as a taker (a `post_only` order is instead refused with
    `post_only_would_take`
    and stays unchanged). The reservation follows the new price and size; if more funds are needed and
    your
    free balance lacks them, the amend is refused with `insufficient_balance` and the order stays
    unchanged.

    An order that is a leg of a working strategy order (its `order_list_id`, see `POST /order-lists`)
    cannot
    be amended: `422 order_in_order_list`, the order unchanged. Cancel the strategy order and place a
    new one.

    Args:
        order_id (str): Order identifier, `ord_` and a ULID. Example:
            ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (OrderAmendRequest): The new price and/or the new total size of an open order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Order
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: OrderAmendRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ErrorEnvelope | Order]:
    """Amend an open order

     Changes the price and/or the size of an open order; the order keeps its id. `size` is the new total
    size
    (it must stay above what has already filled).

    **Priority:** reducing the size only keeps the order's place in the queue. Any other change (a new
    price,
    or a larger size) re-queues it as if it had just arrived: it loses time priority, and if its new
    price
    crosses the book it matches as a taker (a `post_only` order is instead refused with
    `post_only_would_take`
    and stays unchanged). The reservation follows the new price and size; if more funds are needed and
    your
    free balance lacks them, the amend is refused with `insufficient_balance` and the order stays
    unchanged.

    An order that is a leg of a working strategy order (its `order_list_id`, see `POST /order-lists`)
    cannot
    be amended: `422 order_in_order_list`, the order unchanged. Cancel the strategy order and place a
    new one.

    Args:
        order_id (str): Order identifier, `ord_` and a ULID. Example:
            ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (OrderAmendRequest): The new price and/or the new total size of an open order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Order]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        body=body,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    *,
    client: AuthenticatedClient,
    body: OrderAmendRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ErrorEnvelope | Order | None:
    """Amend an open order

     Changes the price and/or the size of an open order; the order keeps its id. `size` is the new total
    size
    (it must stay above what has already filled).

    **Priority:** reducing the size only keeps the order's place in the queue. Any other change (a new
    price,
    or a larger size) re-queues it as if it had just arrived: it loses time priority, and if its new
    price
    crosses the book it matches as a taker (a `post_only` order is instead refused with
    `post_only_would_take`
    and stays unchanged). The reservation follows the new price and size; if more funds are needed and
    your
    free balance lacks them, the amend is refused with `insufficient_balance` and the order stays
    unchanged.

    An order that is a leg of a working strategy order (its `order_list_id`, see `POST /order-lists`)
    cannot
    be amended: `422 order_in_order_list`, the order unchanged. Cancel the strategy order and place a
    new one.

    Args:
        order_id (str): Order identifier, `ord_` and a ULID. Example:
            ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (OrderAmendRequest): The new price and/or the new total size of an open order.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Order
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            body=body,
            x_cooud_signature_version=x_cooud_signature_version,
            idempotency_key=idempotency_key,
        )
    ).parsed
