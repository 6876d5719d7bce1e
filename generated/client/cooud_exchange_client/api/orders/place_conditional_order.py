# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conditional_order import ConditionalOrder
from ...models.conditional_order_request import ConditionalOrderRequest
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ConditionalOrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_cooud_signature_version, Unset):
        headers["X-Cooud-Signature-Version"] = x_cooud_signature_version

    headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/conditional-orders",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConditionalOrder | ErrorEnvelope | None:
    if response.status_code == 201:
        response_201 = ConditionalOrder.from_dict(response.json())

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
) -> Response[ConditionalOrder | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ConditionalOrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ConditionalOrder | ErrorEnvelope]:
    """Place a conditional order

     Places a conditional order — a stop loss, a take profit or a trailing stop: an order that the
    exchange
    places for you when the market's **last trade price** crosses a trigger. Until then it waits
    (`status: new`), off the book and unseen by other traders. The `201` is sent only after it and its
    reservation are durably committed.

    **Kinds.** Whether it fires on a rise or on a fall follows from `type` and `side` — it is never
    chosen —
    and the response says which in `trigger_direction` (`rise`: fires when the last price is at or above
    the
    trigger; `fall`: at or below it).

    | `type` | `side` | fires when the last trade price … | then places |
    |---|---|---|---|
    | `stop_market` | sell | falls to or below `trigger_price` (stop loss) | a market sell |
    | `stop_market` | buy | rises to or above `trigger_price` (breakout) | a market buy |
    | `stop_limit` | sell | falls to or below `trigger_price` | a limit sell at `price` |
    | `stop_limit` | buy | rises to or above `trigger_price` | a limit buy at `price` |
    | `take_profit_market` | sell | rises to or above `trigger_price` | a market sell |
    | `take_profit_market` | buy | falls to or below `trigger_price` | a market buy |
    | `take_profit_limit` | sell | rises to or above `trigger_price` | a limit sell at `price` |
    | `take_profit_limit` | buy | falls to or below `trigger_price` | a limit buy at `price` |
    | `trailing_stop` | sell | falls to its trailing trigger, below the highest price since activation |
    a market sell |
    | `trailing_stop` | buy | rises to its trailing trigger, above the lowest price since activation | a
    market buy |

    **The order it places** is an ordinary order (never post-only) whose `conditional_order_id` names
    this
    conditional order; follow it with `GET /orders/{order_id}` and on the stream's `orders` channel.
    - Limit kinds (`stop_limit`, `take_profit_limit`): `price` and `size` required; `tif` is `GTC`
    (default),
      `IOC` or `FOK`, as for `POST /orders`.
    - Market kinds (`stop_market`, `take_profit_market`, `trailing_stop`): no `price`. A sell is sized
    by
      `size`; a buy by `quote_size`, the amount of the quote asset to spend, so that what is reserved is
      exactly what the order may spend. `tif` is `IOC` (default) or `FOK`; `FOK` needs `size`, so it is
    for
      sells only.

    **Trigger.**
    - `trigger_price` is required, except for `trailing_stop`, which takes none (its trigger trails the
    price).
    - `trigger_price_type` is `last` (the default): the price of the market's last trade. `mark` and
    `index`
      are refused with `422 trigger_price_type_unsupported` until perpetual markets exist.
    - If the last trade price already meets the trigger, the request is refused with
      `422 would_trigger_immediately` (place an ordinary order instead). A market that has never traded
    accepts
      any trigger; trailing stops are never refused this way.
    - Triggers are evaluated by the matching engine at each trade of the market, in engine order (the
    order
      in which the trades print). A trigger fires at most once, at the first trade that reaches it, and
    the
      order it places is matched in that same engine step, before any other request is handled — so its
      own trades may fire further triggers. Conditional orders that one trade fires are placed in order
    of
      their trigger's distance from that trade's price (nearest first), then oldest first.

    **Trailing stop.** It takes exactly one of `callback_rate` (a percentage from `0.1` to `10` with at
    most
    two decimals, e.g. `"1.5"`) and `callback_amount` (a price distance, on the market's tick), and
    optionally
    an `activation_price`. It is active from placement, or — with an `activation_price` the last trade
    price
    has not reached — from the first trade at or above it (sell) or at or below it (buy). While active,
    `tracked_price` is the best last trade price seen since activation, the market's last price at
    placement
    included (the highest for a sell, the lowest for a buy), and `trigger_price` is `tracked_price`
    minus (sell)
    or plus (buy) the callback — `callback_amount`, or `callback_rate` percent of `tracked_price` —
    rounded to
    the tick away from `tracked_price` (down for a sell, up for a buy), so it never trails by less than
    its
    callback and the reported `trigger_price` is exactly the price that fires it. Both are `null` until
    it is
    active (a market that has never traded has no last price yet). A trade that moves `tracked_price`
    does not
    fire it;
    each move updates the conditional order (`updated_at`, and a frame on the `conditional_orders`
    channel).

    **Funds.** What the placed order will need is reserved when the conditional order is accepted, as
    for
    `POST /orders`: a sell reserves `size` of the base asset, a limit buy `price × size` of the quote
    asset, a
    market-kind buy its `quote_size`. `reserved` and `reserved_asset` show it; it is held while the
    conditional order waits (`insufficient_balance` if your free balance cannot cover it now). At the
    trigger
    the reservation is released and the placed order reserves the same amount again in the same engine
    step,
    so a trigger never finds the funds short. If a rule refuses the placed order at that moment (e.g.
    the
    market is halted), the conditional order ends `rejected` with that rule's error code as its
    `reason`, and
    its funds are free again. Cancelling a waiting one releases its reservation.

    **States.** `new` (waiting) → `triggered` (its order is placed and working: `order_id`,
    `triggered_at`) →
    `finished` when the placed order ends (`reason`: that order's final status, `filled`, `cancelled` or
    `expired`; an order that ends at once, such as a market order, may show the conditional order
    `finished`
    without a `triggered` version before it). Or `cancelled` (`reason: requested`, by
    `DELETE /conditional-orders/{conditional_order_id}`, only while `new`) or `rejected` (`reason`: the
    code
    of the rule that refused the triggered order). `expired` is reserved for time-limited kinds; none is
    offered yet. Every change is sent on the stream's `conditional_orders` channel.

    **Refusals.** Structural rules a JSON schema cannot express answer `400 invalid_request` naming the
    field:
    a `trigger_price` on a trailing stop or none on another kind; `activation_price`, `callback_rate` or
    `callback_amount` on another kind than `trailing_stop`, or both or neither callback on a trailing
    stop;
    `price` missing on a limit kind or given on a market kind; `size` missing on a sell or a limit buy,
    or
    given on a market-kind buy; `quote_size` missing on a market-kind buy or given on anything else;
    `GTC` on
    a market kind; `FOK` with `quote_size`. The market's rules answer with the codes of `POST /orders`:
    `unknown_market`, `market_halted`, `invalid_tick_size` (any price field: `trigger_price`, `price`,
    `activation_price`, `callback_amount`), `invalid_step_size` (`size`, or `quote_size` beyond its
    asset's
    precision), `size_too_small`, `size_too_large`, `notional_too_small` (`price × size`;
    `trigger_price × size` for a market-kind sell; `quote_size` for a market-kind buy),
    `price_out_of_range`. And
    `trigger_price_type_unsupported`, `duplicate_client_order_id` (`client_order_id` is unique per
    account
    among its conditional orders), `would_trigger_immediately` and `insufficient_balance`.

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (ConditionalOrderRequest): A new conditional order (see `POST /conditional-orders`
            for the rules). `trigger_price` is required except
            for a `trailing_stop`, which takes exactly one of `callback_rate` and `callback_amount`
            and optionally an
            `activation_price` instead. Limit kinds need `price` and `size`; market kinds take no
            `price` and are sized
            by `size` (sells) or `quote_size` (buys). `tif` defaults to `GTC` for limit kinds and to
            `IOC` for market
            kinds (which cannot be `GTC`; `FOK` needs `size`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConditionalOrder | ErrorEnvelope]
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
    body: ConditionalOrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ConditionalOrder | ErrorEnvelope | None:
    """Place a conditional order

     Places a conditional order — a stop loss, a take profit or a trailing stop: an order that the
    exchange
    places for you when the market's **last trade price** crosses a trigger. Until then it waits
    (`status: new`), off the book and unseen by other traders. The `201` is sent only after it and its
    reservation are durably committed.

    **Kinds.** Whether it fires on a rise or on a fall follows from `type` and `side` — it is never
    chosen —
    and the response says which in `trigger_direction` (`rise`: fires when the last price is at or above
    the
    trigger; `fall`: at or below it).

    | `type` | `side` | fires when the last trade price … | then places |
    |---|---|---|---|
    | `stop_market` | sell | falls to or below `trigger_price` (stop loss) | a market sell |
    | `stop_market` | buy | rises to or above `trigger_price` (breakout) | a market buy |
    | `stop_limit` | sell | falls to or below `trigger_price` | a limit sell at `price` |
    | `stop_limit` | buy | rises to or above `trigger_price` | a limit buy at `price` |
    | `take_profit_market` | sell | rises to or above `trigger_price` | a market sell |
    | `take_profit_market` | buy | falls to or below `trigger_price` | a market buy |
    | `take_profit_limit` | sell | rises to or above `trigger_price` | a limit sell at `price` |
    | `take_profit_limit` | buy | falls to or below `trigger_price` | a limit buy at `price` |
    | `trailing_stop` | sell | falls to its trailing trigger, below the highest price since activation |
    a market sell |
    | `trailing_stop` | buy | rises to its trailing trigger, above the lowest price since activation | a
    market buy |

    **The order it places** is an ordinary order (never post-only) whose `conditional_order_id` names
    this
    conditional order; follow it with `GET /orders/{order_id}` and on the stream's `orders` channel.
    - Limit kinds (`stop_limit`, `take_profit_limit`): `price` and `size` required; `tif` is `GTC`
    (default),
      `IOC` or `FOK`, as for `POST /orders`.
    - Market kinds (`stop_market`, `take_profit_market`, `trailing_stop`): no `price`. A sell is sized
    by
      `size`; a buy by `quote_size`, the amount of the quote asset to spend, so that what is reserved is
      exactly what the order may spend. `tif` is `IOC` (default) or `FOK`; `FOK` needs `size`, so it is
    for
      sells only.

    **Trigger.**
    - `trigger_price` is required, except for `trailing_stop`, which takes none (its trigger trails the
    price).
    - `trigger_price_type` is `last` (the default): the price of the market's last trade. `mark` and
    `index`
      are refused with `422 trigger_price_type_unsupported` until perpetual markets exist.
    - If the last trade price already meets the trigger, the request is refused with
      `422 would_trigger_immediately` (place an ordinary order instead). A market that has never traded
    accepts
      any trigger; trailing stops are never refused this way.
    - Triggers are evaluated by the matching engine at each trade of the market, in engine order (the
    order
      in which the trades print). A trigger fires at most once, at the first trade that reaches it, and
    the
      order it places is matched in that same engine step, before any other request is handled — so its
      own trades may fire further triggers. Conditional orders that one trade fires are placed in order
    of
      their trigger's distance from that trade's price (nearest first), then oldest first.

    **Trailing stop.** It takes exactly one of `callback_rate` (a percentage from `0.1` to `10` with at
    most
    two decimals, e.g. `"1.5"`) and `callback_amount` (a price distance, on the market's tick), and
    optionally
    an `activation_price`. It is active from placement, or — with an `activation_price` the last trade
    price
    has not reached — from the first trade at or above it (sell) or at or below it (buy). While active,
    `tracked_price` is the best last trade price seen since activation, the market's last price at
    placement
    included (the highest for a sell, the lowest for a buy), and `trigger_price` is `tracked_price`
    minus (sell)
    or plus (buy) the callback — `callback_amount`, or `callback_rate` percent of `tracked_price` —
    rounded to
    the tick away from `tracked_price` (down for a sell, up for a buy), so it never trails by less than
    its
    callback and the reported `trigger_price` is exactly the price that fires it. Both are `null` until
    it is
    active (a market that has never traded has no last price yet). A trade that moves `tracked_price`
    does not
    fire it;
    each move updates the conditional order (`updated_at`, and a frame on the `conditional_orders`
    channel).

    **Funds.** What the placed order will need is reserved when the conditional order is accepted, as
    for
    `POST /orders`: a sell reserves `size` of the base asset, a limit buy `price × size` of the quote
    asset, a
    market-kind buy its `quote_size`. `reserved` and `reserved_asset` show it; it is held while the
    conditional order waits (`insufficient_balance` if your free balance cannot cover it now). At the
    trigger
    the reservation is released and the placed order reserves the same amount again in the same engine
    step,
    so a trigger never finds the funds short. If a rule refuses the placed order at that moment (e.g.
    the
    market is halted), the conditional order ends `rejected` with that rule's error code as its
    `reason`, and
    its funds are free again. Cancelling a waiting one releases its reservation.

    **States.** `new` (waiting) → `triggered` (its order is placed and working: `order_id`,
    `triggered_at`) →
    `finished` when the placed order ends (`reason`: that order's final status, `filled`, `cancelled` or
    `expired`; an order that ends at once, such as a market order, may show the conditional order
    `finished`
    without a `triggered` version before it). Or `cancelled` (`reason: requested`, by
    `DELETE /conditional-orders/{conditional_order_id}`, only while `new`) or `rejected` (`reason`: the
    code
    of the rule that refused the triggered order). `expired` is reserved for time-limited kinds; none is
    offered yet. Every change is sent on the stream's `conditional_orders` channel.

    **Refusals.** Structural rules a JSON schema cannot express answer `400 invalid_request` naming the
    field:
    a `trigger_price` on a trailing stop or none on another kind; `activation_price`, `callback_rate` or
    `callback_amount` on another kind than `trailing_stop`, or both or neither callback on a trailing
    stop;
    `price` missing on a limit kind or given on a market kind; `size` missing on a sell or a limit buy,
    or
    given on a market-kind buy; `quote_size` missing on a market-kind buy or given on anything else;
    `GTC` on
    a market kind; `FOK` with `quote_size`. The market's rules answer with the codes of `POST /orders`:
    `unknown_market`, `market_halted`, `invalid_tick_size` (any price field: `trigger_price`, `price`,
    `activation_price`, `callback_amount`), `invalid_step_size` (`size`, or `quote_size` beyond its
    asset's
    precision), `size_too_small`, `size_too_large`, `notional_too_small` (`price × size`;
    `trigger_price × size` for a market-kind sell; `quote_size` for a market-kind buy),
    `price_out_of_range`. And
    `trigger_price_type_unsupported`, `duplicate_client_order_id` (`client_order_id` is unique per
    account
    among its conditional orders), `would_trigger_immediately` and `insufficient_balance`.

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (ConditionalOrderRequest): A new conditional order (see `POST /conditional-orders`
            for the rules). `trigger_price` is required except
            for a `trailing_stop`, which takes exactly one of `callback_rate` and `callback_amount`
            and optionally an
            `activation_price` instead. Limit kinds need `price` and `size`; market kinds take no
            `price` and are sized
            by `size` (sells) or `quote_size` (buys). `tif` defaults to `GTC` for limit kinds and to
            `IOC` for market
            kinds (which cannot be `GTC`; `FOK` needs `size`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConditionalOrder | ErrorEnvelope
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
    body: ConditionalOrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> Response[ConditionalOrder | ErrorEnvelope]:
    """Place a conditional order

     Places a conditional order — a stop loss, a take profit or a trailing stop: an order that the
    exchange
    places for you when the market's **last trade price** crosses a trigger. Until then it waits
    (`status: new`), off the book and unseen by other traders. The `201` is sent only after it and its
    reservation are durably committed.

    **Kinds.** Whether it fires on a rise or on a fall follows from `type` and `side` — it is never
    chosen —
    and the response says which in `trigger_direction` (`rise`: fires when the last price is at or above
    the
    trigger; `fall`: at or below it).

    | `type` | `side` | fires when the last trade price … | then places |
    |---|---|---|---|
    | `stop_market` | sell | falls to or below `trigger_price` (stop loss) | a market sell |
    | `stop_market` | buy | rises to or above `trigger_price` (breakout) | a market buy |
    | `stop_limit` | sell | falls to or below `trigger_price` | a limit sell at `price` |
    | `stop_limit` | buy | rises to or above `trigger_price` | a limit buy at `price` |
    | `take_profit_market` | sell | rises to or above `trigger_price` | a market sell |
    | `take_profit_market` | buy | falls to or below `trigger_price` | a market buy |
    | `take_profit_limit` | sell | rises to or above `trigger_price` | a limit sell at `price` |
    | `take_profit_limit` | buy | falls to or below `trigger_price` | a limit buy at `price` |
    | `trailing_stop` | sell | falls to its trailing trigger, below the highest price since activation |
    a market sell |
    | `trailing_stop` | buy | rises to its trailing trigger, above the lowest price since activation | a
    market buy |

    **The order it places** is an ordinary order (never post-only) whose `conditional_order_id` names
    this
    conditional order; follow it with `GET /orders/{order_id}` and on the stream's `orders` channel.
    - Limit kinds (`stop_limit`, `take_profit_limit`): `price` and `size` required; `tif` is `GTC`
    (default),
      `IOC` or `FOK`, as for `POST /orders`.
    - Market kinds (`stop_market`, `take_profit_market`, `trailing_stop`): no `price`. A sell is sized
    by
      `size`; a buy by `quote_size`, the amount of the quote asset to spend, so that what is reserved is
      exactly what the order may spend. `tif` is `IOC` (default) or `FOK`; `FOK` needs `size`, so it is
    for
      sells only.

    **Trigger.**
    - `trigger_price` is required, except for `trailing_stop`, which takes none (its trigger trails the
    price).
    - `trigger_price_type` is `last` (the default): the price of the market's last trade. `mark` and
    `index`
      are refused with `422 trigger_price_type_unsupported` until perpetual markets exist.
    - If the last trade price already meets the trigger, the request is refused with
      `422 would_trigger_immediately` (place an ordinary order instead). A market that has never traded
    accepts
      any trigger; trailing stops are never refused this way.
    - Triggers are evaluated by the matching engine at each trade of the market, in engine order (the
    order
      in which the trades print). A trigger fires at most once, at the first trade that reaches it, and
    the
      order it places is matched in that same engine step, before any other request is handled — so its
      own trades may fire further triggers. Conditional orders that one trade fires are placed in order
    of
      their trigger's distance from that trade's price (nearest first), then oldest first.

    **Trailing stop.** It takes exactly one of `callback_rate` (a percentage from `0.1` to `10` with at
    most
    two decimals, e.g. `"1.5"`) and `callback_amount` (a price distance, on the market's tick), and
    optionally
    an `activation_price`. It is active from placement, or — with an `activation_price` the last trade
    price
    has not reached — from the first trade at or above it (sell) or at or below it (buy). While active,
    `tracked_price` is the best last trade price seen since activation, the market's last price at
    placement
    included (the highest for a sell, the lowest for a buy), and `trigger_price` is `tracked_price`
    minus (sell)
    or plus (buy) the callback — `callback_amount`, or `callback_rate` percent of `tracked_price` —
    rounded to
    the tick away from `tracked_price` (down for a sell, up for a buy), so it never trails by less than
    its
    callback and the reported `trigger_price` is exactly the price that fires it. Both are `null` until
    it is
    active (a market that has never traded has no last price yet). A trade that moves `tracked_price`
    does not
    fire it;
    each move updates the conditional order (`updated_at`, and a frame on the `conditional_orders`
    channel).

    **Funds.** What the placed order will need is reserved when the conditional order is accepted, as
    for
    `POST /orders`: a sell reserves `size` of the base asset, a limit buy `price × size` of the quote
    asset, a
    market-kind buy its `quote_size`. `reserved` and `reserved_asset` show it; it is held while the
    conditional order waits (`insufficient_balance` if your free balance cannot cover it now). At the
    trigger
    the reservation is released and the placed order reserves the same amount again in the same engine
    step,
    so a trigger never finds the funds short. If a rule refuses the placed order at that moment (e.g.
    the
    market is halted), the conditional order ends `rejected` with that rule's error code as its
    `reason`, and
    its funds are free again. Cancelling a waiting one releases its reservation.

    **States.** `new` (waiting) → `triggered` (its order is placed and working: `order_id`,
    `triggered_at`) →
    `finished` when the placed order ends (`reason`: that order's final status, `filled`, `cancelled` or
    `expired`; an order that ends at once, such as a market order, may show the conditional order
    `finished`
    without a `triggered` version before it). Or `cancelled` (`reason: requested`, by
    `DELETE /conditional-orders/{conditional_order_id}`, only while `new`) or `rejected` (`reason`: the
    code
    of the rule that refused the triggered order). `expired` is reserved for time-limited kinds; none is
    offered yet. Every change is sent on the stream's `conditional_orders` channel.

    **Refusals.** Structural rules a JSON schema cannot express answer `400 invalid_request` naming the
    field:
    a `trigger_price` on a trailing stop or none on another kind; `activation_price`, `callback_rate` or
    `callback_amount` on another kind than `trailing_stop`, or both or neither callback on a trailing
    stop;
    `price` missing on a limit kind or given on a market kind; `size` missing on a sell or a limit buy,
    or
    given on a market-kind buy; `quote_size` missing on a market-kind buy or given on anything else;
    `GTC` on
    a market kind; `FOK` with `quote_size`. The market's rules answer with the codes of `POST /orders`:
    `unknown_market`, `market_halted`, `invalid_tick_size` (any price field: `trigger_price`, `price`,
    `activation_price`, `callback_amount`), `invalid_step_size` (`size`, or `quote_size` beyond its
    asset's
    precision), `size_too_small`, `size_too_large`, `notional_too_small` (`price × size`;
    `trigger_price × size` for a market-kind sell; `quote_size` for a market-kind buy),
    `price_out_of_range`. And
    `trigger_price_type_unsupported`, `duplicate_client_order_id` (`client_order_id` is unique per
    account
    among its conditional orders), `would_trigger_immediately` and `insufficient_balance`.

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (ConditionalOrderRequest): A new conditional order (see `POST /conditional-orders`
            for the rules). `trigger_price` is required except
            for a `trailing_stop`, which takes exactly one of `callback_rate` and `callback_amount`
            and optionally an
            `activation_price` instead. Limit kinds need `price` and `size`; market kinds take no
            `price` and are sized
            by `size` (sells) or `quote_size` (buys). `tif` defaults to `GTC` for limit kinds and to
            `IOC` for market
            kinds (which cannot be `GTC`; `FOK` needs `size`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConditionalOrder | ErrorEnvelope]
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
    body: ConditionalOrderRequest,
    x_cooud_signature_version: str | Unset = UNSET,
    idempotency_key: str,
) -> ConditionalOrder | ErrorEnvelope | None:
    """Place a conditional order

     Places a conditional order — a stop loss, a take profit or a trailing stop: an order that the
    exchange
    places for you when the market's **last trade price** crosses a trigger. Until then it waits
    (`status: new`), off the book and unseen by other traders. The `201` is sent only after it and its
    reservation are durably committed.

    **Kinds.** Whether it fires on a rise or on a fall follows from `type` and `side` — it is never
    chosen —
    and the response says which in `trigger_direction` (`rise`: fires when the last price is at or above
    the
    trigger; `fall`: at or below it).

    | `type` | `side` | fires when the last trade price … | then places |
    |---|---|---|---|
    | `stop_market` | sell | falls to or below `trigger_price` (stop loss) | a market sell |
    | `stop_market` | buy | rises to or above `trigger_price` (breakout) | a market buy |
    | `stop_limit` | sell | falls to or below `trigger_price` | a limit sell at `price` |
    | `stop_limit` | buy | rises to or above `trigger_price` | a limit buy at `price` |
    | `take_profit_market` | sell | rises to or above `trigger_price` | a market sell |
    | `take_profit_market` | buy | falls to or below `trigger_price` | a market buy |
    | `take_profit_limit` | sell | rises to or above `trigger_price` | a limit sell at `price` |
    | `take_profit_limit` | buy | falls to or below `trigger_price` | a limit buy at `price` |
    | `trailing_stop` | sell | falls to its trailing trigger, below the highest price since activation |
    a market sell |
    | `trailing_stop` | buy | rises to its trailing trigger, above the lowest price since activation | a
    market buy |

    **The order it places** is an ordinary order (never post-only) whose `conditional_order_id` names
    this
    conditional order; follow it with `GET /orders/{order_id}` and on the stream's `orders` channel.
    - Limit kinds (`stop_limit`, `take_profit_limit`): `price` and `size` required; `tif` is `GTC`
    (default),
      `IOC` or `FOK`, as for `POST /orders`.
    - Market kinds (`stop_market`, `take_profit_market`, `trailing_stop`): no `price`. A sell is sized
    by
      `size`; a buy by `quote_size`, the amount of the quote asset to spend, so that what is reserved is
      exactly what the order may spend. `tif` is `IOC` (default) or `FOK`; `FOK` needs `size`, so it is
    for
      sells only.

    **Trigger.**
    - `trigger_price` is required, except for `trailing_stop`, which takes none (its trigger trails the
    price).
    - `trigger_price_type` is `last` (the default): the price of the market's last trade. `mark` and
    `index`
      are refused with `422 trigger_price_type_unsupported` until perpetual markets exist.
    - If the last trade price already meets the trigger, the request is refused with
      `422 would_trigger_immediately` (place an ordinary order instead). A market that has never traded
    accepts
      any trigger; trailing stops are never refused this way.
    - Triggers are evaluated by the matching engine at each trade of the market, in engine order (the
    order
      in which the trades print). A trigger fires at most once, at the first trade that reaches it, and
    the
      order it places is matched in that same engine step, before any other request is handled — so its
      own trades may fire further triggers. Conditional orders that one trade fires are placed in order
    of
      their trigger's distance from that trade's price (nearest first), then oldest first.

    **Trailing stop.** It takes exactly one of `callback_rate` (a percentage from `0.1` to `10` with at
    most
    two decimals, e.g. `"1.5"`) and `callback_amount` (a price distance, on the market's tick), and
    optionally
    an `activation_price`. It is active from placement, or — with an `activation_price` the last trade
    price
    has not reached — from the first trade at or above it (sell) or at or below it (buy). While active,
    `tracked_price` is the best last trade price seen since activation, the market's last price at
    placement
    included (the highest for a sell, the lowest for a buy), and `trigger_price` is `tracked_price`
    minus (sell)
    or plus (buy) the callback — `callback_amount`, or `callback_rate` percent of `tracked_price` —
    rounded to
    the tick away from `tracked_price` (down for a sell, up for a buy), so it never trails by less than
    its
    callback and the reported `trigger_price` is exactly the price that fires it. Both are `null` until
    it is
    active (a market that has never traded has no last price yet). A trade that moves `tracked_price`
    does not
    fire it;
    each move updates the conditional order (`updated_at`, and a frame on the `conditional_orders`
    channel).

    **Funds.** What the placed order will need is reserved when the conditional order is accepted, as
    for
    `POST /orders`: a sell reserves `size` of the base asset, a limit buy `price × size` of the quote
    asset, a
    market-kind buy its `quote_size`. `reserved` and `reserved_asset` show it; it is held while the
    conditional order waits (`insufficient_balance` if your free balance cannot cover it now). At the
    trigger
    the reservation is released and the placed order reserves the same amount again in the same engine
    step,
    so a trigger never finds the funds short. If a rule refuses the placed order at that moment (e.g.
    the
    market is halted), the conditional order ends `rejected` with that rule's error code as its
    `reason`, and
    its funds are free again. Cancelling a waiting one releases its reservation.

    **States.** `new` (waiting) → `triggered` (its order is placed and working: `order_id`,
    `triggered_at`) →
    `finished` when the placed order ends (`reason`: that order's final status, `filled`, `cancelled` or
    `expired`; an order that ends at once, such as a market order, may show the conditional order
    `finished`
    without a `triggered` version before it). Or `cancelled` (`reason: requested`, by
    `DELETE /conditional-orders/{conditional_order_id}`, only while `new`) or `rejected` (`reason`: the
    code
    of the rule that refused the triggered order). `expired` is reserved for time-limited kinds; none is
    offered yet. Every change is sent on the stream's `conditional_orders` channel.

    **Refusals.** Structural rules a JSON schema cannot express answer `400 invalid_request` naming the
    field:
    a `trigger_price` on a trailing stop or none on another kind; `activation_price`, `callback_rate` or
    `callback_amount` on another kind than `trailing_stop`, or both or neither callback on a trailing
    stop;
    `price` missing on a limit kind or given on a market kind; `size` missing on a sell or a limit buy,
    or
    given on a market-kind buy; `quote_size` missing on a market-kind buy or given on anything else;
    `GTC` on
    a market kind; `FOK` with `quote_size`. The market's rules answer with the codes of `POST /orders`:
    `unknown_market`, `market_halted`, `invalid_tick_size` (any price field: `trigger_price`, `price`,
    `activation_price`, `callback_amount`), `invalid_step_size` (`size`, or `quote_size` beyond its
    asset's
    precision), `size_too_small`, `size_too_large`, `notional_too_small` (`price × size`;
    `trigger_price × size` for a market-kind sell; `quote_size` for a market-kind buy),
    `price_out_of_range`. And
    `trigger_price_type_unsupported`, `duplicate_client_order_id` (`client_order_id` is unique per
    account
    among its conditional orders), `would_trigger_immediately` and `insufficient_balance`.

    Args:
        x_cooud_signature_version (str | Unset):
        idempotency_key (str):
        body (ConditionalOrderRequest): A new conditional order (see `POST /conditional-orders`
            for the rules). `trigger_price` is required except
            for a `trailing_stop`, which takes exactly one of `callback_rate` and `callback_amount`
            and optionally an
            `activation_price` instead. Limit kinds need `price` and `size`; market kinds take no
            `price` and are sized
            by `size` (sells) or `quote_size` (buys). `tif` defaults to `GTC` for limit kinds and to
            `IOC` for market
            kinds (which cannot be `GTC`; `FOK` needs `size`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConditionalOrder | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_cooud_signature_version=x_cooud_signature_version,
            idempotency_key=idempotency_key,
        )
    ).parsed
