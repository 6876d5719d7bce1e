# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.conditional_order import ConditionalOrder
    from ..models.order import Order


T = TypeVar("T", bound="CancelledOrders")


@_attrs_define
class CancelledOrders:
    """
    Attributes:
        data (list[Order]): The orders cancelled (`kind` normal or all), by id.
        conditional_orders (list[ConditionalOrder]): The conditional orders cancelled (`kind` conditional or all), by
            id.
    """

    data: list[Order]
    conditional_orders: list[ConditionalOrder]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        conditional_orders = []
        for conditional_orders_item_data in self.conditional_orders:
            conditional_orders_item = conditional_orders_item_data.to_dict()
            conditional_orders.append(conditional_orders_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "conditional_orders": conditional_orders,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.conditional_order import ConditionalOrder  # noqa: PLC0415
        from ..models.order import Order  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Order.from_dict(data_item_data)

            data.append(data_item)

        conditional_orders = []
        _conditional_orders = d.pop("conditional_orders")
        for conditional_orders_item_data in _conditional_orders:
            conditional_orders_item = ConditionalOrder.from_dict(conditional_orders_item_data)

            conditional_orders.append(conditional_orders_item)

        cancelled_orders = cls(
            data=data,
            conditional_orders=conditional_orders,
        )

        cancelled_orders.additional_properties = d
        return cancelled_orders

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
