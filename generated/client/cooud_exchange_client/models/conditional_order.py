# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.conditional_order_status import ConditionalOrderStatus
from ..models.conditional_order_type import ConditionalOrderType
from ..models.side import Side
from ..models.time_in_force import TimeInForce
from ..models.trigger_direction import TriggerDirection
from ..models.trigger_price_type import TriggerPriceType

T = TypeVar("T", bound="ConditionalOrder")


@_attrs_define
class ConditionalOrder:
    """A conditional order: its request, its trigger as it stands, its state, the funds it holds and the order it
    placed. The same shape is sent on the stream's `conditional_orders` channel.

        Attributes:
            id (str): Conditional order identifier, `cond_` and a ULID. Example: cond_01HXY9H3K7N2P4Q6R8S0T1V3W5.
            client_order_id (None | str): Your id for the conditional order, or null.
            symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
            side (Side):
            type_ (ConditionalOrderType): `stop_market` / `stop_limit`: a stop (a sell fires when the last price falls to
                `trigger_price`, a buy when
                it rises to it). `take_profit_market` / `take_profit_limit`: a take profit (a sell fires on a rise to
                `trigger_price`, a buy on a fall). `trailing_stop`: a market stop whose trigger trails the best last price
                by a callback. `*_market` and `trailing_stop` place a market order, `*_limit` a limit order at `price`.
            trigger_price_type (TriggerPriceType): The price a trigger is compared with: `last`, the market's last trade
                price. `mark` and `index` are
                reserved for perpetual markets and refused (`trigger_price_type_unsupported`) until those exist.
            trigger_direction (TriggerDirection): `rise`: fires when the last price is at or above the trigger. `fall`:
                fires when it is at or below it.
            trigger_price (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
            activation_price (None | str): A non-negative decimal string, or `null` when there is no value. Example:
                61500.00.
            callback_rate (None | str): A trailing stop's callback as a percentage with two decimals (`"1.50"` is 1.5 %), or
                null.
            callback_amount (None | str): A non-negative decimal string, or `null` when there is no value. Example:
                61500.00.
            tracked_price (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
            price (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
            size (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
            quote_size (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
            tif (TimeInForce): `GTC`: the remainder rests until filled or cancelled. `IOC`: the remainder is expired at
                once. `FOK`: filled completely at once, or expired without any fill.
            status (ConditionalOrderStatus): `new`: waiting for its trigger, its funds reserved. `triggered`: fired; the
                order it placed (`order_id`)
                is working. `finished`: fired, and the order it placed has ended (`reason` is that order's final status).
                `cancelled`: cancelled before it fired — by you, or as a leg of a strategy order. `rejected`: fired, but a
                rule refused the order it would have placed (`reason` is that rule's error code). `expired`: ran out of
                time (for time-limited kinds; none is offered yet).
            reason (None | str): Why it ended: when cancelled, `requested` (by you), `oco_sibling` (the other leg of its OCO
                pair filled or
                fired) or `list_cancelled` (its strategy order was cancelled — by you, or because you cancelled another of
                its legs); the error code of the rule that refused the triggered order when rejected (e.g.
                `market_halted`); the placed order's final status (`filled`, `cancelled`, `expired`) when finished. Null
                while `new` or `triggered`.
            order_id (None | str): The order it placed when it fired (`GET /orders/{order_id}`), or null.
            order_list_id (None | str): The strategy order (OCO, OTO, OTOCO) this conditional order is a leg of (`GET
                /order-lists/{order_list_id}`), or null for one you placed on its own.
            reserved (str): A non-negative decimal number written as a string. Example: 61500.00.
            reserved_asset (str): Upper-case asset code. Example: USDT.
            created_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
                2026-05-18T12:04:11.842Z.
            updated_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
                2026-05-18T12:04:11.842Z.
            triggered_at (datetime.datetime | None): When it fired, or null.
    """

    id: str
    client_order_id: None | str
    symbol: str
    side: Side
    type_: ConditionalOrderType
    trigger_price_type: TriggerPriceType
    trigger_direction: TriggerDirection
    trigger_price: None | str
    activation_price: None | str
    callback_rate: None | str
    callback_amount: None | str
    tracked_price: None | str
    price: None | str
    size: None | str
    quote_size: None | str
    tif: TimeInForce
    status: ConditionalOrderStatus
    reason: None | str
    order_id: None | str
    order_list_id: None | str
    reserved: str
    reserved_asset: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    triggered_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        client_order_id: None | str
        client_order_id = self.client_order_id

        symbol = self.symbol

        side = self.side.value

        type_ = self.type_.value

        trigger_price_type = self.trigger_price_type.value

        trigger_direction = self.trigger_direction.value

        trigger_price: None | str
        trigger_price = self.trigger_price

        activation_price: None | str
        activation_price = self.activation_price

        callback_rate: None | str
        callback_rate = self.callback_rate

        callback_amount: None | str
        callback_amount = self.callback_amount

        tracked_price: None | str
        tracked_price = self.tracked_price

        price: None | str
        price = self.price

        size: None | str
        size = self.size

        quote_size: None | str
        quote_size = self.quote_size

        tif = self.tif.value

        status = self.status.value

        reason: None | str
        reason = self.reason

        order_id: None | str
        order_id = self.order_id

        order_list_id: None | str
        order_list_id = self.order_list_id

        reserved = self.reserved

        reserved_asset = self.reserved_asset

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        triggered_at: None | str
        if isinstance(self.triggered_at, datetime.datetime):
            triggered_at = self.triggered_at.isoformat()
        else:
            triggered_at = self.triggered_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "client_order_id": client_order_id,
                "symbol": symbol,
                "side": side,
                "type": type_,
                "trigger_price_type": trigger_price_type,
                "trigger_direction": trigger_direction,
                "trigger_price": trigger_price,
                "activation_price": activation_price,
                "callback_rate": callback_rate,
                "callback_amount": callback_amount,
                "tracked_price": tracked_price,
                "price": price,
                "size": size,
                "quote_size": quote_size,
                "tif": tif,
                "status": status,
                "reason": reason,
                "order_id": order_id,
                "order_list_id": order_list_id,
                "reserved": reserved,
                "reserved_asset": reserved_asset,
                "created_at": created_at,
                "updated_at": updated_at,
                "triggered_at": triggered_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_client_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_order_id = _parse_client_order_id(d.pop("client_order_id"))

        symbol = d.pop("symbol")

        side = Side(d.pop("side"))

        type_ = ConditionalOrderType(d.pop("type"))

        trigger_price_type = TriggerPriceType(d.pop("trigger_price_type"))

        trigger_direction = TriggerDirection(d.pop("trigger_direction"))

        def _parse_trigger_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        trigger_price = _parse_trigger_price(d.pop("trigger_price"))

        def _parse_activation_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        activation_price = _parse_activation_price(d.pop("activation_price"))

        def _parse_callback_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        callback_rate = _parse_callback_rate(d.pop("callback_rate"))

        def _parse_callback_amount(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        callback_amount = _parse_callback_amount(d.pop("callback_amount"))

        def _parse_tracked_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tracked_price = _parse_tracked_price(d.pop("tracked_price"))

        def _parse_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        price = _parse_price(d.pop("price"))

        def _parse_size(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        size = _parse_size(d.pop("size"))

        def _parse_quote_size(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        quote_size = _parse_quote_size(d.pop("quote_size"))

        tif = TimeInForce(d.pop("tif"))

        status = ConditionalOrderStatus(d.pop("status"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        def _parse_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_id = _parse_order_id(d.pop("order_id"))

        def _parse_order_list_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_list_id = _parse_order_list_id(d.pop("order_list_id"))

        reserved = d.pop("reserved")

        reserved_asset = d.pop("reserved_asset")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_triggered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                triggered_at_type_0 = datetime.datetime.fromisoformat(data)

                return triggered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        triggered_at = _parse_triggered_at(d.pop("triggered_at"))

        conditional_order = cls(
            id=id,
            client_order_id=client_order_id,
            symbol=symbol,
            side=side,
            type_=type_,
            trigger_price_type=trigger_price_type,
            trigger_direction=trigger_direction,
            trigger_price=trigger_price,
            activation_price=activation_price,
            callback_rate=callback_rate,
            callback_amount=callback_amount,
            tracked_price=tracked_price,
            price=price,
            size=size,
            quote_size=quote_size,
            tif=tif,
            status=status,
            reason=reason,
            order_id=order_id,
            order_list_id=order_list_id,
            reserved=reserved,
            reserved_asset=reserved_asset,
            created_at=created_at,
            updated_at=updated_at,
            triggered_at=triggered_at,
        )

        conditional_order.additional_properties = d
        return conditional_order

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
