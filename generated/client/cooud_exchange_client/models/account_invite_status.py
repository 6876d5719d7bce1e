# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from enum import StrEnum


class AccountInviteStatus(StrEnum):
    NOT_REQUIRED = "not_required"
    REDEEMED = "redeemed"
    REQUIRED = "required"

    def __str__(self) -> str:
        return str(self.value)
