# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from enum import StrEnum


class ConditionalOrderStatus(StrEnum):
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    FINISHED = "finished"
    NEW = "new"
    REJECTED = "rejected"
    TRIGGERED = "triggered"

    def __str__(self) -> str:
        return str(self.value)
