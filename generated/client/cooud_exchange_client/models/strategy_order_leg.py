# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.strategy_order_leg_role import StrategyOrderLegRole
from ..models.strategy_order_leg_status import StrategyOrderLegStatus

if TYPE_CHECKING:
    from ..models.conditional_order_request import ConditionalOrderRequest
    from ..models.order_request import OrderRequest


T = TypeVar("T", bound="StrategyOrderLeg")


@_attrs_define
class StrategyOrderLeg:
    """One leg of a strategy order — its role, where it stands, what it placed and the request it places from.

    Attributes:
        role (StrategyOrderLegRole): `working`: the order of an `oto` or `otoco` that the other legs wait for.
            `pending`: the leg an `oto` places
            when its working order is completely filled. `oco`: a leg of an OCO pair — placed at once in an `oco`, when
            the working order is completely filled in an `otoco`.
        status (StrategyOrderLegStatus): `pending`: not placed yet. `live`: placed, and its order or conditional order
            has not ended. `ended`: its
            order or conditional order has ended. `not_placed`: never placed — the strategy order ended first, or a rule
            refused it when its turn came (`reason`).
        reason (None | str): Why a leg was `not_placed`: `list_ended` (the strategy order ended before its turn) or the
            error code of
            the rule that refused it when it was to be placed (e.g. `insufficient_balance`). Otherwise null.
        order_id (None | str): The order this leg placed (`GET /orders/{order_id}`) — for a conditional leg, the order
            its conditional order placed when it fired — or null.
        conditional_order_id (None | str): The conditional order this leg placed (`GET /conditional-
            orders/{conditional_order_id}`), or null (an order leg, or one not placed).
        request (ConditionalOrderRequest | OrderRequest): One leg of a strategy order: an order request (`type` `limit`
            or `market`, the body of `POST /orders`) or a
            conditional-order request (`type` `stop_market`, `stop_limit`, `take_profit_market`, `take_profit_limit` or
            `trailing_stop`, the body of `POST /conditional-orders`), with that operation's fields, defaults and rules.
            The two `type` enums have no value in common, so exactly one of the two schemas matches a leg.
    """

    role: StrategyOrderLegRole
    status: StrategyOrderLegStatus
    reason: None | str
    order_id: None | str
    conditional_order_id: None | str
    request: ConditionalOrderRequest | OrderRequest
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.order_request import OrderRequest  # noqa: PLC0415

        role = self.role.value

        status = self.status.value

        reason: None | str
        reason = self.reason

        order_id: None | str
        order_id = self.order_id

        conditional_order_id: None | str
        conditional_order_id = self.conditional_order_id

        request: dict[str, Any]
        if isinstance(self.request, OrderRequest):
            request = self.request.to_dict()
        else:
            request = self.request.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "role": role,
                "status": status,
                "reason": reason,
                "order_id": order_id,
                "conditional_order_id": conditional_order_id,
                "request": request,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.conditional_order_request import ConditionalOrderRequest  # noqa: PLC0415
        from ..models.order_request import OrderRequest  # noqa: PLC0415

        d = dict(src_dict)
        role = StrategyOrderLegRole(d.pop("role"))

        status = StrategyOrderLegStatus(d.pop("status"))

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))

        def _parse_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_id = _parse_order_id(d.pop("order_id"))

        def _parse_conditional_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        conditional_order_id = _parse_conditional_order_id(d.pop("conditional_order_id"))

        def _parse_request(data: object) -> ConditionalOrderRequest | OrderRequest:
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

        request = _parse_request(d.pop("request"))

        strategy_order_leg = cls(
            role=role,
            status=status,
            reason=reason,
            order_id=order_id,
            conditional_order_id=conditional_order_id,
            request=request,
        )

        strategy_order_leg.additional_properties = d
        return strategy_order_leg

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
