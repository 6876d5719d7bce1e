# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.market_status import MarketStatus

T = TypeVar("T", bound="Market")


@_attrs_define
class Market:
    """
    Attributes:
        symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
        base (str): Upper-case asset code. Example: USDT.
        quote (str): Upper-case asset code. Example: USDT.
        status (MarketStatus): `trading`: orders accepted and matched. `halted`: no new orders; cancels accepted.
        tick_size (str): A non-negative decimal number written as a string. Example: 61500.00.
        step_size (str): A non-negative decimal number written as a string. Example: 61500.00.
        min_size (str): A non-negative decimal number written as a string. Example: 61500.00.
        max_size (str): A non-negative decimal number written as a string. Example: 61500.00.
        min_notional (str): A non-negative decimal number written as a string. Example: 61500.00.
        price_precision (int): Decimal places of prices (of `tick_size`).
        size_precision (int): Decimal places of sizes (of `step_size`).
        maker_fee_rate (str): A non-negative decimal number written as a string. Example: 61500.00.
        taker_fee_rate (str): A non-negative decimal number written as a string. Example: 61500.00.
    """

    symbol: str
    base: str
    quote: str
    status: MarketStatus
    tick_size: str
    step_size: str
    min_size: str
    max_size: str
    min_notional: str
    price_precision: int
    size_precision: int
    maker_fee_rate: str
    taker_fee_rate: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        base = self.base

        quote = self.quote

        status = self.status.value

        tick_size = self.tick_size

        step_size = self.step_size

        min_size = self.min_size

        max_size = self.max_size

        min_notional = self.min_notional

        price_precision = self.price_precision

        size_precision = self.size_precision

        maker_fee_rate = self.maker_fee_rate

        taker_fee_rate = self.taker_fee_rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "base": base,
                "quote": quote,
                "status": status,
                "tick_size": tick_size,
                "step_size": step_size,
                "min_size": min_size,
                "max_size": max_size,
                "min_notional": min_notional,
                "price_precision": price_precision,
                "size_precision": size_precision,
                "maker_fee_rate": maker_fee_rate,
                "taker_fee_rate": taker_fee_rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        base = d.pop("base")

        quote = d.pop("quote")

        status = MarketStatus(d.pop("status"))

        tick_size = d.pop("tick_size")

        step_size = d.pop("step_size")

        min_size = d.pop("min_size")

        max_size = d.pop("max_size")

        min_notional = d.pop("min_notional")

        price_precision = d.pop("price_precision")

        size_precision = d.pop("size_precision")

        maker_fee_rate = d.pop("maker_fee_rate")

        taker_fee_rate = d.pop("taker_fee_rate")

        market = cls(
            symbol=symbol,
            base=base,
            quote=quote,
            status=status,
            tick_size=tick_size,
            step_size=step_size,
            min_size=min_size,
            max_size=max_size,
            min_notional=min_notional,
            price_precision=price_precision,
            size_precision=size_precision,
            maker_fee_rate=maker_fee_rate,
            taker_fee_rate=taker_fee_rate,
        )

        market.additional_properties = d
        return market

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
