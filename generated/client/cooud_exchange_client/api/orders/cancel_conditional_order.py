# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conditional_order import ConditionalOrder
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    conditional_order_id: str,
    *,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/conditional-orders/{conditional_order_id}".format(
            conditional_order_id=quote(str(conditional_order_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConditionalOrder | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = ConditionalOrder.from_dict(response.json())

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
) -> Response[ConditionalOrder | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    conditional_order_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ConditionalOrder | ErrorEnvelope]:
    """Cancel a conditional order

     Cancels a conditional order that is still waiting for its trigger (`new`) and releases its
    reservation;
    it ends `cancelled` with `reason: requested`. One that has already fired or ended answers
    `422 conditional_order_not_open`, unchanged: to stop a fired one, cancel the order it placed
    (`DELETE /orders/{order_id}` with its `order_id`). A cancel and a trade that reaches the trigger are
    applied in engine order: whichever the engine handles first wins.

    Cancelling a conditional order that is a leg of a working strategy order (its `order_list_id`)
    cancels the
    whole strategy order in the same engine step: its other live legs are cancelled (`list_cancelled`),
    its
    pending legs are never placed, and it ends `cancelled` with `reason: requested`.

    Args:
        conditional_order_id (str): Conditional order identifier, `cond_` and a ULID. Example:
            cond_01HXY9H3K7N2P4Q6R8S0T1V3W5.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConditionalOrder | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        conditional_order_id=conditional_order_id,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    conditional_order_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ConditionalOrder | ErrorEnvelope | None:
    """Cancel a conditional order

     Cancels a conditional order that is still waiting for its trigger (`new`) and releases its
    reservation;
    it ends `cancelled` with `reason: requested`. One that has already fired or ended answers
    `422 conditional_order_not_open`, unchanged: to stop a fired one, cancel the order it placed
    (`DELETE /orders/{order_id}` with its `order_id`). A cancel and a trade that reaches the trigger are
    applied in engine order: whichever the engine handles first wins.

    Cancelling a conditional order that is a leg of a working strategy order (its `order_list_id`)
    cancels the
    whole strategy order in the same engine step: its other live legs are cancelled (`list_cancelled`),
    its
    pending legs are never placed, and it ends `cancelled` with `reason: requested`.

    Args:
        conditional_order_id (str): Conditional order identifier, `cond_` and a ULID. Example:
            cond_01HXY9H3K7N2P4Q6R8S0T1V3W5.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConditionalOrder | ErrorEnvelope
    """

    return sync_detailed(
        conditional_order_id=conditional_order_id,
        client=client,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    conditional_order_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ConditionalOrder | ErrorEnvelope]:
    """Cancel a conditional order

     Cancels a conditional order that is still waiting for its trigger (`new`) and releases its
    reservation;
    it ends `cancelled` with `reason: requested`. One that has already fired or ended answers
    `422 conditional_order_not_open`, unchanged: to stop a fired one, cancel the order it placed
    (`DELETE /orders/{order_id}` with its `order_id`). A cancel and a trade that reaches the trigger are
    applied in engine order: whichever the engine handles first wins.

    Cancelling a conditional order that is a leg of a working strategy order (its `order_list_id`)
    cancels the
    whole strategy order in the same engine step: its other live legs are cancelled (`list_cancelled`),
    its
    pending legs are never placed, and it ends `cancelled` with `reason: requested`.

    Args:
        conditional_order_id (str): Conditional order identifier, `cond_` and a ULID. Example:
            cond_01HXY9H3K7N2P4Q6R8S0T1V3W5.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConditionalOrder | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        conditional_order_id=conditional_order_id,
        x_cooud_signature_version=x_cooud_signature_version,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    conditional_order_id: str,
    *,
    client: AuthenticatedClient,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ConditionalOrder | ErrorEnvelope | None:
    """Cancel a conditional order

     Cancels a conditional order that is still waiting for its trigger (`new`) and releases its
    reservation;
    it ends `cancelled` with `reason: requested`. One that has already fired or ended answers
    `422 conditional_order_not_open`, unchanged: to stop a fired one, cancel the order it placed
    (`DELETE /orders/{order_id}` with its `order_id`). A cancel and a trade that reaches the trigger are
    applied in engine order: whichever the engine handles first wins.

    Cancelling a conditional order that is a leg of a working strategy order (its `order_list_id`)
    cancels the
    whole strategy order in the same engine step: its other live legs are cancelled (`list_cancelled`),
    its
    pending legs are never placed, and it ends `cancelled` with `reason: requested`.

    Args:
        conditional_order_id (str): Conditional order identifier, `cond_` and a ULID. Example:
            cond_01HXY9H3K7N2P4Q6R8S0T1V3W5.
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConditionalOrder | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            conditional_order_id=conditional_order_id,
            client=client,
            x_cooud_signature_version=x_cooud_signature_version,
            idempotency_key=idempotency_key,
        )
    ).parsed
