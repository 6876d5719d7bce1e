# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from enum import StrEnum


class ConditionalOrderType(StrEnum):
    STOP_LIMIT = "stop_limit"
    STOP_MARKET = "stop_market"
    TAKE_PROFIT_LIMIT = "take_profit_limit"
    TAKE_PROFIT_MARKET = "take_profit_market"
    TRAILING_STOP = "trailing_stop"

    def __str__(self) -> str:
        return str(self.value)
