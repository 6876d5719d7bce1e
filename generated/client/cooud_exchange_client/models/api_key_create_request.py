# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.api_key_scope import ApiKeyScope
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApiKeyCreateRequest")


@_attrs_define
class ApiKeyCreateRequest:
    """
    Attributes:
        label (str):
        scopes (list[ApiKeyScope]):
        ip_allowlist (list[str] | Unset):
        expires_in_days (int | Unset): Days until the key expires (default 30). Default: 30.
    """

    label: str
    scopes: list[ApiKeyScope]
    ip_allowlist: list[str] | Unset = UNSET
    expires_in_days: int | Unset = 30

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        scopes = []
        for scopes_item_data in self.scopes:
            scopes_item = scopes_item_data.value
            scopes.append(scopes_item)

        ip_allowlist: list[str] | Unset = UNSET
        if not isinstance(self.ip_allowlist, Unset):
            ip_allowlist = self.ip_allowlist

        expires_in_days = self.expires_in_days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "label": label,
                "scopes": scopes,
            }
        )
        if ip_allowlist is not UNSET:
            field_dict["ip_allowlist"] = ip_allowlist
        if expires_in_days is not UNSET:
            field_dict["expires_in_days"] = expires_in_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        label = d.pop("label")

        scopes = []
        _scopes = d.pop("scopes")
        for scopes_item_data in _scopes:
            scopes_item = ApiKeyScope(scopes_item_data)

            scopes.append(scopes_item)

        ip_allowlist = cast(list[str], d.pop("ip_allowlist", UNSET))

        expires_in_days = d.pop("expires_in_days", UNSET)

        api_key_create_request = cls(
            label=label,
            scopes=scopes,
            ip_allowlist=ip_allowlist,
            expires_in_days=expires_in_days,
        )

        return api_key_create_request
