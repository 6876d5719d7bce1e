# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from enum import StrEnum


class OrderStatus(StrEnum):
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    FILLED = "filled"
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"

    def __str__(self) -> str:
        return str(self.value)
