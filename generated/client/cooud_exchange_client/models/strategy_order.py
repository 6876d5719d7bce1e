# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.strategy_order_status import StrategyOrderStatus
from ..models.strategy_order_type import StrategyOrderType

if TYPE_CHECKING:
    from ..models.strategy_order_leg import StrategyOrderLeg


T = TypeVar("T", bound="StrategyOrder")


@_attrs_define
class StrategyOrder:
    """A strategy order (an order list: OCO, OTO or OTOCO): its type, its state and its legs, in the order they
    were given. The same shape is sent on the stream's `order_lists` channel.

        Attributes:
            id (str): Strategy order (order list) identifier, `olst_` and a ULID. Example: olst_01HXY9P2Q4R6S8T0V2W4X6Y8Z0.
            client_list_id (None | str): Your id for the strategy order, or null.
            type_ (StrategyOrderType): `oco` (one cancels the other): two legs placed at once; when one fills (even partly)
                or fires, the other
                is cancelled. `oto` (one triggers the other): a working order, and a pending leg placed when the working
                order is completely filled. `otoco`: a working order, and an OCO pair placed when it is completely filled.
            symbol (str): Market symbol, `BASE/QUOTE`. Example: BTC/USDT.
            status (StrategyOrderStatus): `working`: some leg is pending or live. `done`: every leg has ended, the strategy
                order was not cancelled.
                `cancelled`: cancelled — by you, directly or through one of its legs (`reason: requested`), or because its
                working order ended without filling completely (`working_order_cancelled`, `working_order_expired`), or a
                live leg was cancelled other than by you or its sibling (`leg_cancelled`).
                `rejected`: a rule refused a pending leg when it was to be placed (`reason` is that rule's error code).
            reason (None | str): Why it ended, when it did not end `done`: when cancelled, `requested` (you cancelled it or
                one of its
                legs), `working_order_cancelled` or `working_order_expired` (its working order ended without filling
                completely), `leg_cancelled` (a live leg was cancelled other than by you or its sibling, e.g. by
                self-trade prevention); when rejected, the error code of the rule that refused a pending leg (e.g.
                `insufficient_balance`). Null while `working` and when `done`.
            legs (list[StrategyOrderLeg]): Its legs, in the order of the request.
            created_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
                2026-05-18T12:04:11.842Z.
            updated_at (datetime.datetime): RFC 3339 UTC timestamp with milliseconds and `Z`. Example:
                2026-05-18T12:04:11.842Z.
    """

    id: str
    client_list_id: None | str
    type_: StrategyOrderType
    symbol: str
    status: StrategyOrderStatus
    reason: None | str
    legs: list[StrategyOrderLeg]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        client_list_id: None | str
        client_list_id = self.client_list_id

        type_ = self.type_.value

        symbol = self.symbol

        status = self.status.value

        reason: None | str
        reason = self.reason

        legs = []
        for legs_item_data in self.legs:
            legs_item = legs_item_data.to_dict()
            legs.append(legs_item)

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "client_list_id": client_list_id,
                "type": type_,
                "symbol": symbol,
                "status": status,
                "reason": reason,
                "legs": legs,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.strategy_order_leg import StrategyOrderLeg  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_client_list_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        client_list_id = _parse_client_list_id(d.pop("client_list_id"))

        type_ = StrategyOrderType(d.pop("type"))

        symbol = d.pop("symbol")

        status = StrategyOrderStatus(d.pop("status"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        legs = []
        _legs = d.pop("legs")
        for legs_item_data in _legs:
            legs_item = StrategyOrderLeg.from_dict(legs_item_data)

            legs.append(legs_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        strategy_order = cls(
            id=id,
            client_list_id=client_list_id,
            type_=type_,
            symbol=symbol,
            status=status,
            reason=reason,
            legs=legs,
            created_at=created_at,
            updated_at=updated_at,
        )

        strategy_order.additional_properties = d
        return strategy_order

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
