# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrderAmendRequest")


@_attrs_define
class OrderAmendRequest:
    """The new price and/or the new total size of an open order.

    Attributes:
        price (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
        size (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
    """

    price: str | Unset = UNSET
    size: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        price = self.price

        size = self.size

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if price is not UNSET:
            field_dict["price"] = price
        if size is not UNSET:
            field_dict["size"] = size

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        price = d.pop("price", UNSET)

        size = d.pop("size", UNSET)

        order_amend_request = cls(
            price=price,
            size=size,
        )

        return order_amend_request
