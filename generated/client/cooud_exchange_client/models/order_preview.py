# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.order_type import OrderType
from ..models.side import Side

if TYPE_CHECKING:
    from ..models.preview_fill import PreviewFill


T = TypeVar("T", bound="OrderPreview")


@_attrs_define
class OrderPreview:
    """
    Attributes:
        symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
        side (Side):
        type_ (OrderType): `limit`: at `price` or better. `market`: at the best prices available now; never rests.
        fills (list[PreviewFill]): The fills the order would get now, best price first (self-trade prevention applied).
        filled (str): A non-negative decimal number written as a string. Example: 61500.00.
        rests (str): A non-negative decimal number written as a string. Example: 61500.00.
        unfilled (str): A non-negative decimal number written as a string. Example: 61500.00.
        average_price (None | str): A non-negative decimal string, or `null` when there is no value. Example: 61500.00.
        notional (str): A non-negative decimal number written as a string. Example: 61500.00.
        fee (str): A non-negative decimal number written as a string. Example: 61500.00.
        fee_asset (str): Upper-case asset code. Example: USDT.
        reserve_asset (str): Upper-case asset code. Example: USDT.
        reserve_amount (str): A non-negative decimal number written as a string. Example: 61500.00.
        available (str): A non-negative decimal number written as a string. Example: 61500.00.
        covered (bool): Whether `available` covers `reserve_amount`; placing would otherwise fail with
            `insufficient_balance`.
    """

    symbol: str
    side: Side
    type_: OrderType
    fills: list[PreviewFill]
    filled: str
    rests: str
    unfilled: str
    average_price: None | str
    notional: str
    fee: str
    fee_asset: str
    reserve_asset: str
    reserve_amount: str
    available: str
    covered: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        side = self.side.value

        type_ = self.type_.value

        fills = []
        for fills_item_data in self.fills:
            fills_item = fills_item_data.to_dict()
            fills.append(fills_item)

        filled = self.filled

        rests = self.rests

        unfilled = self.unfilled

        average_price: None | str
        average_price = self.average_price

        notional = self.notional

        fee = self.fee

        fee_asset = self.fee_asset

        reserve_asset = self.reserve_asset

        reserve_amount = self.reserve_amount

        available = self.available

        covered = self.covered

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "symbol": symbol,
                "side": side,
                "type": type_,
                "fills": fills,
                "filled": filled,
                "rests": rests,
                "unfilled": unfilled,
                "average_price": average_price,
                "notional": notional,
                "fee": fee,
                "fee_asset": fee_asset,
                "reserve_asset": reserve_asset,
                "reserve_amount": reserve_amount,
                "available": available,
                "covered": covered,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preview_fill import PreviewFill  # noqa: PLC0415

        d = dict(src_dict)
        symbol = d.pop("symbol")

        side = Side(d.pop("side"))

        type_ = OrderType(d.pop("type"))

        fills = []
        _fills = d.pop("fills")
        for fills_item_data in _fills:
            fills_item = PreviewFill.from_dict(fills_item_data)

            fills.append(fills_item)

        filled = d.pop("filled")

        rests = d.pop("rests")

        unfilled = d.pop("unfilled")

        def _parse_average_price(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        average_price = _parse_average_price(d.pop("average_price"))

        notional = d.pop("notional")

        fee = d.pop("fee")

        fee_asset = d.pop("fee_asset")

        reserve_asset = d.pop("reserve_asset")

        reserve_amount = d.pop("reserve_amount")

        available = d.pop("available")

        covered = d.pop("covered")

        order_preview = cls(
            symbol=symbol,
            side=side,
            type_=type_,
            fills=fills,
            filled=filled,
            rests=rests,
            unfilled=unfilled,
            average_price=average_price,
            notional=notional,
            fee=fee,
            fee_asset=fee_asset,
            reserve_asset=reserve_asset,
            reserve_amount=reserve_amount,
            available=available,
            covered=covered,
        )

        order_preview.additional_properties = d
        return order_preview

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
