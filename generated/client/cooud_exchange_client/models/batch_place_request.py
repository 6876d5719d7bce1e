# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.order_request import OrderRequest


T = TypeVar("T", bound="BatchPlaceRequest")


@_attrs_define
class BatchPlaceRequest:
    """
    Attributes:
        orders (list[OrderRequest]):
    """

    orders: list[OrderRequest]

    def to_dict(self) -> dict[str, Any]:
        orders = []
        for orders_item_data in self.orders:
            orders_item = orders_item_data.to_dict()
            orders.append(orders_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "orders": orders,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_request import OrderRequest  # noqa: PLC0415

        d = dict(src_dict)
        orders = []
        _orders = d.pop("orders")
        for orders_item_data in _orders:
            orders_item = OrderRequest.from_dict(orders_item_data)

            orders.append(orders_item)

        batch_place_request = cls(
            orders=orders,
        )

        return batch_place_request
