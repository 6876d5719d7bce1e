# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="BatchAmendItemRequest")


@_attrs_define
class BatchAmendItemRequest:
    """One amend of a batch — the order and its new price and/or new total size, as `OrderAmendRequest`.

    Attributes:
        order_id (str): Order identifier, `ord_` and a ULID. Example: ord_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        price (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
        size (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
    """

    order_id: str
    price: str | Unset = UNSET
    size: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        order_id = self.order_id

        price = self.price

        size = self.size

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "order_id": order_id,
            }
        )
        if price is not UNSET:
            field_dict["price"] = price
        if size is not UNSET:
            field_dict["size"] = size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order_id = d.pop("order_id")

        price = d.pop("price", UNSET)

        size = d.pop("size", UNSET)

        batch_amend_item_request = cls(
            order_id=order_id,
            price=price,
            size=size,
        )

        return batch_amend_item_request
