"""Orders and fills as the trading service keeps them, and the checks of a new order against its market's rules.

Units: `price` in price units (10^-price_precision of the quote asset), `size`/`filled`/`remaining` in size units
(10^-size_precision of the base asset); `quote_size`, `filled_quote`, `reserved` and `fee` in minor units of an
asset (quote, quote, the reserved asset, the received asset). A `MarketUnits` converts between them exactly: a
listing is only tradable when the base asset's precision covers the size precision and the quote asset's precision
covers price × size (price precision + size precision), so that every fill is a whole number of minor units of
both assets and nothing is ever rounded except fees (rounded up to the asset's unit, in favour of the exchange).

`validate` turns a request (wire strings) into a `NewOrder` or raises `OrderRejected` with the catalogue code of
the rule broken (`unknown_market`, `market_halted`, `invalid_tick_size`, `invalid_step_size`, `size_too_small`,
`size_too_large`, `notional_too_small`, `price_out_of_range`) or `InvalidArgument` for combinations the JSON
schema cannot express.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from impl.domain.errors import InvalidArgument, OrderRejected
from impl.domain.model import Market
from impl.domain.units import NotRepresentable, to_units

OPEN_STATUSES = ("open", "partially_filled")
# Bounds that keep every stored amount inside SQLite's signed 64-bit integers.
MAX_PRICE_UNITS = 2**53
MAX_AMOUNT = 2**62


@dataclass(frozen=True)
class MarketUnits:
    market: Market
    base_precision: int
    quote_precision: int

    def __post_init__(self) -> None:
        m = self.market
        if m.size_precision > self.base_precision or m.quote_precision > self.quote_precision:
            raise ValueError(
                f"{m.symbol}: price precision {m.price_precision} + size precision {m.size_precision} must fit the "
                f"asset precisions ({m.base} {self.base_precision}, {m.quote} {self.quote_precision})")

    @cached_property
    def base_factor(self) -> int:
        """Minor units of the base asset per size unit."""
        return 10 ** (self.base_precision - self.market.size_precision)

    @cached_property
    def quote_factor(self) -> int:
        """Minor units of the quote asset per (price unit × size unit)."""
        return 10 ** (self.quote_precision - self.market.quote_precision)

    @cached_property
    def tick(self) -> int:
        return to_units(self.market.tick_size, self.market.price_precision)

    @cached_property
    def step(self) -> int:
        return to_units(self.market.step_size, self.market.size_precision)

    def reserved_asset(self, side: str) -> str:
        """What an order of this side locks: the quote asset for a buy, the base asset for a sell."""
        return self.market.quote if side == "buy" else self.market.base

    def received_asset(self, side: str) -> tuple[str, int]:
        """What an order of this side receives (and pays its fees in), with that asset's precision."""
        return (self.market.base, self.base_precision) if side == "buy" else (self.market.quote, self.quote_precision)

    def base_amount(self, size: int) -> int:
        return size * self.base_factor

    def quote_amount(self, price: int, size: int) -> int:
        return price * size * self.quote_factor


@dataclass(frozen=True)
class NewOrder:
    symbol: str
    side: str
    type: str
    tif: str
    post_only: bool
    price: int | None
    size: int | None
    quote_size: int | None  # minor units of the quote asset
    client_order_id: str | None


@dataclass
class OrderState:
    id: str
    account: str
    symbol: str
    side: str
    type: str
    tif: str
    post_only: bool
    price: int | None
    size: int | None
    quote_size: int | None
    client_order_id: str | None
    status: str
    filled: int
    filled_quote: int
    fee: int
    remaining: int
    reserved: int
    cancel_reason: str | None
    seq: int | None
    created_at_ms: int
    updated_at_ms: int
    parent_id: str | None = None  # the conditional order (cond_…) that placed it

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def snapshot(self) -> OrderState:
        """A copy (the engine keeps changing the live order; answers and events carry its state at one moment)."""
        copy = OrderState.__new__(OrderState)
        copy.__dict__.update(self.__dict__)
        return copy


@dataclass(frozen=True)
class FillRecord:
    id: str
    order_id: str
    account: str
    trade_id: str
    symbol: str
    side: str
    price: int
    size: int
    quote: int
    fee: int
    liquidity: str
    ts_ms: int


def fee_of(amount: int, rate: Fraction) -> int:
    """The fee on `amount` minor units, rounded up to a whole unit."""
    return -(-amount * rate.numerator // rate.denominator)


def _rule(code: str, message: str, field: str) -> OrderRejected:
    return OrderRejected(code, message, field=field)


def _multiple(value: str, precision: int, unit: int, code: str, field: str, what: str) -> int:
    try:
        units = to_units(value, precision)
    except NotRepresentable:
        units = -1
    if units <= 0 or units % unit:
        raise _rule(code, f"{field} {value} is not a positive multiple of the {what}.", field)
    return units


def listed(symbol: str, units: MarketUnits | None) -> MarketUnits:
    """The units of a listed market (`units` as looked up by symbol), or the refusal `unknown_market`."""
    if units is None:
        raise _rule("unknown_market", f"No market {symbol!r} is listed.", "symbol")
    return units


def tradable(symbol: str, units: MarketUnits | None) -> MarketUnits:
    """The units of a listed market that takes new orders (orders, conditional orders, quotes, list legs), or the
    refusal: `unknown_market`, `market_halted`."""
    if listed(symbol, units).market.status != "trading":
        raise _rule("market_halted", f"{symbol} is halted; new orders are refused.", "symbol")
    return units


def validate(request: dict, units: MarketUnits | None) -> NewOrder:
    """Check a new-order request (already schema-valid) against its market; returns it in integer units."""
    m = tradable(request["symbol"], units).market
    kind, side = request["type"], request["side"]
    post_only = bool(request.get("post_only", False))
    present = {k for k in ("price", "size", "quote_size") if request.get(k) is not None}
    if kind == "limit":
        tif = request.get("tif", "GTC")
        for needed in ("price", "size"):
            if needed not in present:
                raise InvalidArgument(f"A limit order needs {needed!r}.", field=needed)
        if "quote_size" in present:
            raise InvalidArgument("quote_size is for market buys only.", field="quote_size")
        if post_only and tif != "GTC":
            raise InvalidArgument("post_only needs time in force GTC.", field="post_only")
    else:
        tif = request.get("tif", "IOC")
        if "price" in present:
            raise InvalidArgument("A market order takes no price.", field="price")
        if len(present & {"size", "quote_size"}) != 1:
            raise InvalidArgument("A market order takes exactly one of size and quote_size.", field="size")
        if "quote_size" in present and side != "buy":
            raise InvalidArgument("quote_size is for market buys only.", field="quote_size")
        if "quote_size" in present and tif == "FOK":
            raise InvalidArgument("FOK needs a size: a quote amount rarely divides into whole units.", field="tif")
        if tif == "GTC":
            raise InvalidArgument("A market order never rests: time in force IOC or FOK.", field="tif")
        if post_only:
            raise InvalidArgument("A market order cannot be post-only.", field="post_only")
    price = size = quote_size = None
    if "price" in present:
        price = check_price(request["price"], units)
    if "size" in present:
        size = check_size(request["size"], units)
    if "quote_size" in present:
        quote_size = check_quote_size(request["quote_size"], units)
    if price is not None and size is not None:
        check_notional(price, size, units)
    return NewOrder(m.symbol, side, kind, tif, post_only, price, size, quote_size, request.get("client_order_id"))


def check_size(value: str, units: MarketUnits) -> int:
    m = units.market
    size = _multiple(value, m.size_precision, units.step, "invalid_step_size", "size", "step size")
    if Decimal(value) < m.min_size:
        raise _rule("size_too_small", f"size {value} is below the minimum {m.min_size}.", "size")
    if Decimal(value) > m.max_size:
        raise _rule("size_too_large", f"size {value} is above the maximum {m.max_size}.", "size")
    return size


def check_notional(price: int, size: int, units: MarketUnits) -> None:
    m = units.market
    if Fraction(price * size, 10 ** m.quote_precision) < Fraction(m.min_notional):
        raise _rule("notional_too_small", f"price × size is below the minimum notional {m.min_notional}.", "size")
    if units.quote_amount(price, size) > MAX_AMOUNT:
        raise _rule("price_out_of_range", "price × size is beyond what the exchange can settle.", "price")


def check_price(value: str, units: MarketUnits, field: str = "price") -> int:
    price = _multiple(value, units.market.price_precision, units.tick, "invalid_tick_size", field, "tick size")
    if price > MAX_PRICE_UNITS:
        raise _rule("price_out_of_range", f"{field} {value} is beyond what the market accepts.", field)
    return price


def check_quote_size(value: str, units: MarketUnits) -> int:
    """A quote amount to spend (market buys): a positive number of the quote asset's minor units, at least the
    market's minimum notional."""
    m = units.market
    quote_size = _multiple(value, units.quote_precision, 1, "invalid_step_size", "quote_size",
                           f"smallest unit of {m.quote}")
    if Decimal(value) < m.min_notional:
        raise _rule("notional_too_small", f"quote_size is below the minimum notional {m.min_notional}.", "quote_size")
    if quote_size > MAX_AMOUNT:
        raise _rule("price_out_of_range", "quote_size is beyond what the exchange can settle.", "quote_size")
    return quote_size
