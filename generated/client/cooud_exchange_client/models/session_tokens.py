# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.session_tokens_token_type import SessionTokensTokenType

T = TypeVar("T", bound="SessionTokens")


@_attrs_define
class SessionTokens:
    """
    Attributes:
        access_token (str): A JWT (RFC 8725), valid 60 minutes, bound to the network it was issued to.
        token_type (SessionTokensTokenType):
        expires_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
            2026-05-18T12:04:11.842Z.
        refresh_token (str): An opaque refresh token. Example: rt_3q2-7wZk1mN0pQrStUvWxYz0123456789abcdefABCD.
        refresh_expires_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
            2026-05-18T12:04:11.842Z.
        user_id (str): Account identifier, `usr_` and a ULID. Example: usr_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
    """

    access_token: str
    token_type: SessionTokensTokenType
    expires_at: datetime.datetime
    refresh_token: str
    refresh_expires_at: datetime.datetime
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        token_type = self.token_type.value

        expires_at = self.expires_at.isoformat()

        refresh_token = self.refresh_token

        refresh_expires_at = self.refresh_expires_at.isoformat()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "access_token": access_token,
                "token_type": token_type,
                "expires_at": expires_at,
                "refresh_token": refresh_token,
                "refresh_expires_at": refresh_expires_at,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_token = d.pop("access_token")

        token_type = SessionTokensTokenType(d.pop("token_type"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        refresh_token = d.pop("refresh_token")

        refresh_expires_at = datetime.datetime.fromisoformat(d.pop("refresh_expires_at"))

        user_id = d.pop("user_id")

        session_tokens = cls(
            access_token=access_token,
            token_type=token_type,
            expires_at=expires_at,
            refresh_token=refresh_token,
            refresh_expires_at=refresh_expires_at,
            user_id=user_id,
        )

        session_tokens.additional_properties = d
        return session_tokens

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
