"""Strategy orders (order lists): OCO, OTO and OTOCO — orders and conditional orders the engine links so that what
happens to one decides what happens to the others, in the same engine step.

Types and legs (`legs` in request order; every leg is an order request or a conditional-order request of one market):
- `oco` (one cancels the other): two legs, same market and side, at most one of them a plain order (a resting limit
  `GTC` order), the other(s) conditional orders. When one leg fills — even partly — or fires, the other is cancelled
  in that same engine step (reason `oco_sibling`). Funds are reserved once for the pair: the first leg reserves what
  it needs, the second only what it needs beyond that (both spend the same asset and only one can execute); when a
  leg fires, the sibling's reservation is released before the fired leg's order reserves its own.
- `oto` (one triggers the other): a working leg (an order, limit or market) and a pending leg (an order or a
  conditional order). The pending leg is placed when the working order is fully filled — in the batch of its last
  fill, by an engine step right after the fill's. Its funds are not reserved before that (they may come from the
  working order's fill); if a rule refuses it then (`insufficient_balance`, `market_halted`, …) the leg is
  `not_placed` with that code and the list ends `rejected`.
- `otoco`: a working leg and an OCO pair of pending legs, placed as an `oco` when the working order is fully
  filled.

Legs: `status` `pending` (not placed yet) → `live` (placed: `order_id` or `conditional_order_id`; a conditional leg
that fired also names the order it placed in `order_id`) → `ended`; or `not_placed` (the list ended first, or a rule
refused it: `reason`). A placed order carries the list's id as its `parent_id` (a conditional leg's order: the
conditional order's id, which carries `order_list_id`).

List `status`: `working` → `done` (every leg ended without a cancel of the list) or `cancelled` (`reason`
`requested`: the list or one of its legs was cancelled by its owner — cancelling a leg, or the order a fired
conditional leg placed, cancels the whole list; `leg_cancelled`: a live leg's order was cancelled otherwise, e.g. by
self-trade prevention; or
the working order ended without filling completely: `working_order_cancelled` / `working_order_expired`) or
`rejected` (a leg refused when the list placed it: `reason` is its code). Amending an order a working list placed
as a leg is refused (`order_in_order_list`): cancel the list and place a new one. The order a fired conditional leg
placed names that conditional order, not the list, and may be amended like any order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from impl.domain.conditional import KINDS as CONDITIONAL_KINDS
from impl.domain.conditional import NewConditional, validate_conditional
from impl.domain.errors import InvalidArgument, OrderRejected
from impl.domain.orders import MarketUnits, NewOrder, validate

TYPES = ("oco", "oto", "otoco")
LIST_STATUSES = ("working", "done", "cancelled", "rejected")
LEG_ROLES = ("working", "pending", "oco")
LEG_STATUSES = ("pending", "live", "ended", "not_placed")


def is_conditional(request: dict) -> bool:
    return request["type"] in CONDITIONAL_KINDS


@dataclass
class Leg:
    role: str  # "working" (OTO/OTOCO), "pending" (OTO), "oco" (an OCO leg, live at once or pending in an OTOCO)
    request: dict  # the leg as accepted (wire strings), placed from this (checked again when a pending leg is placed)
    status: str = "pending"
    reason: str | None = None
    order_id: str | None = None
    conditional_order_id: str | None = None

    @property
    def conditional(self) -> bool:
        return is_conditional(self.request)

    @property
    def member_id(self) -> str | None:
        """The id the engine follows this leg by: its conditional order's, else its order's."""
        return self.conditional_order_id or self.order_id


@dataclass
class OrderList:
    id: str  # olst_<ULID>
    account: str
    symbol: str
    type: str
    client_list_id: str | None
    status: str
    reason: str | None
    legs: list[Leg] = field(default_factory=list)
    created_at_ms: int = 0
    updated_at_ms: int = 0

    @property
    def is_live(self) -> bool:
        return self.status == "working"

    def leg_of(self, member_id: str) -> Leg:
        return next(leg for leg in self.legs if leg.member_id == member_id)

    def snapshot(self) -> OrderList:
        return OrderList(self.id, self.account, self.symbol, self.type, self.client_list_id, self.status, self.reason,
                         [Leg(leg.role, leg.request, leg.status, leg.reason, leg.order_id, leg.conditional_order_id)
                          for leg in self.legs], self.created_at_ms, self.updated_at_ms)


ROLES = {"oco": ("oco", "oco"), "oto": ("working", "pending"), "otoco": ("working", "oco", "oco")}


def validate_order_list(kind: str, legs: list[dict], units_of: Callable[[str], MarketUnits | None]) -> str:
    """Check a strategy order's structure and each leg against its market's static rules (as POST /orders and
    POST /conditional-orders do, the field named `legs[i].…`); returns its market."""
    roles = ROLES[kind]
    if len(legs) != len(roles):
        raise InvalidArgument(f"An {kind} order list has {len(roles)} legs.", field="legs")
    symbol = legs[0]["symbol"]
    for i, leg in enumerate(legs):
        if leg["symbol"] != symbol:
            raise InvalidArgument("All legs of an order list trade one market.", field=f"legs[{i}].symbol")
    if roles[0] == "working" and is_conditional(legs[0]):
        raise InvalidArgument("The working leg is an order (limit or market), not a conditional order.",
                              field="legs[0].type")
    oco = [i for i, role in enumerate(roles) if role == "oco"]
    if oco:
        first = oco[0]
        for i in oco[1:]:
            if legs[i]["side"] != legs[first]["side"]:
                raise InvalidArgument("Both legs of an OCO pair buy or both sell.", field=f"legs[{i}].side")
        plain = [i for i in oco if not is_conditional(legs[i])]
        if len(plain) > 1:
            raise InvalidArgument("An OCO pair has at most one plain order; the other leg is a conditional order.",
                                  field=f"legs[{plain[1]}].type")
        for i in plain:
            if legs[i]["type"] != "limit" or legs[i].get("tif", "GTC") != "GTC":
                raise InvalidArgument("The plain order of an OCO pair is a resting limit order (GTC).",
                                      field=f"legs[{i}].type")
    for i, leg in enumerate(legs):
        parse_leg(leg, units_of(leg["symbol"]), i)
    return symbol


def parse_leg(request: dict, units: MarketUnits | None, index: int) -> NewOrder | NewConditional:
    """A leg as the engine places it; a refusal names the field as `legs[index].field`."""
    try:
        return validate_conditional(request, units) if is_conditional(request) else validate(request, units)
    except OrderRejected as exc:
        raise OrderRejected(exc.code, exc.message, field=_leg_field(index, exc.field)) from None
    except InvalidArgument as exc:
        raise InvalidArgument(exc.message, field=_leg_field(index, exc.field)) from None


def _leg_field(index: int, name: str | None) -> str:
    return f"legs[{index}]" if name is None else f"legs[{index}].{name}"
