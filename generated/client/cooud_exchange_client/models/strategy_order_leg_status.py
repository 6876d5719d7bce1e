# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from enum import StrEnum


class StrategyOrderLegStatus(StrEnum):
    ENDED = "ended"
    LIVE = "live"
    NOT_PLACED = "not_placed"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
