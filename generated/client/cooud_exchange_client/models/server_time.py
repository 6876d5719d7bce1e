# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ServerTime")


@_attrs_define
class ServerTime:
    """
    Attributes:
        server_time (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
            2026-05-18T12:04:11.842Z.
        unix_ms (int): The same instant in milliseconds since the Unix epoch.
    """

    server_time: datetime.datetime
    unix_ms: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        server_time = self.server_time.isoformat()

        unix_ms = self.unix_ms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "server_time": server_time,
                "unix_ms": unix_ms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        server_time = datetime.datetime.fromisoformat(d.pop("server_time"))

        unix_ms = d.pop("unix_ms")

        server_time = cls(
            server_time=server_time,
            unix_ms=unix_ms,
        )

        server_time.additional_properties = d
        return server_time

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
