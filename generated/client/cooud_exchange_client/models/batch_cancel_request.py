# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="BatchCancelRequest")


@_attrs_define
class BatchCancelRequest:
    """
    Attributes:
        order_ids (list[str]):
    """

    order_ids: list[str]

    def to_dict(self) -> dict[str, Any]:
        order_ids = self.order_ids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "order_ids": order_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order_ids = cast(list[str], d.pop("order_ids"))

        batch_cancel_request = cls(
            order_ids=order_ids,
        )

        return batch_cancel_request
