# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.batch_amend_item_request import BatchAmendItemRequest


T = TypeVar("T", bound="BatchAmendRequest")


@_attrs_define
class BatchAmendRequest:
    """
    Attributes:
        symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
        orders (list[BatchAmendItemRequest]):
    """

    symbol: str
    orders: list[BatchAmendItemRequest]

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "symbol": symbol,
                "orders": orders,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_amend_item_request import BatchAmendItemRequest  # noqa: PLC0415

        d = dict(src_dict)
        symbol = d.pop("symbol")

        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = BatchAmendItemRequest.from_dict(orders_item_data)

            orders.append(orders_item)

        batch_amend_request = cls(
            symbol=symbol,
            orders=orders,
        )

        return batch_amend_request
