# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.conditional_order_type import ConditionalOrderType
from ..models.side import Side
from ..models.time_in_force import TimeInForce
from ..models.trigger_price_type import TriggerPriceType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ConditionalOrderRequest")


@_attrs_define
class ConditionalOrderRequest:
    """A new conditional order (see `POST /conditional-orders` for the rules). `trigger_price` is required except
    for a `trailing_stop`, which takes exactly one of `callback_rate` and `callback_amount` and optionally an
    `activation_price` instead. Limit kinds need `price` and `size`; market kinds take no `price` and are sized
    by `size` (sells) or `quote_size` (buys). `tif` defaults to `GTC` for limit kinds and to `IOC` for market
    kinds (which cannot be `GTC`; `FOK` needs `size`).

        Attributes:
            symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
            side (Side):
            type_ (ConditionalOrderType): `stop_market` / `stop_limit`: a stop (a sell fires when the last price falls to
                `trigger_price`, a buy when
                it rises to it). `take_profit_market` / `take_profit_limit`: a take profit (a sell fires on a rise to
                `trigger_price`, a buy on a fall). `trailing_stop`: a market stop whose trigger trails the best last price
                by a callback. `*_market` and `trailing_stop` place a market order, `*_limit` a limit order at `price`.
            trigger_price (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
            trigger_price_type (TriggerPriceType | Unset): The price a trigger is compared with: `last`, the market's last
                trade price. `mark` and `index` are
                reserved for perpetual markets and refused (`trigger_price_type_unsupported`) until those exist.
                 Default: TriggerPriceType.LAST.
            price (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
            size (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
            quote_size (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
            tif (TimeInForce | Unset): `GTC`: the remainder rests until filled or cancelled. `IOC`: the remainder is expired
                at once. `FOK`: filled completely at once, or expired without any fill.
            activation_price (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
            callback_rate (str | Unset): `trailing_stop` only — the trailing distance as a percentage of the tracked price,
                from `0.1` to `10` with at most two decimals (`"1.5"` is 1.5 %). Exactly one of `callback_rate` and
                `callback_amount`. Example: 1.5.
            callback_amount (str | Unset): A non-negative decimal number written as a string. Example: 61500.00.
            client_order_id (str | Unset): Your own id for an order, unique per account over all its orders. Example: mm-42.
    """

    symbol: str
    side: Side
    type_: ConditionalOrderType
    trigger_price: str | Unset = UNSET
    trigger_price_type: TriggerPriceType | Unset = TriggerPriceType.LAST
    price: str | Unset = UNSET
    size: str | Unset = UNSET
    quote_size: str | Unset = UNSET
    tif: TimeInForce | Unset = UNSET
    activation_price: str | Unset = UNSET
    callback_rate: str | Unset = UNSET
    callback_amount: str | Unset = UNSET
    client_order_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        side = self.side.value

        type_ = self.type_.value

        trigger_price = self.trigger_price

        trigger_price_type: str | Unset = UNSET
        if not isinstance(self.trigger_price_type, Unset):
            trigger_price_type = self.trigger_price_type.value

        price = self.price

        size = self.size

        quote_size = self.quote_size

        tif: str | Unset = UNSET
        if not isinstance(self.tif, Unset):
            tif = self.tif.value

        activation_price = self.activation_price

        callback_rate = self.callback_rate

        callback_amount = self.callback_amount

        client_order_id = self.client_order_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "symbol": symbol,
                "side": side,
                "type": type_,
            }
        )
        if trigger_price is not UNSET:
            field_dict["trigger_price"] = trigger_price
        if trigger_price_type is not UNSET:
            field_dict["trigger_price_type"] = trigger_price_type
        if price is not UNSET:
            field_dict["price"] = price
        if size is not UNSET:
            field_dict["size"] = size
        if quote_size is not UNSET:
            field_dict["quote_size"] = quote_size
        if tif is not UNSET:
            field_dict["tif"] = tif
        if activation_price is not UNSET:
            field_dict["activation_price"] = activation_price
        if callback_rate is not UNSET:
            field_dict["callback_rate"] = callback_rate
        if callback_amount is not UNSET:
            field_dict["callback_amount"] = callback_amount
        if client_order_id is not UNSET:
            field_dict["client_order_id"] = client_order_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        side = Side(d.pop("side"))

        type_ = ConditionalOrderType(d.pop("type"))

        trigger_price = d.pop("trigger_price", UNSET)

        _trigger_price_type = d.pop("trigger_price_type", UNSET)
        trigger_price_type: TriggerPriceType | Unset
        if isinstance(_trigger_price_type, Unset):
            trigger_price_type = UNSET
        else:
            trigger_price_type = TriggerPriceType(_trigger_price_type)

        price = d.pop("price", UNSET)

        size = d.pop("size", UNSET)

        quote_size = d.pop("quote_size", UNSET)

        _tif = d.pop("tif", UNSET)
        tif: TimeInForce | Unset
        if isinstance(_tif, Unset):
            tif = UNSET
        else:
            tif = TimeInForce(_tif)

        activation_price = d.pop("activation_price", UNSET)

        callback_rate = d.pop("callback_rate", UNSET)

        callback_amount = d.pop("callback_amount", UNSET)

        client_order_id = d.pop("client_order_id", UNSET)

        conditional_order_request = cls(
            symbol=symbol,
            side=side,
            type_=type_,
            trigger_price=trigger_price,
            trigger_price_type=trigger_price_type,
            price=price,
            size=size,
            quote_size=quote_size,
            tif=tif,
            activation_price=activation_price,
            callback_rate=callback_rate,
            callback_amount=callback_amount,
            client_order_id=client_order_id,
        )

        return conditional_order_request
