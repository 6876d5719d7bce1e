# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cancel_all_orders_kind import CancelAllOrdersKind
from ...models.cancelled_orders import CancelledOrders
from ...models.error_envelope import ErrorEnvelope
from ...models.side import Side
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    symbol: str | Unset = UNSET,
    side: Side | Unset = UNSET,
    kind: CancelAllOrdersKind | Unset = CancelAllOrdersKind.NORMAL,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    params["symbol"] = symbol

    json_side: str | Unset = UNSET
    if not isinstance(side, Unset):
        json_side = side.value

    params["side"] = json_side

    json_kind: str | Unset = UNSET
    if not isinstance(kind, Unset):
        json_kind = kind.value

    params["kind"] = json_kind

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/orders",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CancelledOrders | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = CancelledOrders.from_dict(response.json())

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
) -> Response[CancelledOrders | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    symbol: str | Unset = UNSET,
    side: Side | Unset = UNSET,
    kind: CancelAllOrdersKind | Unset = CancelAllOrdersKind.NORMAL,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[CancelledOrders | ErrorEnvelope]:
    """Cancel all orders, of one market or of all

     Cancels, in one engine step, every open order you have in one market — or in every market when
    `symbol` is
    left out — optionally on one side only, and returns them as cancelled. Their reservations are
    released.

    `kind` chooses what is cancelled: `normal` (the default: open orders, including those that
    conditional
    orders placed), `conditional` (conditional orders still waiting for their trigger, status `new`; a
    fired
    one is followed through the order it placed, which `normal` cancels) or `all` (both). Cancelled
    orders are
    in `data`, cancelled conditional orders in `conditional_orders` (each `cancelled`, reason
    `requested`);
    empty lists mean there was nothing to cancel. A cancelled leg of a strategy order ends that strategy
    order,
    as `DELETE /orders/{order_id}` and `DELETE /conditional-orders/{conditional_order_id}` say.

    Args:
        symbol (str | Unset):
        side (Side | Unset):
        kind (CancelAllOrdersKind | Unset):  Default: CancelAllOrdersKind.NORMAL.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CancelledOrders | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        side=side,
        kind=kind,
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
    symbol: str | Unset = UNSET,
    side: Side | Unset = UNSET,
    kind: CancelAllOrdersKind | Unset = CancelAllOrdersKind.NORMAL,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> CancelledOrders | ErrorEnvelope | None:
    """Cancel all orders, of one market or of all

     Cancels, in one engine step, every open order you have in one market — or in every market when
    `symbol` is
    left out — optionally on one side only, and returns them as cancelled. Their reservations are
    released.

    `kind` chooses what is cancelled: `normal` (the default: open orders, including those that
    conditional
    orders placed), `conditional` (conditional orders still waiting for their trigger, status `new`; a
    fired
    one is followed through the order it placed, which `normal` cancels) or `all` (both). Cancelled
    orders are
    in `data`, cancelled conditional orders in `conditional_orders` (each `cancelled`, reason
    `requested`);
    empty lists mean there was nothing to cancel. A cancelled leg of a strategy order ends that strategy
    order,
    as `DELETE /orders/{order_id}` and `DELETE /conditional-orders/{conditional_order_id}` say.

    Args:
        symbol (str | Unset):
        side (Side | Unset):
        kind (CancelAllOrdersKind | Unset):  Default: CancelAllOrdersKind.NORMAL.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CancelledOrders | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        symbol=symbol,
        side=side,
        kind=kind,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    symbol: str | Unset = UNSET,
    side: Side | Unset = UNSET,
    kind: CancelAllOrdersKind | Unset = CancelAllOrdersKind.NORMAL,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[CancelledOrders | ErrorEnvelope]:
    """Cancel all orders, of one market or of all

     Cancels, in one engine step, every open order you have in one market — or in every market when
    `symbol` is
    left out — optionally on one side only, and returns them as cancelled. Their reservations are
    released.

    `kind` chooses what is cancelled: `normal` (the default: open orders, including those that
    conditional
    orders placed), `conditional` (conditional orders still waiting for their trigger, status `new`; a
    fired
    one is followed through the order it placed, which `normal` cancels) or `all` (both). Cancelled
    orders are
    in `data`, cancelled conditional orders in `conditional_orders` (each `cancelled`, reason
    `requested`);
    empty lists mean there was nothing to cancel. A cancelled leg of a strategy order ends that strategy
    order,
    as `DELETE /orders/{order_id}` and `DELETE /conditional-orders/{conditional_order_id}` say.

    Args:
        symbol (str | Unset):
        side (Side | Unset):
        kind (CancelAllOrdersKind | Unset):  Default: CancelAllOrdersKind.NORMAL.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CancelledOrders | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        side=side,
        kind=kind,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    symbol: str | Unset = UNSET,
    side: Side | Unset = UNSET,
    kind: CancelAllOrdersKind | Unset = CancelAllOrdersKind.NORMAL,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> CancelledOrders | ErrorEnvelope | None:
    """Cancel all orders, of one market or of all

     Cancels, in one engine step, every open order you have in one market — or in every market when
    `symbol` is
    left out — optionally on one side only, and returns them as cancelled. Their reservations are
    released.

    `kind` chooses what is cancelled: `normal` (the default: open orders, including those that
    conditional
    orders placed), `conditional` (conditional orders still waiting for their trigger, status `new`; a
    fired
    one is followed through the order it placed, which `normal` cancels) or `all` (both). Cancelled
    orders are
    in `data`, cancelled conditional orders in `conditional_orders` (each `cancelled`, reason
    `requested`);
    empty lists mean there was nothing to cancel. A cancelled leg of a strategy order ends that strategy
    order,
    as `DELETE /orders/{order_id}` and `DELETE /conditional-orders/{conditional_order_id}` say.

    Args:
        symbol (str | Unset):
        side (Side | Unset):
        kind (CancelAllOrdersKind | Unset):  Default: CancelAllOrdersKind.NORMAL.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CancelledOrders | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            symbol=symbol,
            side=side,
            kind=kind,
            x_cooud_signature_version=x_cooud_signature_version,
            idempotency_key=idempotency_key,
        )
    ).parsed
