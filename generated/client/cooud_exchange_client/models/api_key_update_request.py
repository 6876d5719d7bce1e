# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.api_key_scope import ApiKeyScope
from ..models.api_key_update_request_status import ApiKeyUpdateRequestStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApiKeyUpdateRequest")


@_attrs_define
class ApiKeyUpdateRequest:
    """
    Attributes:
        label (str | Unset):
        scopes (list[ApiKeyScope] | Unset):
        ip_allowlist (list[str] | Unset):
        status (ApiKeyUpdateRequestStatus | Unset):
    """

    label: str | Unset = UNSET
    scopes: list[ApiKeyScope] | Unset = UNSET
    ip_allowlist: list[str] | Unset = UNSET
    status: ApiKeyUpdateRequestStatus | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = []
            for scopes_item_data in self.scopes:
                scopes_item = scopes_item_data.value
                scopes.append(scopes_item)

        ip_allowlist: list[str] | Unset = UNSET
        if not isinstance(self.ip_allowlist, Unset):
            ip_allowlist = self.ip_allowlist

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if label is not UNSET:
            field_dict["label"] = label
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if ip_allowlist is not UNSET:
            field_dict["ip_allowlist"] = ip_allowlist
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        label = d.pop("label", UNSET)

        _scopes = d.pop("scopes", UNSET)
        scopes: list[ApiKeyScope] | Unset = UNSET
        if _scopes is not UNSET:
            scopes = []
            for scopes_item_data in _scopes:
                scopes_item = ApiKeyScope(scopes_item_data)

                scopes.append(scopes_item)

        ip_allowlist = cast(list[str], d.pop("ip_allowlist", UNSET))

        _status = d.pop("status", UNSET)
        status: ApiKeyUpdateRequestStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ApiKeyUpdateRequestStatus(_status)

        api_key_update_request = cls(
            label=label,
            scopes=scopes,
            ip_allowlist=ip_allowlist,
            status=status,
        )

        return api_key_update_request
