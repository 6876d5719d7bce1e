# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Ticker")


@_attrs_define
class Ticker:
    """
    Attributes:
        symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
        open_ (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        high (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        low (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        last (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        volume (str): A non-negative decimal number written as a string. Example: 61500.00.
        quote_volume (str): A non-negative decimal number written as a string. Example: 61500.00.
        change (None | str): A decimal string, possibly negative, or `null` when there is no value. Example: 2.5.
        change_percent (None | str): A decimal string, possibly negative, or `null` when there is no value. Example:
            2.5.
        best_bid (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        best_bid_size (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        best_ask (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        best_ask_size (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        ts (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example: 2026-05-18T12:04:11.842Z.
    """

    symbol: str
    open_: None | str
    high: None | str
    low: None | str
    last: None | str
    volume: str
    quote_volume: str
    change: None | str
    change_percent: None | str
    best_bid: None | str
    best_bid_size: None | str
    best_ask: None | str
    best_ask_size: None | str
    ts: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        open_: None | str
        open_ = self.open_

        high: None | str
        high = self.high

        low: None | str
        low = self.low

        last: None | str
        last = self.last

        volume = self.volume

        quote_volume = self.quote_volume

        change: None | str
        change = self.change

        change_percent: None | str
        change_percent = self.change_percent

        best_bid: None | str
        best_bid = self.best_bid

        best_bid_size: None | str
        best_bid_size = self.best_bid_size

        best_ask: None | str
        best_ask = self.best_ask

        best_ask_size: None | str
        best_ask_size = self.best_ask_size

        ts = self.ts.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "open": open_,
                "high": high,
                "low": low,
                "last": last,
                "volume": volume,
                "quote_volume": quote_volume,
                "change": change,
                "change_percent": change_percent,
                "best_bid": best_bid,
                "best_bid_size": best_bid_size,
                "best_ask": best_ask,
                "best_ask_size": best_ask_size,
                "ts": ts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        def _parse_open_(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        open_ = _parse_open_(d.pop("open"))

        def _parse_high(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        high = _parse_high(d.pop("high"))

        def _parse_low(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        low = _parse_low(d.pop("low"))

        def _parse_last(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last = _parse_last(d.pop("last"))

        volume = d.pop("volume")

        quote_volume = d.pop("quote_volume")

        def _parse_change(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        change = _parse_change(d.pop("change"))

        def _parse_change_percent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        change_percent = _parse_change_percent(d.pop("change_percent"))

        def _parse_best_bid(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        best_bid = _parse_best_bid(d.pop("best_bid"))

        def _parse_best_bid_size(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        best_bid_size = _parse_best_bid_size(d.pop("best_bid_size"))

        def _parse_best_ask(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        best_ask = _parse_best_ask(d.pop("best_ask"))

        def _parse_best_ask_size(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        best_ask_size = _parse_best_ask_size(d.pop("best_ask_size"))

        ts = datetime.datetime.fromisoformat(d.pop("ts"))

        ticker = cls(
            symbol=symbol,
            open_=open_,
            high=high,
            low=low,
            last=last,
            volume=volume,
            quote_volume=quote_volume,
            change=change,
            change_percent=change_percent,
            best_bid=best_bid,
            best_bid_size=best_bid_size,
            best_ask=best_ask,
            best_ask_size=best_ask_size,
            ts=ts,
        )

        ticker.additional_properties = d
        return ticker

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
