"""Typed domain errors, each with a stable `code` from the spec's error catalogue.

Invariant: every `code` used here exists in `x-cooud-error-catalogue` of spec/openapi.yaml (a unit test checks
it); the HTTP status is the catalogue's, chosen by the API layer — the domain knows nothing of HTTP.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "business_rule_violation"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidArgument(DomainError):
    """A well-typed argument that is still unacceptable (start after end, an unknown cursor, an impossible date)."""

    code = "invalid_request"


class NotFound(DomainError):
    code = "not_found"


class MarketNotFound(NotFound):
    code = "market_not_found"

    def __init__(self, symbol: str) -> None:
        super().__init__(f"No market {symbol!r}.", field="symbol")


# -- spot trading ----------------------------------------------------------------------------------------------
class OrderNotFound(NotFound):
    code = "order_not_found"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"No order {order_id!r}.", field="order_id")


class ConditionalOrderNotFound(NotFound):
    code = "conditional_order_not_found"

    def __init__(self, conditional_id: str) -> None:
        super().__init__(f"No conditional order {conditional_id!r}.", field="conditional_order_id")


class OrderListNotFound(NotFound):
    code = "order_list_not_found"

    def __init__(self, order_list_id: str) -> None:
        super().__init__(f"No order list {order_list_id!r}.", field="order_list_id")


class OrderRejected(DomainError):
    """An order (or amend, or cancel) refused by a rule of the exchange; `code` names the rule."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.code = code
