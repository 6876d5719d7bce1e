# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="QuoteLevel")


@_attrs_define
class QuoteLevel:
    """
    Attributes:
        price (str): A non-negative decimal number written as a string. Example: 61500.00.
        size (str): A non-negative decimal number written as a string. Example: 61500.00.
    """

    price: str
    size: str

    def to_dict(self) -> dict[str, Any]:
        price = self.price

        size = self.size

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "price": price,
                "size": size,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        price = d.pop("price")

        size = d.pop("size")

        quote_level = cls(
            price=price,
            size=size,
        )

        return quote_level
