# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from enum import StrEnum


class StrategyOrderType(StrEnum):
    OCO = "oco"
    OTO = "oto"
    OTOCO = "otoco"

    def __str__(self) -> str:
        return str(self.value)
