# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.quote_level import QuoteLevel


T = TypeVar("T", bound="QuotesRequest")


@_attrs_define
class QuotesRequest:
    """
    Attributes:
        bids (list[QuoteLevel]): Buy levels to quote, best first (any order is accepted).
        asks (list[QuoteLevel]): Sell levels to quote.
        post_only (bool | Unset): Refuse the whole request (`post_only_would_take`) if any level would trade on arrival.
            Default: False.
    """

    bids: list[QuoteLevel]
    asks: list[QuoteLevel]
    post_only: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        bids = []
        for bids_item_data in self.bids:
            bids_item = bids_item_data.to_dict()
            bids.append(bids_item)

        asks = []
        for asks_item_data in self.asks:
            asks_item = asks_item_data.to_dict()
            asks.append(asks_item)

        post_only = self.post_only

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "bids": bids,
                "asks": asks,
            }
        )
        if post_only is not UNSET:
            field_dict["post_only"] = post_only

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quote_level import QuoteLevel  # noqa: PLC0415

        d = dict(src_dict)
        bids = []
        _bids = d.pop("bids")
        for bids_item_data in _bids:
            bids_item = QuoteLevel.from_dict(bids_item_data)

            bids.append(bids_item)

        asks = []
        _asks = d.pop("asks")
        for asks_item_data in _asks:
            asks_item = QuoteLevel.from_dict(asks_item_data)

            asks.append(asks_item)

        post_only = d.pop("post_only", UNSET)

        quotes_request = cls(
            bids=bids,
            asks=asks,
            post_only=post_only,
        )

        return quotes_request
