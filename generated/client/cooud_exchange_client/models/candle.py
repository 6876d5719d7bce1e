# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Candle")


@_attrs_define
class Candle:
    """
    Attributes:
        open_time (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
            2026-05-18T12:04:11.842Z.
        open_ (str): A non-negative decimal number written as a string. Example: 61500.00.
        high (str): A non-negative decimal number written as a string. Example: 61500.00.
        low (str): A non-negative decimal number written as a string. Example: 61500.00.
        close (str): A non-negative decimal number written as a string. Example: 61500.00.
        volume (str): A non-negative decimal number written as a string. Example: 61500.00.
        quote_volume (str): A non-negative decimal number written as a string. Example: 61500.00.
        trades (int): Number of trades in the candle.
    """

    open_time: datetime.datetime
    open_: str
    high: str
    low: str
    close: str
    volume: str
    quote_volume: str
    trades: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        open_time = self.open_time.isoformat()

        open_ = self.open_

        high = self.high

        low = self.low

        close = self.close

        volume = self.volume

        quote_volume = self.quote_volume

        trades = self.trades

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "open_time": open_time,
                "open": open_,
                "high": high,
                "low": low,
                "close": close,
                "volume": volume,
                "quote_volume": quote_volume,
                "trades": trades,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        open_time = datetime.datetime.fromisoformat(d.pop("open_time"))

        open_ = d.pop("open")

        high = d.pop("high")

        low = d.pop("low")

        close = d.pop("close")

        volume = d.pop("volume")

        quote_volume = d.pop("quote_volume")

        trades = d.pop("trades")

        candle = cls(
            open_time=open_time,
            open_=open_,
            high=high,
            low=low,
            close=close,
            volume=volume,
            quote_volume=quote_volume,
            trades=trades,
        )

        candle.additional_properties = d
        return candle

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
