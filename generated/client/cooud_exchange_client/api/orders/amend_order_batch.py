# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_amend_request import BatchAmendRequest
from ...models.batch_amend_result import BatchAmendResult
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: BatchAmendRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/orders/amend-batch",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchAmendResult | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = BatchAmendResult.from_dict(response.json())

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
) -> Response[BatchAmendResult | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchAmendRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[BatchAmendResult | ErrorEnvelope]:
    """Amend several orders of one market

     Amends up to 20 of your open orders in one market (`symbol`) in one engine step, in request order.
    Each
    item is applied as `PATCH /orders/{order_id}` would apply it alone — the same rules, codes and
    effects
    (a smaller size keeps time priority; a new price or a larger size re-queues the order, which may
    then trade)
    — and carries the status that request would have had with either the amended `order` or the `error`:
    `order_not_found`, `order_not_open`, `order_in_order_list`, the market's rules (`invalid_tick_size`,
    `invalid_step_size`, `size_too_small`, `size_too_large`, `notional_too_small`,
    `price_out_of_range`),
    `post_only_would_take`, `insufficient_balance`, or `invalid_request` for an order of another market.
    A
    refused item changes nothing; the others still apply. Seed 002's "batch move".

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (BatchAmendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchAmendResult | ErrorEnvelope]
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
    body: BatchAmendRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> BatchAmendResult | ErrorEnvelope | None:
    """Amend several orders of one market

     Amends up to 20 of your open orders in one market (`symbol`) in one engine step, in request order.
    Each
    item is applied as `PATCH /orders/{order_id}` would apply it alone — the same rules, codes and
    effects
    (a smaller size keeps time priority; a new price or a larger size re-queues the order, which may
    then trade)
    — and carries the status that request would have had with either the amended `order` or the `error`:
    `order_not_found`, `order_not_open`, `order_in_order_list`, the market's rules (`invalid_tick_size`,
    `invalid_step_size`, `size_too_small`, `size_too_large`, `notional_too_small`,
    `price_out_of_range`),
    `post_only_would_take`, `insufficient_balance`, or `invalid_request` for an order of another market.
    A
    refused item changes nothing; the others still apply. Seed 002's "batch move".

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (BatchAmendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchAmendResult | ErrorEnvelope
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
    body: BatchAmendRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[BatchAmendResult | ErrorEnvelope]:
    """Amend several orders of one market

     Amends up to 20 of your open orders in one market (`symbol`) in one engine step, in request order.
    Each
    item is applied as `PATCH /orders/{order_id}` would apply it alone — the same rules, codes and
    effects
    (a smaller size keeps time priority; a new price or a larger size re-queues the order, which may
    then trade)
    — and carries the status that request would have had with either the amended `order` or the `error`:
    `order_not_found`, `order_not_open`, `order_in_order_list`, the market's rules (`invalid_tick_size`,
    `invalid_step_size`, `size_too_small`, `size_too_large`, `notional_too_small`,
    `price_out_of_range`),
    `post_only_would_take`, `insufficient_balance`, or `invalid_request` for an order of another market.
    A
    refused item changes nothing; the others still apply. Seed 002's "batch move".

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (BatchAmendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchAmendResult | ErrorEnvelope]
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
    body: BatchAmendRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> BatchAmendResult | ErrorEnvelope | None:
    """Amend several orders of one market

     Amends up to 20 of your open orders in one market (`symbol`) in one engine step, in request order.
    Each
    item is applied as `PATCH /orders/{order_id}` would apply it alone — the same rules, codes and
    effects
    (a smaller size keeps time priority; a new price or a larger size re-queues the order, which may
    then trade)
    — and carries the status that request would have had with either the amended `order` or the `error`:
    `order_not_found`, `order_not_open`, `order_in_order_list`, the market's rules (`invalid_tick_size`,
    `invalid_step_size`, `size_too_small`, `size_too_large`, `notional_too_small`,
    `price_out_of_range`),
    `post_only_would_take`, `insufficient_balance`, or `invalid_request` for an order of another market.
    A
    refused item changes nothing; the others still apply. Seed 002's "batch move".

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (BatchAmendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchAmendResult | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_cooud_signature_version=x_cooud_signature_version,
            idempotency_key=idempotency_key,
        )
    ).parsed
