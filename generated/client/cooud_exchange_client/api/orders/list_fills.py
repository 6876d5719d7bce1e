# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.fill_list import FillList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    symbol: str | Unset = UNSET,
    order_id: str | Unset = UNSET,
    start: datetime.datetime | Unset = UNSET,
    end: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 100,
    cursor: str | Unset = UNSET,
    x_cooud_signature_version: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    params: dict[str, Any] = {}

    params["symbol"] = symbol

    params["order_id"] = order_id

    json_start: str | Unset = UNSET
    if not isinstance(start, Unset):
        json_start = start.isoformat()
    params["start"] = json_start

    json_end: str | Unset = UNSET
    if not isinstance(end, Unset):
        json_end = end.isoformat()
    params["end"] = json_end

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/fills",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | FillList | None:
    if response.status_code == 200:
        response_200 = FillList.from_dict(response.json())

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
) -> Response[ErrorEnvelope | FillList]:
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
    order_id: str | Unset = UNSET,
    start: datetime.datetime | Unset = UNSET,
    end: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 100,
    cursor: str | Unset = UNSET,
    x_cooud_signature_version: str | Unset = UNSET,
) -> Response[ErrorEnvelope | FillList]:
    """List your fills

     Your trade history, newest first: one fill per trade of one of your orders, with its price, size,
    fee and
    whether your order was the maker or the taker. Filter by market, order and time (`start` inclusive,
    `end` exclusive).

    Args:
        symbol (str | Unset):
        order_id (str | Unset): Order identifier, `ord_` and a ULID. Example:
            ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        start (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        end (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        limit (int | Unset):  Default: 100.
        cursor (str | Unset):
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | FillList]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        order_id=order_id,
        start=start,
        end=end,
        limit=limit,
        cursor=cursor,
        x_cooud_signature_version=x_cooud_signature_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    symbol: str | Unset = UNSET,
    order_id: str | Unset = UNSET,
    start: datetime.datetime | Unset = UNSET,
    end: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 100,
    cursor: str | Unset = UNSET,
    x_cooud_signature_version: str | Unset = UNSET,
) -> ErrorEnvelope | FillList | None:
    """List your fills

     Your trade history, newest first: one fill per trade of one of your orders, with its price, size,
    fee and
    whether your order was the maker or the taker. Filter by market, order and time (`start` inclusive,
    `end` exclusive).

    Args:
        symbol (str | Unset):
        order_id (str | Unset): Order identifier, `ord_` and a ULID. Example:
            ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        start (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        end (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        limit (int | Unset):  Default: 100.
        cursor (str | Unset):
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | FillList
    """

    return sync_detailed(
        client=client,
        symbol=symbol,
        order_id=order_id,
        start=start,
        end=end,
        limit=limit,
        cursor=cursor,
        x_cooud_signature_version=x_cooud_signature_version,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    symbol: str | Unset = UNSET,
    order_id: str | Unset = UNSET,
    start: datetime.datetime | Unset = UNSET,
    end: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 100,
    cursor: str | Unset = UNSET,
    x_cooud_signature_version: str | Unset = UNSET,
) -> Response[ErrorEnvelope | FillList]:
    """List your fills

     Your trade history, newest first: one fill per trade of one of your orders, with its price, size,
    fee and
    whether your order was the maker or the taker. Filter by market, order and time (`start` inclusive,
    `end` exclusive).

    Args:
        symbol (str | Unset):
        order_id (str | Unset): Order identifier, `ord_` and a ULID. Example:
            ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        start (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        end (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        limit (int | Unset):  Default: 100.
        cursor (str | Unset):
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | FillList]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        order_id=order_id,
        start=start,
        end=end,
        limit=limit,
        cursor=cursor,
        x_cooud_signature_version=x_cooud_signature_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    symbol: str | Unset = UNSET,
    order_id: str | Unset = UNSET,
    start: datetime.datetime | Unset = UNSET,
    end: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 100,
    cursor: str | Unset = UNSET,
    x_cooud_signature_version: str | Unset = UNSET,
) -> ErrorEnvelope | FillList | None:
    """List your fills

     Your trade history, newest first: one fill per trade of one of your orders, with its price, size,
    fee and
    whether your order was the maker or the taker. Filter by market, order and time (`start` inclusive,
    `end` exclusive).

    Args:
        symbol (str | Unset):
        order_id (str | Unset): Order identifier, `ord_` and a ULID. Example:
            ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        start (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        end (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        limit (int | Unset):  Default: 100.
        cursor (str | Unset):
        x_cooud_signature_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | FillList
    """

    return (
        await asyncio_detailed(
            client=client,
            symbol=symbol,
            order_id=order_id,
            start=start,
            end=end,
            limit=limit,
            cursor=cursor,
            x_cooud_signature_version=x_cooud_signature_version,
        )
    ).parsed
