# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.candle_interval import CandleInterval
from ...models.candle_series import CandleSeries
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    symbol: str,
    *,
    interval: CandleInterval,
    start: datetime.datetime | Unset = UNSET,
    end: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 500,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_interval = interval.value
    params["interval"] = json_interval

    json_start: str | Unset = UNSET
    if not isinstance(start, Unset):
        json_start = start.isoformat()
    params["start"] = json_start

    json_end: str | Unset = UNSET
    if not isinstance(end, Unset):
        json_end = end.isoformat()
    params["end"] = json_end

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/markets/{symbol}/candles".format(
            symbol=quote(str(symbol), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CandleSeries | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = CandleSeries.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CandleSeries | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    symbol: str,
    *,
    client: AuthenticatedClient | Client,
    interval: CandleInterval,
    start: datetime.datetime | Unset = UNSET,
    end: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 500,
) -> Response[CandleSeries | ErrorEnvelope]:
    """OHLCV candles

     Candles of one interval, oldest first, between `start` (inclusive) and `end` (exclusive), at most
    `limit` of them. Without `start` and `end` the most recent `limit` candles are returned. Only
    intervals
    with at least one trade have a candle; a window whose `start` is not before its `end` is empty.

    Args:
        symbol (str):
        interval (CandleInterval): Candle width.
        start (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        end (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        limit (int | Unset):  Default: 500.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CandleSeries | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        interval=interval,
        start=start,
        end=end,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    symbol: str,
    *,
    client: AuthenticatedClient | Client,
    interval: CandleInterval,
    start: datetime.datetime | Unset = UNSET,
    end: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 500,
) -> CandleSeries | ErrorEnvelope | None:
    """OHLCV candles

     Candles of one interval, oldest first, between `start` (inclusive) and `end` (exclusive), at most
    `limit` of them. Without `start` and `end` the most recent `limit` candles are returned. Only
    intervals
    with at least one trade have a candle; a window whose `start` is not before its `end` is empty.

    Args:
        symbol (str):
        interval (CandleInterval): Candle width.
        start (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        end (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        limit (int | Unset):  Default: 500.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CandleSeries | ErrorEnvelope
    """

    return sync_detailed(
        symbol=symbol,
        client=client,
        interval=interval,
        start=start,
        end=end,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    symbol: str,
    *,
    client: AuthenticatedClient | Client,
    interval: CandleInterval,
    start: datetime.datetime | Unset = UNSET,
    end: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 500,
) -> Response[CandleSeries | ErrorEnvelope]:
    """OHLCV candles

     Candles of one interval, oldest first, between `start` (inclusive) and `end` (exclusive), at most
    `limit` of them. Without `start` and `end` the most recent `limit` candles are returned. Only
    intervals
    with at least one trade have a candle; a window whose `start` is not before its `end` is empty.

    Args:
        symbol (str):
        interval (CandleInterval): Candle width.
        start (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        end (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        limit (int | Unset):  Default: 500.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CandleSeries | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        symbol=symbol,
        interval=interval,
        start=start,
        end=end,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    symbol: str,
    *,
    client: AuthenticatedClient | Client,
    interval: CandleInterval,
    start: datetime.datetime | Unset = UNSET,
    end: datetime.datetime | Unset = UNSET,
    limit: int | Unset = 500,
) -> CandleSeries | ErrorEnvelope | None:
    """OHLCV candles

     Candles of one interval, oldest first, between `start` (inclusive) and `end` (exclusive), at most
    `limit` of them. Without `start` and `end` the most recent `limit` candles are returned. Only
    intervals
    with at least one trade have a candle; a window whose `start` is not before its `end` is empty.

    Args:
        symbol (str):
        interval (CandleInterval): Candle width.
        start (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        end (datetime.datetime | Unset): RFC 3339 UTC timestamp; milliseconds optional. Example:
            2026-05-18T12:00:00Z.
        limit (int | Unset):  Default: 500.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CandleSeries | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            symbol=symbol,
            client=client,
            interval=interval,
            start=start,
            end=end,
            limit=limit,
        )
    ).parsed
