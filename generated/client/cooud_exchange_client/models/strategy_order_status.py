# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from enum import StrEnum


class StrategyOrderStatus(StrEnum):
    CANCELLED = "cancelled"
    DONE = "done"
    REJECTED = "rejected"
    WORKING = "working"

    def __str__(self) -> str:
        return str(self.value)
