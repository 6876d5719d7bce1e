# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_cancel_request import BatchCancelRequest
from ...models.batch_cancel_result import BatchCancelResult
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: BatchCancelRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/orders/cancel-batch",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchCancelResult | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = BatchCancelResult.from_dict(response.json())

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
) -> Response[BatchCancelResult | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchCancelRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[BatchCancelResult | ErrorEnvelope]:
    """Cancel several orders

     Cancels up to 100 orders by id. Each item of the result carries the status a single `DELETE
    /orders/{order_id}`
    would have had and either the cancelled `order` or the `error` (`order_not_found`,
    `order_not_open`).

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (BatchCancelRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchCancelResult | ErrorEnvelope]
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
    body: BatchCancelRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> BatchCancelResult | ErrorEnvelope | None:
    """Cancel several orders

     Cancels up to 100 orders by id. Each item of the result carries the status a single `DELETE
    /orders/{order_id}`
    would have had and either the cancelled `order` or the `error` (`order_not_found`,
    `order_not_open`).

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (BatchCancelRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchCancelResult | ErrorEnvelope
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
    body: BatchCancelRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[BatchCancelResult | ErrorEnvelope]:
    """Cancel several orders

     Cancels up to 100 orders by id. Each item of the result carries the status a single `DELETE
    /orders/{order_id}`
    would have had and either the cancelled `order` or the `error` (`order_not_found`,
    `order_not_open`).

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (BatchCancelRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchCancelResult | ErrorEnvelope]
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
    body: BatchCancelRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> BatchCancelResult | ErrorEnvelope | None:
    """Cancel several orders

     Cancels up to 100 orders by id. Each item of the result carries the status a single `DELETE
    /orders/{order_id}`
    would have had and either the cancelled `order` or the `error` (`order_not_found`,
    `order_not_open`).

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (BatchCancelRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchCancelResult | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_cooud_signature_version=x_cooud_signature_version,
            idempotency_key=idempotency_key,
        )
    ).parsed
