# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.order import Order


T = TypeVar("T", bound="QuotesReplaced")


@_attrs_define
class QuotesReplaced:
    """
    Attributes:
        symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
        cancelled (list[Order]): The credential's quotes in this market that were cancelled.
        placed (list[Order]): The orders placed, bids then asks in request order.
    """

    symbol: str
    cancelled: list[Order]
    placed: list[Order]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        cancelled = []
        for cancelled_item_data in self.cancelled:
            cancelled_item = cancelled_item_data.to_dict()
            cancelled.append(cancelled_item)

        placed = []
        for placed_item_data in self.placed:
            placed_item = placed_item_data.to_dict()
            placed.append(placed_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "cancelled": cancelled,
                "placed": placed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order import Order  # noqa: PLC0415

        d = dict(src_dict)
        symbol = d.pop("symbol")

        cancelled = []
        _cancelled = d.pop("cancelled")
        for cancelled_item_data in _cancelled:
            cancelled_item = Order.from_dict(cancelled_item_data)

            cancelled.append(cancelled_item)

        placed = []
        _placed = d.pop("placed")
        for placed_item_data in _placed:
            placed_item = Order.from_dict(placed_item_data)

            placed.append(placed_item)

        quotes_replaced = cls(
            symbol=symbol,
            cancelled=cancelled,
            placed=placed,
        )

        quotes_replaced.additional_properties = d
        return quotes_replaced

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
