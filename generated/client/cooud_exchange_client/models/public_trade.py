# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.side import Side

T = TypeVar("T", bound="PublicTrade")


@_attrs_define
class PublicTrade:
    """
    Attributes:
        id (str): Public trade identifier, `trd_` and a ULID. Example: trd_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
        price (str): A non-negative decimal number written as a string. Example: 61500.00.
        size (str): A non-negative decimal number written as a string. Example: 61500.00.
        taker_side (Side):
        ts (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example: 2026-05-18T12:04:11.842Z.
    """

    id: str
    symbol: str
    price: str
    size: str
    taker_side: Side
    ts: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        symbol = self.symbol

        price = self.price

        size = self.size

        taker_side = self.taker_side.value

        ts = self.ts.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "symbol": symbol,
                "price": price,
                "size": size,
                "taker_side": taker_side,
                "ts": ts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        symbol = d.pop("symbol")

        price = d.pop("price")

        size = d.pop("size")

        taker_side = Side(d.pop("taker_side"))

        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        public_trade = cls(
            id=id,
            symbol=symbol,
            price=price,
            size=size,
            taker_side=taker_side,
            ts=ts,
        )

        public_trade.additional_properties = d
        return public_trade

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
