# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.strategy_order_type import StrategyOrderType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.conditional_order_request import ConditionalOrderRequest
    from ..models.order_request import OrderRequest


T = TypeVar("T", bound="StrategyOrderRequest")


@_attrs_define
class StrategyOrderRequest:
    """A new strategy order (see `POST /order-lists` for the rules): its `type` and its `legs` in the type's
    order — `oco`: two OCO legs; `oto`: the working order, then the pending leg; `otoco`: the working order,
    then the two OCO legs. Every leg is of one market.

        Attributes:
            type_ (StrategyOrderType): `oco` (one cancels the other): two legs placed at once; when one fills (even partly)
                or fires, the other
                is cancelled. `oto` (one triggers the other): a working order, and a pending leg placed when the working
                order is completely filled. `otoco`: a working order, and an OCO pair placed when it is completely filled.
            legs (list[ConditionalOrderRequest | OrderRequest]): The legs, in the order of `type` (2 for `oco` and `oto`, 3
                for `otoco`).
            client_list_id (str | Unset): Your own id for an order, unique per account over all its orders. Example: mm-42.
    """

    type_: StrategyOrderType
    legs: list[ConditionalOrderRequest | OrderRequest]
    client_list_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.order_request import OrderRequest  # noqa: PLC0415

        type_ = self.type_.value

        legs = []
        for legs_item_data in self.legs:
            legs_item: dict[str, Any]
            if isinstance(legs_item_data, OrderRequest):
                legs_item = legs_item_data.to_dict()
            else:
                legs_item = legs_item_data.to_dict()

            legs.append(legs_item)

        client_list_id = self.client_list_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "legs": legs,
            }
        )
        if client_list_id is not UNSET:
            field_dict["client_list_id"] = client_list_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.conditional_order_request import ConditionalOrderRequest  # noqa: PLC0415
        from ..models.order_request import OrderRequest  # noqa: PLC0415

        d = dict(src_dict)
        type_ = StrategyOrderType(d.pop("type"))

        legs = []
        _legs = d.pop("legs")
        for legs_item_data in _legs:

            def _parse_legs_item(data: object) -> ConditionalOrderRequest | OrderRequest:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_strategy_order_leg_request_type_0 = OrderRequest.from_dict(data)

                    return componentsschemas_strategy_order_leg_request_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_strategy_order_leg_request_type_1 = ConditionalOrderRequest.from_dict(data)

                return componentsschemas_strategy_order_leg_request_type_1

            legs_item = _parse_legs_item(legs_item_data)

            legs.append(legs_item)

        client_list_id = d.pop("client_list_id", UNSET)

        strategy_order_request = cls(
            type_=type_,
            legs=legs,
            client_list_id=client_list_id,
        )

        return strategy_order_request
