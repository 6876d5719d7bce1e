# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.order_type import OrderType
from ..models.side import Side
from ..models.time_in_force import TimeInForce
from ..types import UNSET, Unset

T = TypeVar("T", bound="OrderRequest")


@_attrs_define
class OrderRequest:
    """A new order. Limit orders need `price` and `size`; market orders take no `price` and exactly one of
    `size` and `quote_size` (`quote_size` for buys only). `tif` defaults to `GTC` for limit orders and to
    `IOC` for market orders (which cannot be `GTC`; `FOK` needs `size`); `post_only` needs a `GTC` limit order.

        Attributes:
            symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
            side (Side):
            type_ (OrderType): `limit`: at `price` or better. `market`: at the best prices available now; never rests.
            price (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
            size (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
            quote_size (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
            tif (TimeInForce | Unset): `GTC`: the remainder rests until filled or cancelled. `IOC`: the remainder is expired
                at once. `FOK`: filled completely at once, or expired without any fill.
            post_only (bool | Unset): Refuse the order (`post_only_would_take`) rather than let any of it take liquidity.
                Default: False.
            client_order_id (str | Unset): Your own id for an order, unique per account over all its orders. Example: mm-42.
    """

    symbol: str
    side: Side
    type_: OrderType
    price: str | Unset = UNSET
    size: str | Unset = UNSET
    quote_size: str | Unset = UNSET
    tif: TimeInForce | Unset = UNSET
    post_only: bool | Unset = False
    client_order_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        side = self.side.value

        type_ = self.type_.value

        price = self.price

        size = self.size

        quote_size = self.quote_size

        tif: str | Unset = UNSET
        if not isinstance(self.tif, Unset):
            tif = self.tif.value

        post_only = self.post_only

        client_order_id = self.client_order_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "symbol": symbol,
                "side": side,
                "type": type_,
            }
        )
        if price is not UNSET:
            field_dict["price"] = price
        if size is not UNSET:
            field_dict["size"] = size
        if quote_size is not UNSET:
            field_dict["quote_size"] = quote_size
        if tif is not UNSET:
            field_dict["tif"] = tif
        if post_only is not UNSET:
            field_dict["post_only"] = post_only
        if client_order_id is not UNSET:
            field_dict["client_order_id"] = client_order_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        side = Side(d.pop("side"))

        type_ = OrderType(d.pop("type"))

        price = d.pop("price", UNSET)

        size = d.pop("size", UNSET)

        quote_size = d.pop("quote_size", UNSET)

        _tif = d.pop("tif", UNSET)
        tif: TimeInForce | Unset
        if isinstance(_tif, Unset):
            tif = UNSET
        else:
            tif = TimeInForce(_tif)

        post_only = d.pop("post_only", UNSET)

        client_order_id = d.pop("client_order_id", UNSET)

        order_request = cls(
            symbol=symbol,
            side=side,
            type_=type_,
            price=price,
            size=size,
            quote_size=quote_size,
            tif=tif,
            post_only=post_only,
            client_order_id=client_order_id,
        )

        return order_request
