# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error import Error
    from ..models.order import Order


T = TypeVar("T", bound="BatchAmendItem")


@_attrs_define
class BatchAmendItem:
    """The outcome of one amend of a batch — exactly one of `order` and `error` is present.

    Attributes:
        order_id (str): Order identifier, `ord_` and a ULID. Example: ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        status (int): The HTTP status `PATCH /orders/{order_id}` would have answered for this item alone.
        order (Order | Unset):
        error (Error | Unset):
    """

    order_id: str
    status: int
    order: Order | Unset = UNSET
    error: Error | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        status = self.status

        order: dict[str, Any] | Unset = UNSET
        if not isinstance(self.order, Unset):
            order = self.order.to_dict()

        error: dict[str, Any] | Unset = UNSET
        if not isinstance(self.error, Unset):
            error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "order_id": order_id,
                "status": status,
            }
        )
        if order is not UNSET:
            field_dict["order"] = order
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error import Error  # noqa: PLC0415
        from ..models.order import Order  # noqa: PLC0415

        d = dict(src_dict)
        order_id = d.pop("order_id")

        status = d.pop("status")

        _order = d.pop("order", UNSET)
        order: Order | Unset
        if isinstance(_order, Unset):
            order = UNSET
        else:
            order = Order.from_dict(_order)

        _error = d.pop("error", UNSET)
        error: Error | Unset
        if isinstance(_error, Unset):
            error = UNSET
        else:
            error = Error.from_dict(_error)

        batch_amend_item = cls(
            order_id=order_id,
            status=status,
            order=order,
            error=error,
        )

        batch_amend_item.additional_properties = d
        return batch_amend_item

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
