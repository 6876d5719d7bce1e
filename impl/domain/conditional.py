"""Conditional orders: an order placed by the engine when the market's last trade price crosses a trigger.

Kinds (`type`) and when they fire — the trigger direction follows from side and kind, it is never chosen:

| type                | side | fires when the last price …                          | places            |
|---------------------|------|------------------------------------------------------|-------------------|
| stop_market         | sell | falls to or below `trigger_price` (stop loss)        | market sell       |
| stop_market         | buy  | rises to or above `trigger_price` (breakout)         | market buy        |
| stop_limit          | sell | falls to or below `trigger_price`                    | limit sell        |
| stop_limit          | buy  | rises to or above `trigger_price`                    | limit buy         |
| take_profit_market  | sell | rises to or above `trigger_price`                    | market sell       |
| take_profit_market  | buy  | falls to or below `trigger_price`                    | market buy        |
| take_profit_limit   | sell | rises to or above `trigger_price`                    | limit sell        |
| take_profit_limit   | buy  | falls to or below `trigger_price`                    | limit buy         |
| trailing_stop       | sell | falls to its trailing trigger (below the high)       | market sell       |
| trailing_stop       | buy  | rises to its trailing trigger (above the low)        | market buy        |

Trailing stop: once active (at placement, or when the last price reaches `activation_price` — at or above it for a
sell, at or below for a buy), `tracked_price` is the best last price seen since (highest for a sell, lowest for a
buy) and the trigger is `tracked_price` minus (sell) / plus (buy) the callback — `callback_amount` in price units,
or `callback_rate` in hundredths of a percent of `tracked_price` — rounded to the tick towards the tracked price
(down for a sell, up for a buy), so the reported `trigger_price` is exactly the price that fires it.

Money: the funds the placed order will need are reserved when the conditional order is accepted — `price × size` of
the quote asset for a limit buy, `quote_size` for a market buy (market-kind buys are sized by quote amount, so the
reservation is exact), `size` of the base asset for a sell — and held until it fires or is cancelled. At the trigger
the reservation is released and the order placed in the same engine step, which reserves the same amount again, so a
trigger never finds the funds short. If the order is refused by a rule at that moment (e.g. the market is halted),
the conditional order ends `rejected` with that rule's code as its `reason`, and its funds are free again.

States: `new` (waiting for its trigger) → `triggered` (its order is placed and working; `order_id` links it, and the
order's `parent_id` links back) → `finished` (the placed order ended; `reason` is that order's final status). Or
`cancelled` (`reason` `requested`), `rejected` (`reason` the code of the rule that refused the triggered order).
`expired` is in the contract for time-limited kinds (none is offered yet). Only `new` can be cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("stop_market", "stop_limit", "take_profit_market", "take_profit_limit", "trailing_stop")
LIMIT_KINDS = ("stop_limit", "take_profit_limit")
LIVE_STATUSES = ("new", "triggered")
FINAL_STATUSES = ("finished", "cancelled", "rejected", "expired")
RATE_SCALE = 10_000  # callback_rate is held in hundredths of a percent: 100 = 1 %
MIN_CALLBACK_RATE, MAX_CALLBACK_RATE = 10, 1_000  # 0.1 % .. 10 %


def direction(kind: str, side: str) -> str:
    """"rise" (fires when last >= trigger) or "fall" (fires when last <= trigger)."""
    rises = side == "buy" if kind in ("stop_market", "stop_limit", "trailing_stop") else side == "sell"
    return "rise" if rises else "fall"


def crossed(trigger_direction: str, trigger: int, last: int) -> bool:
    return last >= trigger if trigger_direction == "rise" else last <= trigger


def trailing_trigger(side: str, tracked: int, tick: int, rate: int | None, amount: int | None) -> int:
    """The trigger of a trailing stop that has seen `tracked` as its best price, on the tick grid (rounded towards
    `tracked`). A sell trails below the high, a buy above the low."""
    if amount is not None:
        distance = amount
    else:
        distance = tracked * rate  # in price units × RATE_SCALE
        if side == "sell":
            exact = tracked * RATE_SCALE - distance
            return max(tick, -(-exact // (RATE_SCALE * tick)) * tick)  # up: towards the high
        exact = tracked * RATE_SCALE + distance
        return (exact // (RATE_SCALE * tick)) * tick  # down: towards the low
    return max(tick, tracked - distance) if side == "sell" else tracked + distance


@dataclass(frozen=True)
class NewConditional:
    """A conditional order as checked against its market's static rules (integer units; see impl/domain/orders.py)."""

    symbol: str
    side: str
    type: str
    trigger_price: int | None  # price units; None for a trailing stop
    price: int | None  # limit kinds
    size: int | None  # sells and limit buys
    quote_size: int | None  # market-kind buys (quote minor units)
    tif: str  # of the order it places
    activation_price: int | None = None  # trailing stop only
    callback_rate: int | None = None  # trailing stop: hundredths of a percent
    callback_amount: int | None = None  # trailing stop: price units
    client_order_id: str | None = None


@dataclass
class ConditionalOrder:
    id: str  # cond_<ULID>
    account: str
    symbol: str
    side: str
    type: str
    trigger_direction: str  # "rise" | "fall"
    trigger_price: int | None  # trailing: the current trigger, None until it has a tracked price
    price: int | None
    size: int | None
    quote_size: int | None
    tif: str
    activation_price: int | None
    callback_rate: int | None
    callback_amount: int | None
    tracked_price: int | None  # trailing: best last price since activation; None while not active
    client_order_id: str | None
    status: str
    reason: str | None
    order_id: str | None  # the order it placed
    order_list_id: str | None  # the strategy order it belongs to
    reserved: int  # minor units locked now (the quote asset for a buy, the base asset for a sell)
    created_at_ms: int
    updated_at_ms: int
    triggered_at_ms: int | None

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def waiting(self) -> bool:
        """Not fired yet: watched by the engine's trigger index."""
        return self.status == "new"

    @property
    def order_type(self) -> str:
        return "limit" if self.type in LIMIT_KINDS else "market"

    def snapshot(self) -> ConditionalOrder:
        copy = ConditionalOrder.__new__(ConditionalOrder)
        copy.__dict__.update(self.__dict__)
        return copy
