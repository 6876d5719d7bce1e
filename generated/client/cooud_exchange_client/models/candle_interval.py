# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from enum import StrEnum


class CandleInterval(StrEnum):
    FIFTEEN_MINUTES = "15m"
    FIVE_MINUTES = "5m"
    FOUR_HOURS = "4h"
    ONE_DAY = "1d"
    ONE_HOUR = "1h"
    ONE_MINUTE = "1m"

    def __str__(self) -> str:
        return str(self.value)
