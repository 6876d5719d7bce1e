# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ListenKey")


@_attrs_define
class ListenKey:
    """
    Attributes:
        listen_key (str): A listen key, `lk_` and 43 URL-safe base64 characters (256 random bits). A credential — keep
            it private. Example: lk_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx.
        expires_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
            2026-05-18T12:04:11.842Z.
    """

    listen_key: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        listen_key = self.listen_key

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "listen_key": listen_key,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        listen_key = d.pop("listen_key")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        listen_key = cls(
            listen_key=listen_key,
            expires_at=expires_at,
        )

        listen_key.additional_properties = d
        return listen_key

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
