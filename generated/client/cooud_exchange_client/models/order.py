# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_status import OrderStatus
from ..models.order_type import OrderType
from ..models.side import Side
from ..models.time_in_force import TimeInForce

T = TypeVar("T", bound="Order")


@_attrs_define
class Order:
    """
    Attributes:
        id (str): Order identifier, `ord_` and a ULID. Example: ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        client_order_id (None | str): Your id for the order, or null.
        symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
        side (Side):
        type_ (OrderType): `limit`: at `price` or better. `market`: at the best prices available now; never rests.
        tif (TimeInForce): `GTC`: the remainder rests until filled or cancelled. `IOC`: the remainder is expired at
            once. `FOK`: filled completely at once, or expired without any fill.
        post_only (bool):
        price (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        size (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        quote_size (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        status (OrderStatus): `open`: resting, nothing filled yet. `partially_filled`: resting, partly filled. `filled`:
            completely
            filled. `cancelled`: cancelled by you or by self-trade prevention (see `cancel_reason`); may have partly
            filled before. `expired`: ended by its time in force (IOC/FOK or market remainder); may have partly filled.
        filled (str): A non-negative decimal number written as a string. Example: 61500.00.
        remaining (str): A non-negative decimal number written as a string. Example: 61500.00.
        average_price (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        fee (str): A non-negative decimal number written as a string. Example: 61500.00.
        fee_asset (str): Upper-case asset code. Example: USDT.
        cancel_reason (None | str): Why a cancelled order was cancelled, otherwise null: `requested` (by you),
            `self_trade_prevention`,
            `oco_sibling` (the other leg of its OCO pair filled or fired) or `list_cancelled` (its strategy order was
            cancelled — by you, or because you cancelled another of its legs).
        conditional_order_id (None | str): The conditional order that placed this order when its trigger fired (`GET
            /conditional-orders/{conditional_order_id}`), or null for an order you placed yourself.
        order_list_id (None | str): The strategy order that placed this order directly as one of its legs (`GET /order-
            lists/{order_list_id}`), or null. An order placed by a conditional leg names that conditional order in
            `conditional_order_id` instead, and the conditional order names the strategy order.
        created_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
            2026-05-18T12:04:11.842Z.
        updated_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
            2026-05-18T12:04:11.842Z.
    """

    id: str
    client_order_id: None | str
    symbol: str
    side: Side
    type_: OrderType
    tif: TimeInForce
    post_only: bool
    price: None | str
    size: None | str
    quote_size: None | str
    status: OrderStatus
    filled: str
    remaining: str
    average_price: None | str
    fee: str
    fee_asset: str
    cancel_reason: None | str
    conditional_order_id: None | str
    order_list_id: None | str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        client_order_id: None | str
        client_order_id = self.client_order_id

        symbol = self.symbol

        side = self.side.value

        type_ = self.type_.value

        tif = self.tif.value

        post_only = self.post_only

        price: None | str
        price = self.price

        size: None | str
        size = self.size

        quote_size: None | str
        quote_size = self.quote_size

        status = self.status.value

        filled = self.filled

        remaining = self.remaining

        average_price: None | str
        average_price = self.average_price

        fee = self.fee

        fee_asset = self.fee_asset

        cancel_reason: None | str
        cancel_reason = self.cancel_reason

        conditional_order_id: None | str
        conditional_order_id = self.conditional_order_id

        order_list_id: None | str
        order_list_id = self.order_list_id

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "client_order_id": client_order_id,
                "symbol": symbol,
                "side": side,
                "type": type_,
                "tif": tif,
                "post_only": post_only,
                "price": price,
                "size": size,
                "quote_size": quote_size,
                "status": status,
                "filled": filled,
                "remaining": remaining,
                "average_price": average_price,
                "fee": fee,
                "fee_asset": fee_asset,
                "cancel_reason": cancel_reason,
                "conditional_order_id": conditional_order_id,
                "order_list_id": order_list_id,
                "created_at": created_at,
                "updated_at": updated_at,
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

        type_ = OrderType(d.pop("type"))

        tif = TimeInForce(d.pop("tif"))

        post_only = d.pop("post_only")

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

        status = OrderStatus(d.pop("status"))

        filled = d.pop("filled")

        remaining = d.pop("remaining")

        def _parse_average_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        average_price = _parse_average_price(d.pop("average_price"))

        fee = d.pop("fee")

        fee_asset = d.pop("fee_asset")

        def _parse_cancel_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cancel_reason = _parse_cancel_reason(d.pop("cancel_reason"))

        def _parse_conditional_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        conditional_order_id = _parse_conditional_order_id(d.pop("conditional_order_id"))

        def _parse_order_list_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_list_id = _parse_order_list_id(d.pop("order_list_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        order = cls(
            id=id,
            client_order_id=client_order_id,
            symbol=symbol,
            side=side,
            type_=type_,
            tif=tif,
            post_only=post_only,
            price=price,
            size=size,
            quote_size=quote_size,
            status=status,
            filled=filled,
            remaining=remaining,
            average_price=average_price,
            fee=fee,
            fee_asset=fee_asset,
            cancel_reason=cancel_reason,
            conditional_order_id=conditional_order_id,
            order_list_id=order_list_id,
            created_at=created_at,
            updated_at=updated_at,
        )

        order.additional_properties = d
        return order

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
