# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SiweVerifyRequest")


@_attrs_define
class SiweVerifyRequest:
    """
    Attributes:
        message (str): The exact EIP-4361 message text the wallet signed.
        signature (str): The 65-byte personal_sign signature, 0x-prefixed hex.
    """

    message: str
    signature: str

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        signature = self.signature

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "message": message,
                "signature": signature,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        signature = d.pop("signature")

        siwe_verify_request = cls(
            message=message,
            signature=signature,
        )

        return siwe_verify_request
