# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.liquidity import Liquidity
from ..models.side import Side

T = TypeVar("T", bound="Fill")


@_attrs_define
class Fill:
    """
    Attributes:
        id (str): Fill identifier, `fill_` and a ULID. Example: fill_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        order_id (str): Order identifier, `ord_` and a ULID. Example: ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        trade_id (str): Public trade identifier, `trd_` and a ULID. Example: trd_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
        side (Side):
        price (str): A non-negative decimal number written as a string. Example: 61500.00.
        size (str): A non-negative decimal number written as a string. Example: 61500.00.
        quote_amount (str): A non-negative decimal number written as a string. Example: 61500.00.
        fee (str): A non-negative decimal number written as a string. Example: 61500.00.
        fee_asset (str): Upper-case asset code. Example: USDT.
        liquidity (Liquidity): `maker`: your order was resting; `taker`: your order was the incoming one.
        created_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
            2026-05-18T12:04:11.842Z.
    """

    id: str
    order_id: str
    trade_id: str
    symbol: str
    side: Side
    price: str
    size: str
    quote_amount: str
    fee: str
    fee_asset: str
    liquidity: Liquidity
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        order_id = self.order_id

        trade_id = self.trade_id

        symbol = self.symbol

        side = self.side.value

        price = self.price

        size = self.size

        quote_amount = self.quote_amount

        fee = self.fee

        fee_asset = self.fee_asset

        liquidity = self.liquidity.value

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "order_id": order_id,
                "trade_id": trade_id,
                "symbol": symbol,
                "side": side,
                "price": price,
                "size": size,
                "quote_amount": quote_amount,
                "fee": fee,
                "fee_asset": fee_asset,
                "liquidity": liquidity,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        order_id = d.pop("order_id")

        trade_id = d.pop("trade_id")

        symbol = d.pop("symbol")

        side = Side(d.pop("side"))

        price = d.pop("price")

        size = d.pop("size")

        quote_amount = d.pop("quote_amount")

        fee = d.pop("fee")

        fee_asset = d.pop("fee_asset")

        liquidity = Liquidity(d.pop("liquidity"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        fill = cls(
            id=id,
            order_id=order_id,
            trade_id=trade_id,
            symbol=symbol,
            side=side,
            price=price,
            size=size,
            quote_amount=quote_amount,
            fee=fee,
            fee_asset=fee_asset,
            liquidity=liquidity,
            created_at=created_at,
        )

        fill.additional_properties = d
        return fill

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
