# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.strategy_order import StrategyOrder
from ...models.strategy_order_request import StrategyOrderRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: StrategyOrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/order-lists",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | StrategyOrder | None:
    if response.status_code == 201:
        response_201 = StrategyOrder.from_dict(response.json())

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
) -> Response[ErrorEnvelope | StrategyOrder]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: StrategyOrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ErrorEnvelope | StrategyOrder]:
    """Place a strategy order (OCO, OTO, OTOCO)

     Places a strategy order — an order list: two or three orders and conditional orders of one market
    (its
    `legs`) that the exchange links, so that what happens to one leg decides what happens to the others,
    in
    the same engine step as the fill or trigger that caused it, before any other request is handled. The
    `201`
    is sent only after the strategy order, the legs it placed at once and their reservations are durably
    committed.

    **Types.** `legs` are given in this order:

    | `type` | `legs` (roles) | placed at once | then |
    |---|---|---|---|
    | `oco` (one cancels the other) | `[oco, oco]` | both legs | when one leg fills — even partly — or
    fires, the other is cancelled (`oco_sibling`) |
    | `oto` (one triggers the other) | `[working, pending]` | the working order | the pending leg is
    placed when the working order is completely filled |
    | `otoco` | `[working, oco, oco]` | the working order | the two `oco` legs are placed, as an `oco`,
    when the working order is completely filled |

    **Legs.** Each leg is an order request (`type` `limit` or `market`: the body of `POST /orders`) or a
    conditional-order request (`type` `stop_market`, `stop_limit`, `take_profit_market`,
    `take_profit_limit`
    or `trailing_stop`: the body of `POST /conditional-orders`) — its `type` tells which — with that
    operation's fields, defaults and rules.
    - Every leg is of the same market (`symbol`).
    - The two legs of an OCO pair are of the same side. At most one of them is an order, and that one is
    a
      resting limit order (`tif` `GTC`; `post_only` either way); the other is a conditional order (or
    both
      are). A typical exit: a take-profit limit sell above the market and a stop sell below it.
    - The working leg of an `oto` or `otoco` is an order, limit or market; an `oto`'s pending leg is an
    order
      or a conditional order.
    - A leg's `client_order_id` is unique among your orders (an order leg) or your conditional orders (a
      conditional leg), as if it were placed alone; `client_list_id` is unique among your strategy
    orders.

    **Funds.**
    - Legs placed at once reserve their funds when the strategy order is accepted, as `POST /orders` and
      `POST /conditional-orders` do. An OCO pair is reserved once: both legs spend the same asset and
    only one
      of them can execute, so the first leg reserves what it needs and the second only what it needs
    beyond
      that. When a leg fires, its sibling's reservation is released before the order the fired leg
    places
      reserves its own.
    - A pending leg reserves nothing until it is placed: its funds may come from the working order's
    fill
      (buy BTC, then sell that BTC). It is placed in the engine step of the working order's last fill —
    an
      `otoco`'s pair as an OCO, reserved once — and checked again then against every rule of its kind.
    If a
      rule refuses it at that moment (`insufficient_balance`, `market_halted`, …), the leg ends
    `not_placed`
      with that code as its `reason`, and the strategy order ends `rejected` with the same `reason`.

    **Placed legs** are ordinary orders and conditional orders, each on its own resource and stream
    channel
    (`orders`, `conditional_orders`). An order that a leg placed has `order_list_id` set to this
    strategy
    order; a conditional leg has `order_list_id` set, and the order it places when it fires names it in
    `conditional_order_id`.

    **Legs' states.** `pending` (not placed yet) → `live` (placed: `order_id` for an order leg,
    `conditional_order_id` for a conditional leg — which, once it has fired, also names the order it
    placed in
    `order_id`) → `ended` (its order or conditional order ended). Or `not_placed`: never placed, because
    the
    strategy order ended first (`reason: list_ended`) or because a rule refused it when its turn came
    (`reason`: that rule's code).

    **States.**
    - `working` → `done`: every leg has ended without the strategy order being cancelled — for an OCO,
    one leg
      executed and the other was cancelled (`oco_sibling`).
    - `cancelled`, with `reason` `requested`: you cancelled it (`DELETE /order-lists/{order_list_id}`)
    or one
      of its legs — cancelling any leg (`DELETE /orders/{order_id}`,
      `DELETE /conditional-orders/{conditional_order_id}`) cancels the whole strategy order: its other
    live
      legs are cancelled (`list_cancelled`) and its pending legs end `not_placed` (`list_ended`); so
    does
      cancelling the order a fired conditional leg placed. Or
      `working_order_cancelled` / `working_order_expired`: the working order ended without filling
    completely
      — cancelled other than by you (e.g. by self-trade prevention), or expired (`IOC`, `FOK`, the
    unfilled
      rest of a market order) — so the pending legs are never placed (`list_ended`). Or `leg_cancelled`:
    a live
      leg was cancelled other than by you or by its sibling (e.g. its order by self-trade prevention).
    - `rejected`: a pending leg was refused when it was placed (`reason`: the rule's code). Every leg is
    checked
      against its market's rules when the strategy order is accepted (a breach refuses it, as below);
    what
      depends on the moment — funds, `would_trigger_immediately`, a halted market, client order ids — is
      checked for a pending leg when it is placed.

    Every change is sent on the stream's `order_lists` channel.

    **Amending** an order leg of a working strategy order (an order whose `order_list_id` names it) is
    refused:
    `PATCH /orders/{order_id}` answers `422 order_in_order_list`. Cancel the strategy order and place a
    new one.
    The order a fired conditional leg placed names that conditional order (`conditional_order_id`), not
    the
    strategy order, and may be amended like any order; cancelling it cancels the strategy order like
    cancelling
    any leg.

    **Refusals.** Nothing is placed unless every leg placed at once is accepted: a refused leg refuses
    the
    whole strategy order. Structural rules a JSON schema cannot express answer `400 invalid_request`
    naming
    the field (e.g. `legs[1].side`): a number of legs other than the type's; legs of different markets;
    OCO
    legs of different sides, two order legs in an OCO pair, or an order leg in it that is not a `GTC`
    limit
    order; a working leg that is not an order; and, for each leg, the structural rules of `POST /orders`
    or
    `POST /conditional-orders`. The market's and account's rules answer with those operations' codes:
    `unknown_market`, `market_halted`, `invalid_tick_size`, `invalid_step_size`, `size_too_small`,
    `size_too_large`, `notional_too_small`, `price_out_of_range`, `post_only_would_take`,
    `trigger_price_type_unsupported`, `would_trigger_immediately`, `duplicate_client_order_id` (a leg's
    `client_order_id`, or `client_list_id`) and `insufficient_balance` (what the legs placed at once
    reserve).

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (StrategyOrderRequest): A new strategy order (see `POST /order-lists` for the rules):
            its `type` and its `legs` in the type's
            order — `oco`: two OCO legs; `oto`: the working order, then the pending leg; `otoco`: the
            working order,
            then the two OCO legs. Every leg is of one market.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | StrategyOrder]
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
    body: StrategyOrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ErrorEnvelope | StrategyOrder | None:
    """Place a strategy order (OCO, OTO, OTOCO)

     Places a strategy order — an order list: two or three orders and conditional orders of one market
    (its
    `legs`) that the exchange links, so that what happens to one leg decides what happens to the others,
    in
    the same engine step as the fill or trigger that caused it, before any other request is handled. The
    `201`
    is sent only after the strategy order, the legs it placed at once and their reservations are durably
    committed.

    **Types.** `legs` are given in this order:

    | `type` | `legs` (roles) | placed at once | then |
    |---|---|---|---|
    | `oco` (one cancels the other) | `[oco, oco]` | both legs | when one leg fills — even partly — or
    fires, the other is cancelled (`oco_sibling`) |
    | `oto` (one triggers the other) | `[working, pending]` | the working order | the pending leg is
    placed when the working order is completely filled |
    | `otoco` | `[working, oco, oco]` | the working order | the two `oco` legs are placed, as an `oco`,
    when the working order is completely filled |

    **Legs.** Each leg is an order request (`type` `limit` or `market`: the body of `POST /orders`) or a
    conditional-order request (`type` `stop_market`, `stop_limit`, `take_profit_market`,
    `take_profit_limit`
    or `trailing_stop`: the body of `POST /conditional-orders`) — its `type` tells which — with that
    operation's fields, defaults and rules.
    - Every leg is of the same market (`symbol`).
    - The two legs of an OCO pair are of the same side. At most one of them is an order, and that one is
    a
      resting limit order (`tif` `GTC`; `post_only` either way); the other is a conditional order (or
    both
      are). A typical exit: a take-profit limit sell above the market and a stop sell below it.
    - The working leg of an `oto` or `otoco` is an order, limit or market; an `oto`'s pending leg is an
    order
      or a conditional order.
    - A leg's `client_order_id` is unique among your orders (an order leg) or your conditional orders (a
      conditional leg), as if it were placed alone; `client_list_id` is unique among your strategy
    orders.

    **Funds.**
    - Legs placed at once reserve their funds when the strategy order is accepted, as `POST /orders` and
      `POST /conditional-orders` do. An OCO pair is reserved once: both legs spend the same asset and
    only one
      of them can execute, so the first leg reserves what it needs and the second only what it needs
    beyond
      that. When a leg fires, its sibling's reservation is released before the order the fired leg
    places
      reserves its own.
    - A pending leg reserves nothing until it is placed: its funds may come from the working order's
    fill
      (buy BTC, then sell that BTC). It is placed in the engine step of the working order's last fill —
    an
      `otoco`'s pair as an OCO, reserved once — and checked again then against every rule of its kind.
    If a
      rule refuses it at that moment (`insufficient_balance`, `market_halted`, …), the leg ends
    `not_placed`
      with that code as its `reason`, and the strategy order ends `rejected` with the same `reason`.

    **Placed legs** are ordinary orders and conditional orders, each on its own resource and stream
    channel
    (`orders`, `conditional_orders`). An order that a leg placed has `order_list_id` set to this
    strategy
    order; a conditional leg has `order_list_id` set, and the order it places when it fires names it in
    `conditional_order_id`.

    **Legs' states.** `pending` (not placed yet) → `live` (placed: `order_id` for an order leg,
    `conditional_order_id` for a conditional leg — which, once it has fired, also names the order it
    placed in
    `order_id`) → `ended` (its order or conditional order ended). Or `not_placed`: never placed, because
    the
    strategy order ended first (`reason: list_ended`) or because a rule refused it when its turn came
    (`reason`: that rule's code).

    **States.**
    - `working` → `done`: every leg has ended without the strategy order being cancelled — for an OCO,
    one leg
      executed and the other was cancelled (`oco_sibling`).
    - `cancelled`, with `reason` `requested`: you cancelled it (`DELETE /order-lists/{order_list_id}`)
    or one
      of its legs — cancelling any leg (`DELETE /orders/{order_id}`,
      `DELETE /conditional-orders/{conditional_order_id}`) cancels the whole strategy order: its other
    live
      legs are cancelled (`list_cancelled`) and its pending legs end `not_placed` (`list_ended`); so
    does
      cancelling the order a fired conditional leg placed. Or
      `working_order_cancelled` / `working_order_expired`: the working order ended without filling
    completely
      — cancelled other than by you (e.g. by self-trade prevention), or expired (`IOC`, `FOK`, the
    unfilled
      rest of a market order) — so the pending legs are never placed (`list_ended`). Or `leg_cancelled`:
    a live
      leg was cancelled other than by you or by its sibling (e.g. its order by self-trade prevention).
    - `rejected`: a pending leg was refused when it was placed (`reason`: the rule's code). Every leg is
    checked
      against its market's rules when the strategy order is accepted (a breach refuses it, as below);
    what
      depends on the moment — funds, `would_trigger_immediately`, a halted market, client order ids — is
      checked for a pending leg when it is placed.

    Every change is sent on the stream's `order_lists` channel.

    **Amending** an order leg of a working strategy order (an order whose `order_list_id` names it) is
    refused:
    `PATCH /orders/{order_id}` answers `422 order_in_order_list`. Cancel the strategy order and place a
    new one.
    The order a fired conditional leg placed names that conditional order (`conditional_order_id`), not
    the
    strategy order, and may be amended like any order; cancelling it cancels the strategy order like
    cancelling
    any leg.

    **Refusals.** Nothing is placed unless every leg placed at once is accepted: a refused leg refuses
    the
    whole strategy order. Structural rules a JSON schema cannot express answer `400 invalid_request`
    naming
    the field (e.g. `legs[1].side`): a number of legs other than the type's; legs of different markets;
    OCO
    legs of different sides, two order legs in an OCO pair, or an order leg in it that is not a `GTC`
    limit
    order; a working leg that is not an order; and, for each leg, the structural rules of `POST /orders`
    or
    `POST /conditional-orders`. The market's and account's rules answer with those operations' codes:
    `unknown_market`, `market_halted`, `invalid_tick_size`, `invalid_step_size`, `size_too_small`,
    `size_too_large`, `notional_too_small`, `price_out_of_range`, `post_only_would_take`,
    `trigger_price_type_unsupported`, `would_trigger_immediately`, `duplicate_client_order_id` (a leg's
    `client_order_id`, or `client_list_id`) and `insufficient_balance` (what the legs placed at once
    reserve).

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (StrategyOrderRequest): A new strategy order (see `POST /order-lists` for the rules):
            its `type` and its `legs` in the type's
            order — `oco`: two OCO legs; `oto`: the working order, then the pending leg; `otoco`: the
            working order,
            then the two OCO legs. Every leg is of one market.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | StrategyOrder
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
    body: StrategyOrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ErrorEnvelope | StrategyOrder]:
    """Place a strategy order (OCO, OTO, OTOCO)

     Places a strategy order — an order list: two or three orders and conditional orders of one market
    (its
    `legs`) that the exchange links, so that what happens to one leg decides what happens to the others,
    in
    the same engine step as the fill or trigger that caused it, before any other request is handled. The
    `201`
    is sent only after the strategy order, the legs it placed at once and their reservations are durably
    committed.

    **Types.** `legs` are given in this order:

    | `type` | `legs` (roles) | placed at once | then |
    |---|---|---|---|
    | `oco` (one cancels the other) | `[oco, oco]` | both legs | when one leg fills — even partly — or
    fires, the other is cancelled (`oco_sibling`) |
    | `oto` (one triggers the other) | `[working, pending]` | the working order | the pending leg is
    placed when the working order is completely filled |
    | `otoco` | `[working, oco, oco]` | the working order | the two `oco` legs are placed, as an `oco`,
    when the working order is completely filled |

    **Legs.** Each leg is an order request (`type` `limit` or `market`: the body of `POST /orders`) or a
    conditional-order request (`type` `stop_market`, `stop_limit`, `take_profit_market`,
    `take_profit_limit`
    or `trailing_stop`: the body of `POST /conditional-orders`) — its `type` tells which — with that
    operation's fields, defaults and rules.
    - Every leg is of the same market (`symbol`).
    - The two legs of an OCO pair are of the same side. At most one of them is an order, and that one is
    a
      resting limit order (`tif` `GTC`; `post_only` either way); the other is a conditional order (or
    both
      are). A typical exit: a take-profit limit sell above the market and a stop sell below it.
    - The working leg of an `oto` or `otoco` is an order, limit or market; an `oto`'s pending leg is an
    order
      or a conditional order.
    - A leg's `client_order_id` is unique among your orders (an order leg) or your conditional orders (a
      conditional leg), as if it were placed alone; `client_list_id` is unique among your strategy
    orders.

    **Funds.**
    - Legs placed at once reserve their funds when the strategy order is accepted, as `POST /orders` and
      `POST /conditional-orders` do. An OCO pair is reserved once: both legs spend the same asset and
    only one
      of them can execute, so the first leg reserves what it needs and the second only what it needs
    beyond
      that. When a leg fires, its sibling's reservation is released before the order the fired leg
    places
      reserves its own.
    - A pending leg reserves nothing until it is placed: its funds may come from the working order's
    fill
      (buy BTC, then sell that BTC). It is placed in the engine step of the working order's last fill —
    an
      `otoco`'s pair as an OCO, reserved once — and checked again then against every rule of its kind.
    If a
      rule refuses it at that moment (`insufficient_balance`, `market_halted`, …), the leg ends
    `not_placed`
      with that code as its `reason`, and the strategy order ends `rejected` with the same `reason`.

    **Placed legs** are ordinary orders and conditional orders, each on its own resource and stream
    channel
    (`orders`, `conditional_orders`). An order that a leg placed has `order_list_id` set to this
    strategy
    order; a conditional leg has `order_list_id` set, and the order it places when it fires names it in
    `conditional_order_id`.

    **Legs' states.** `pending` (not placed yet) → `live` (placed: `order_id` for an order leg,
    `conditional_order_id` for a conditional leg — which, once it has fired, also names the order it
    placed in
    `order_id`) → `ended` (its order or conditional order ended). Or `not_placed`: never placed, because
    the
    strategy order ended first (`reason: list_ended`) or because a rule refused it when its turn came
    (`reason`: that rule's code).

    **States.**
    - `working` → `done`: every leg has ended without the strategy order being cancelled — for an OCO,
    one leg
      executed and the other was cancelled (`oco_sibling`).
    - `cancelled`, with `reason` `requested`: you cancelled it (`DELETE /order-lists/{order_list_id}`)
    or one
      of its legs — cancelling any leg (`DELETE /orders/{order_id}`,
      `DELETE /conditional-orders/{conditional_order_id}`) cancels the whole strategy order: its other
    live
      legs are cancelled (`list_cancelled`) and its pending legs end `not_placed` (`list_ended`); so
    does
      cancelling the order a fired conditional leg placed. Or
      `working_order_cancelled` / `working_order_expired`: the working order ended without filling
    completely
      — cancelled other than by you (e.g. by self-trade prevention), or expired (`IOC`, `FOK`, the
    unfilled
      rest of a market order) — so the pending legs are never placed (`list_ended`). Or `leg_cancelled`:
    a live
      leg was cancelled other than by you or by its sibling (e.g. its order by self-trade prevention).
    - `rejected`: a pending leg was refused when it was placed (`reason`: the rule's code). Every leg is
    checked
      against its market's rules when the strategy order is accepted (a breach refuses it, as below);
    what
      depends on the moment — funds, `would_trigger_immediately`, a halted market, client order ids — is
      checked for a pending leg when it is placed.

    Every change is sent on the stream's `order_lists` channel.

    **Amending** an order leg of a working strategy order (an order whose `order_list_id` names it) is
    refused:
    `PATCH /orders/{order_id}` answers `422 order_in_order_list`. Cancel the strategy order and place a
    new one.
    The order a fired conditional leg placed names that conditional order (`conditional_order_id`), not
    the
    strategy order, and may be amended like any order; cancelling it cancels the strategy order like
    cancelling
    any leg.

    **Refusals.** Nothing is placed unless every leg placed at once is accepted: a refused leg refuses
    the
    whole strategy order. Structural rules a JSON schema cannot express answer `400 invalid_request`
    naming
    the field (e.g. `legs[1].side`): a number of legs other than the type's; legs of different markets;
    OCO
    legs of different sides, two order legs in an OCO pair, or an order leg in it that is not a `GTC`
    limit
    order; a working leg that is not an order; and, for each leg, the structural rules of `POST /orders`
    or
    `POST /conditional-orders`. The market's and account's rules answer with those operations' codes:
    `unknown_market`, `market_halted`, `invalid_tick_size`, `invalid_step_size`, `size_too_small`,
    `size_too_large`, `notional_too_small`, `price_out_of_range`, `post_only_would_take`,
    `trigger_price_type_unsupported`, `would_trigger_immediately`, `duplicate_client_order_id` (a leg's
    `client_order_id`, or `client_list_id`) and `insufficient_balance` (what the legs placed at once
    reserve).

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (StrategyOrderRequest): A new strategy order (see `POST /order-lists` for the rules):
            its `type` and its `legs` in the type's
            order — `oco`: two OCO legs; `oto`: the working order, then the pending leg; `otoco`: the
            working order,
            then the two OCO legs. Every leg is of one market.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | StrategyOrder]
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
    body: StrategyOrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ErrorEnvelope | StrategyOrder | None:
    """Place a strategy order (OCO, OTO, OTOCO)

     Places a strategy order — an order list: two or three orders and conditional orders of one market
    (its
    `legs`) that the exchange links, so that what happens to one leg decides what happens to the others,
    in
    the same engine step as the fill or trigger that caused it, before any other request is handled. The
    `201`
    is sent only after the strategy order, the legs it placed at once and their reservations are durably
    committed.

    **Types.** `legs` are given in this order:

    | `type` | `legs` (roles) | placed at once | then |
    |---|---|---|---|
    | `oco` (one cancels the other) | `[oco, oco]` | both legs | when one leg fills — even partly — or
    fires, the other is cancelled (`oco_sibling`) |
    | `oto` (one triggers the other) | `[working, pending]` | the working order | the pending leg is
    placed when the working order is completely filled |
    | `otoco` | `[working, oco, oco]` | the working order | the two `oco` legs are placed, as an `oco`,
    when the working order is completely filled |

    **Legs.** Each leg is an order request (`type` `limit` or `market`: the body of `POST /orders`) or a
    conditional-order request (`type` `stop_market`, `stop_limit`, `take_profit_market`,
    `take_profit_limit`
    or `trailing_stop`: the body of `POST /conditional-orders`) — its `type` tells which — with that
    operation's fields, defaults and rules.
    - Every leg is of the same market (`symbol`).
    - The two legs of an OCO pair are of the same side. At most one of them is an order, and that one is
    a
      resting limit order (`tif` `GTC`; `post_only` either way); the other is a conditional order (or
    both
      are). A typical exit: a take-profit limit sell above the market and a stop sell below it.
    - The working leg of an `oto` or `otoco` is an order, limit or market; an `oto`'s pending leg is an
    order
      or a conditional order.
    - A leg's `client_order_id` is unique among your orders (an order leg) or your conditional orders (a
      conditional leg), as if it were placed alone; `client_list_id` is unique among your strategy
    orders.

    **Funds.**
    - Legs placed at once reserve their funds when the strategy order is accepted, as `POST /orders` and
      `POST /conditional-orders` do. An OCO pair is reserved once: both legs spend the same asset and
    only one
      of them can execute, so the first leg reserves what it needs and the second only what it needs
    beyond
      that. When a leg fires, its sibling's reservation is released before the order the fired leg
    places
      reserves its own.
    - A pending leg reserves nothing until it is placed: its funds may come from the working order's
    fill
      (buy BTC, then sell that BTC). It is placed in the engine step of the working order's last fill —
    an
      `otoco`'s pair as an OCO, reserved once — and checked again then against every rule of its kind.
    If a
      rule refuses it at that moment (`insufficient_balance`, `market_halted`, …), the leg ends
    `not_placed`
      with that code as its `reason`, and the strategy order ends `rejected` with the same `reason`.

    **Placed legs** are ordinary orders and conditional orders, each on its own resource and stream
    channel
    (`orders`, `conditional_orders`). An order that a leg placed has `order_list_id` set to this
    strategy
    order; a conditional leg has `order_list_id` set, and the order it places when it fires names it in
    `conditional_order_id`.

    **Legs' states.** `pending` (not placed yet) → `live` (placed: `order_id` for an order leg,
    `conditional_order_id` for a conditional leg — which, once it has fired, also names the order it
    placed in
    `order_id`) → `ended` (its order or conditional order ended). Or `not_placed`: never placed, because
    the
    strategy order ended first (`reason: list_ended`) or because a rule refused it when its turn came
    (`reason`: that rule's code).

    **States.**
    - `working` → `done`: every leg has ended without the strategy order being cancelled — for an OCO,
    one leg
      executed and the other was cancelled (`oco_sibling`).
    - `cancelled`, with `reason` `requested`: you cancelled it (`DELETE /order-lists/{order_list_id}`)
    or one
      of its legs — cancelling any leg (`DELETE /orders/{order_id}`,
      `DELETE /conditional-orders/{conditional_order_id}`) cancels the whole strategy order: its other
    live
      legs are cancelled (`list_cancelled`) and its pending legs end `not_placed` (`list_ended`); so
    does
      cancelling the order a fired conditional leg placed. Or
      `working_order_cancelled` / `working_order_expired`: the working order ended without filling
    completely
      — cancelled other than by you (e.g. by self-trade prevention), or expired (`IOC`, `FOK`, the
    unfilled
      rest of a market order) — so the pending legs are never placed (`list_ended`). Or `leg_cancelled`:
    a live
      leg was cancelled other than by you or by its sibling (e.g. its order by self-trade prevention).
    - `rejected`: a pending leg was refused when it was placed (`reason`: the rule's code). Every leg is
    checked
      against its market's rules when the strategy order is accepted (a breach refuses it, as below);
    what
      depends on the moment — funds, `would_trigger_immediately`, a halted market, client order ids — is
      checked for a pending leg when it is placed.

    Every change is sent on the stream's `order_lists` channel.

    **Amending** an order leg of a working strategy order (an order whose `order_list_id` names it) is
    refused:
    `PATCH /orders/{order_id}` answers `422 order_in_order_list`. Cancel the strategy order and place a
    new one.
    The order a fired conditional leg placed names that conditional order (`conditional_order_id`), not
    the
    strategy order, and may be amended like any order; cancelling it cancels the strategy order like
    cancelling
    any leg.

    **Refusals.** Nothing is placed unless every leg placed at once is accepted: a refused leg refuses
    the
    whole strategy order. Structural rules a JSON schema cannot express answer `400 invalid_request`
    naming
    the field (e.g. `legs[1].side`): a number of legs other than the type's; legs of different markets;
    OCO
    legs of different sides, two order legs in an OCO pair, or an order leg in it that is not a `GTC`
    limit
    order; a working leg that is not an order; and, for each leg, the structural rules of `POST /orders`
    or
    `POST /conditional-orders`. The market's and account's rules answer with those operations' codes:
    `unknown_market`, `market_halted`, `invalid_tick_size`, `invalid_step_size`, `size_too_small`,
    `size_too_large`, `notional_too_small`, `price_out_of_range`, `post_only_would_take`,
    `trigger_price_type_unsupported`, `would_trigger_immediately`, `duplicate_client_order_id` (a leg's
    `client_order_id`, or `client_list_id`) and `insufficient_balance` (what the legs placed at once
    reserve).

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (StrategyOrderRequest): A new strategy order (see `POST /order-lists` for the rules):
            its `type` and its `legs` in the type's
            order — `oco`: two OCO legs; `oto`: the working order, then the pending leg; `otoco`: the
            working order,
            then the two OCO legs. Every leg is of one market.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | StrategyOrder
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_cooud_signature_version=x_cooud_signature_version,
            idempotency_key=idempotency_key,
        )
    ).parsed
