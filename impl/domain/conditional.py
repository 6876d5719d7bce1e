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
or `callback_rate` in hundredths of a percent of `tracked_price` — rounded to the tick away from the tracked price
(down for a sell, up for a buy: it never trails by less than its callback); the reported `trigger_price` is exactly
the price that fires it. A trailing stop never fires on the trade that activates it.

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

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from impl.domain.errors import InvalidArgument, OrderRejected
from impl.domain.orders import MarketUnits, check_notional, check_price, check_quote_size, check_size, tradable

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
    """The trigger of a trailing stop whose best price so far is `tracked`, on the tick grid: a sell trails below the
    high, a buy above the low, by `amount` price units or by `rate` hundredths of a percent of `tracked`, rounded
    away from `tracked` (down for a sell, up for a buy) so that it never trails by less than its callback."""
    if side == "sell":
        if amount is not None:
            return max(0, tracked - amount)
        exact = tracked * (RATE_SCALE - rate)  # price units × RATE_SCALE
        return exact // (RATE_SCALE * tick) * tick
    if amount is not None:
        return tracked + amount
    exact = tracked * (RATE_SCALE + rate)
    return -(-exact // (RATE_SCALE * tick)) * tick


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


class TriggerIndex:
    """The waiting (`new`) conditional orders of one market, ordered for evaluation at a trade price: fixed triggers
    in two sorted lists (rise: lowest trigger first; fall: highest first), trailing stops apart (each trade may move
    their trigger). `crossed(price)` updates the trailing stops and removes and returns everything that fires at
    `price`, in firing order: nearest trigger first, then oldest."""

    __slots__ = ("rise", "fall", "trailing")

    def __init__(self) -> None:
        self.rise: list[tuple[int, str, ConditionalOrder]] = []
        self.fall: list[tuple[int, str, ConditionalOrder]] = []  # keyed by -trigger
        self.trailing: dict[str, ConditionalOrder] = {}

    def __len__(self) -> int:
        return len(self.rise) + len(self.fall) + len(self.trailing)

    def add(self, c: ConditionalOrder) -> None:
        if c.type == "trailing_stop":
            self.trailing[c.id] = c
        elif c.trigger_direction == "rise":
            insort(self.rise, (c.trigger_price, c.id, c), key=_key)
        else:
            insort(self.fall, (-c.trigger_price, c.id, c), key=_key)

    def remove(self, c: ConditionalOrder) -> None:
        if c.type == "trailing_stop":
            self.trailing.pop(c.id, None)
            return
        entries, key = (self.rise, c.trigger_price) if c.trigger_direction == "rise" else (self.fall, -c.trigger_price)
        i = bisect_left(entries, (key, c.id), key=_key)
        if i < len(entries) and entries[i][1] == c.id:
            del entries[i]

    def crossed(self, price: int, tick: int, now_ms: int, moved: list[ConditionalOrder]) -> list[ConditionalOrder]:
        """What fires at a trade at `price`; trailing stops whose tracked price moved are appended to `moved`."""
        fired: list[tuple[int, str, ConditionalOrder]] = []
        if self.rise and self.rise[0][0] <= price:
            i = bisect_right(self.rise, (price, "~"), key=_key)
            fired += [(price - t, cid, c) for t, cid, c in self.rise[:i]]
            del self.rise[:i]
        if self.fall and -self.fall[0][0] >= price:
            i = bisect_right(self.fall, (-price, "~"), key=_key)
            fired += [(-t - price, cid, c) for t, cid, c in self.fall[:i]]
            del self.fall[:i]
        for c in list(self.trailing.values()):
            if track(c, price, tick, now_ms):
                moved.append(c)
            elif c.trigger_price is not None and crossed(c.trigger_direction, c.trigger_price, price):
                del self.trailing[c.id]
                fired.append((abs(price - c.trigger_price), c.id, c))
        fired.sort(key=_key)
        return [c for _, _, c in fired]


def _key(entry: tuple) -> tuple:
    return entry[0], entry[1]


def track(c: ConditionalOrder, price: int, tick: int, now_ms: int) -> bool:
    """Let a trailing stop see a trade at `price`: activate it, or move its tracked price (and trigger) if `price` is
    better. True if it changed (it does not fire on a trade that changed it)."""
    sell = c.side == "sell"
    if c.tracked_price is None:
        if c.activation_price is not None and (price < c.activation_price if sell else price > c.activation_price):
            return False
    elif price <= c.tracked_price if sell else price >= c.tracked_price:
        return False
    c.tracked_price = price
    c.trigger_price = trailing_trigger(c.side, price, tick, c.callback_rate, c.callback_amount)
    c.updated_at_ms = now_ms
    return True


# -- a request, checked against the market's static rules ------------------------------------------------------
def validate_conditional(request: dict, units: MarketUnits | None) -> NewConditional:
    """A conditional-order request (already schema-valid) -> NewConditional in integer units, or the refusal:
    `InvalidArgument` for structural rules the schema cannot express, `OrderRejected` for the market's rules (the
    codes of placing an order) and `trigger_price_type_unsupported`."""
    m = tradable(request["symbol"], units).market
    kind, side = request["type"], request["side"]
    given = {k for k, v in request.items() if v is not None}
    if request.get("trigger_price_type", "last") != "last":
        raise OrderRejected("trigger_price_type_unsupported", "Only trigger_price_type 'last' is offered: mark and "
                            "index prices exist for perpetual markets only.", field="trigger_price_type")
    trailing = kind == "trailing_stop"
    if trailing:
        _forbid(given, "trigger_price", "A trailing stop has no fixed trigger_price; it trails the last price.")
        if len(given & {"callback_rate", "callback_amount"}) != 1:
            raise InvalidArgument("A trailing stop takes exactly one of callback_rate and callback_amount.",
                                  field="callback_rate")
    else:
        if "trigger_price" not in given:
            raise InvalidArgument(f"A {kind} order needs a trigger_price.", field="trigger_price")
        for name in ("activation_price", "callback_rate", "callback_amount"):
            _forbid(given, name, f"{name} is for trailing stops only.")
    limit = kind in LIMIT_KINDS
    if limit:
        tif = request.get("tif", "GTC")
        for needed in ("price", "size"):
            if needed not in given:
                raise InvalidArgument(f"A {kind} order needs {needed!r}.", field=needed)
        _forbid(given, "quote_size", "quote_size is for market-kind buys only.")
    else:
        tif = request.get("tif", "IOC")
        _forbid(given, "price", f"A {kind} order places a market order: no price.")
        if tif == "GTC":
            raise InvalidArgument("A market-kind order never rests: time in force IOC or FOK.", field="tif")
        if side == "buy":
            if "quote_size" not in given:
                raise InvalidArgument("A market-kind buy is sized by quote_size (the amount to spend, reserved at "
                                      "placement).", field="quote_size")
            _forbid(given, "size", "A market-kind buy is sized by quote_size, not size.")
            if tif == "FOK":
                raise InvalidArgument("FOK needs a size: a quote amount rarely divides into whole units.", field="tif")
        else:
            if "size" not in given:
                raise InvalidArgument("A sell is sized by size.", field="size")
            _forbid(given, "quote_size", "quote_size is for market-kind buys only.")
    trigger = _price(request, "trigger_price", units)
    price = _price(request, "price", units)
    size = check_size(request["size"], units) if "size" in given else None
    quote_size = None
    if "quote_size" in given:
        quote_size = check_quote_size(request["quote_size"], units)
    if size is not None and (price or trigger) is not None:
        check_notional(price or trigger, size, units)
    rate = amount = None
    if "callback_rate" in given:
        rate = _rate(request["callback_rate"])
    if "callback_amount" in given:
        amount = _price(request, "callback_amount", units)
    return NewConditional(m.symbol, side, kind, trigger, price, size, quote_size, tif,
                          _price(request, "activation_price", units), rate, amount, request.get("client_order_id"))


def _forbid(given: set, name: str, message: str) -> None:
    if name in given:
        raise InvalidArgument(message, field=name)


def _price(request: dict, name: str, units: MarketUnits) -> int | None:
    value = request.get(name)
    if value is None:
        return None
    return check_price(value, units, name)


def _rate(value: str) -> int:
    try:
        hundredths = Decimal(value) * 100
    except InvalidOperation:
        hundredths = Decimal(-1)
    if hundredths != hundredths.to_integral_value() or not MIN_CALLBACK_RATE <= hundredths <= MAX_CALLBACK_RATE:
        raise InvalidArgument("callback_rate is a percentage from 0.1 to 10 with at most 2 decimals.",
                              field="callback_rate")
    return int(hundredths)
