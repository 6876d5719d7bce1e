"""How trading results are written as answers: by the handlers of tag `orders`, and again when a stored result is
replayed.

The engine stores the domain result of an idempotent command with its effect (impl/domain/commands.py). If the
process dies after that commit but before the answer completed, the retry with the same Idempotency-Key finds
the result without an answer; `render_stored` writes it exactly as the operation's handler would have
(impl/middleware/idempotency.py). One renderer per operation, used on both paths, so the two cannot drift.
"""

from __future__ import annotations

from impl.api import wire
from impl.api.context import services
from impl.domain.commands import decode_result
from impl.domain.conditional import ConditionalOrder
from impl.domain.errors import DomainError
from impl.domain.orders import OrderState
from impl.errors import error_of


def order(o, trading=None) -> dict:
    return wire.order(o, (trading or services().trading).units(o.symbol))


def conditional(c, _body: dict | None = None, trading=None) -> dict:
    return wire.conditional_order(c, (trading or services().trading).units(c.symbol))


def order_list(lst, _body: dict | None = None, _trading=None) -> dict:
    return wire.order_list(lst)


def _failure(exc: DomainError) -> tuple[int, dict]:
    status, error, _ = error_of(exc)
    return status, error


def placed(outcomes: list, _body: dict | None = None, trading=None) -> dict:
    items = []
    for outcome in outcomes:
        if isinstance(outcome, DomainError):
            status, error = _failure(outcome)
            items.append({"status": status, "error": error})
        else:
            items.append({"status": 201, "order": order(outcome, trading)})
    return {"data": items}


def amended(outcomes: list, body: dict, trading=None) -> dict:
    return _per_order([item["order_id"] for item in body["orders"]], outcomes, trading)


def cancelled(outcomes: list, body: dict, trading=None) -> dict:
    return _per_order(body["order_ids"], outcomes, trading)


def _per_order(order_ids: list[str], outcomes: list, trading) -> dict:
    items = []
    for order_id, outcome in zip(order_ids, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            status, error = _failure(outcome)
            items.append({"order_id": order_id, "status": status, "error": error})
        else:
            items.append({"order_id": order_id, "status": 200, "order": order(outcome, trading)})
    return {"data": items}


def quotes_replaced(result, _body: dict | None = None, trading=None) -> dict:
    return {"symbol": result.symbol, "cancelled": [order(o, trading) for o in result.cancelled],
            "placed": [order(o, trading) for o in result.placed]}


def cancelled_all(outcomes: list, _body: dict | None = None, trading=None) -> dict:
    return {"data": [order(o, trading) for o in outcomes if isinstance(o, OrderState)],
            "conditional_orders": [conditional(c, None, trading) for c in outcomes if isinstance(c, ConditionalOrder)]}


def _one(result, _body: dict | None = None, trading=None) -> dict:
    return order(result, trading)


# operationId -> (status, render(result, request body, trading)): how each idempotent trading answer is written.
_RENDER = {"placeOrder": (201, _one), "amendOrder": (200, _one), "cancelOrder": (200, _one),
           "placeOrderBatch": (200, placed), "cancelOrderBatch": (200, cancelled), "amendOrderBatch": (200, amended),
           "cancelAllOrders": (200, cancelled_all), "placeConditionalOrder": (201, conditional),
           "cancelConditionalOrder": (200, conditional), "placeOrderList": (201, order_list),
           "replaceQuotes": (200, quotes_replaced),
           "cancelOrderList": (200, order_list)}


def replays_from_result(operation_id: str) -> bool:
    """Whether a success of the operation is replayed, byte for byte, by rendering the result the engine stored with
    its effect — so its answer need not be stored too. Not the batches: their per-item errors carry the request id
    of the request that made them."""
    return operation_id in _RENDER and operation_id not in ("placeOrderBatch", "cancelOrderBatch", "amendOrderBatch")


def render_stored(operation_id: str, result: bytes, body: dict | None, trading) -> tuple[int, dict] | None:
    """The answer to a request whose command committed but whose response was never completed (a crash in
    between), rendered from the result the engine stored; None for operations that store no result."""
    if operation_id not in _RENDER:
        return None
    status, render = _RENDER[operation_id]
    return status, render(decode_result(result), body, trading)
