# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_invite_status import AccountInviteStatus

if TYPE_CHECKING:
    from ..models.fee_tier import FeeTier


T = TypeVar("T", bound="Account")


@_attrs_define
class Account:
    """
    Attributes:
        id (str): Account identifier, `usr_` and a ULID. Example: usr_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6.
        email (None | str): The sign-in email, or null for a wallet account.
        wallet_address (None | str): The EIP-55 address of a wallet account, or null.
        two_factor_enabled (bool):
        invite_status (AccountInviteStatus): `not_required`: invite gating does not apply; `required`: trading is
            refused until an invite is redeemed; `redeemed`: done.
        fee_tier (FeeTier):
        created_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
            2026-05-18T12:04:11.842Z.
    """

    id: str
    email: None | str
    wallet_address: None | str
    two_factor_enabled: bool
    invite_status: AccountInviteStatus
    fee_tier: FeeTier
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        email: None | str
        email = self.email

        wallet_address: None | str
        wallet_address = self.wallet_address

        two_factor_enabled = self.two_factor_enabled

        invite_status = self.invite_status.value

        fee_tier = self.fee_tier.to_dict()

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "wallet_address": wallet_address,
                "two_factor_enabled": two_factor_enabled,
                "invite_status": invite_status,
                "fee_tier": fee_tier,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fee_tier import FeeTier  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))

        def _parse_wallet_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        wallet_address = _parse_wallet_address(d.pop("wallet_address"))

        two_factor_enabled = d.pop("two_factor_enabled")

        invite_status = AccountInviteStatus(d.pop("invite_status"))

        fee_tier = FeeTier.from_dict(d.pop("fee_tier"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        account = cls(
            id=id,
            email=email,
            wallet_address=wallet_address,
            two_factor_enabled=two_factor_enabled,
            invite_status=invite_status,
            fee_tier=fee_tier,
            created_at=created_at,
        )

        account.additional_properties = d
        return account

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
