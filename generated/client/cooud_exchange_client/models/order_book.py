# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OrderBook")


@_attrs_define
class OrderBook:
    """
    Attributes:
        symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
        sequence (int): Book version; increases by one with every change. 0 for a book that never changed.
        bids (list[list[str]]): Best (highest) price first.
        asks (list[list[str]]): Best (lowest) price first.
        ts (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example: 2026-05-18T12:04:11.842Z.
    """

    symbol: str
    sequence: int
    bids: list[list[str]]
    asks: list[list[str]]
    ts: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        sequence = self.sequence

        bids = []
        for bids_item_data in self.bids:
            bids_item = bids_item_data

            bids.append(bids_item)

        asks = []
        for asks_item_data in self.asks:
            asks_item = asks_item_data

            asks.append(asks_item)

        ts = self.ts.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "sequence": sequence,
                "bids": bids,
                "asks": asks,
                "ts": ts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        sequence = d.pop("sequence")

        bids = []
        _bids = d.pop("bids")
        for bids_item_data in _bids:
            bids_item = cast(list[str], bids_item_data)

            bids.append(bids_item)

        asks = []
        _asks = d.pop("asks")
        for asks_item_data in _asks:
            asks_item = cast(list[str], asks_item_data)

            asks.append(asks_item)

        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        order_book = cls(
            symbol=symbol,
            sequence=sequence,
            bids=bids,
            asks=asks,
            ts=ts,
        )

        order_book.additional_properties = d
        return order_book

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
