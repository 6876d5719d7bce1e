"""Handlers of tag `orders`: place, preview, amend, cancel and list orders; fills.

Handlers are synchronous on purpose: trading commits durably (fsync) before answering, and connexion runs sync
handlers in a worker thread, so a commit never blocks the event loop. Symbols in query strings are written
`BTC-USDT` as in paths.
"""

from __future__ import annotations

import json

from impl.api import wire
from impl.api.context import idempotency_key, principal, services
from impl.domain.errors import DomainError
from impl.domain.market_data import parse_timestamp
from impl.domain.trading import Receipt
from impl.errors import error_object


def _symbol(query_symbol: str | None) -> str | None:
    return None if query_symbol is None else wire.symbol(query_symbol)


def _order(o) -> dict:
    return wire.order(o, services().trading.units(o.symbol))


def _receipt(status: int, render) -> Receipt | None:
    """The answer to store with the operation's effect (see impl/domain/trading.py), written the way connexion
    writes a JSON body."""
    key = idempotency_key()
    if key is None:
        return None
    return Receipt(principal().user_id, key, lambda outcome: (status, (json.dumps(render(outcome)) + "\n").encode()))


def _failure(exc: DomainError) -> tuple[int, dict]:
    return error_object(exc.code, exc.message, [{"field": exc.field, "reason": exc.message}] if exc.field else None)


def _window(start: str | None, end: str | None) -> dict:
    return {"start_ms": parse_timestamp(start, "start") if start else None,
            "end_ms": parse_timestamp(end, "end") if end else None}


def place_order(body: dict):
    return _order(services().trading.place(principal().user_id, body, _receipt(201, _order))), 201


def preview_order(body: dict) -> dict:
    trading = services().trading
    p = trading.preview(principal().user_id, body)
    return wire.preview(p, trading.units(p.order.symbol), trading.assets)


def _placed(outcomes: list) -> dict:
    items = []
    for outcome in outcomes:
        if isinstance(outcome, DomainError):
            status, error = _failure(outcome)
            items.append({"status": status, "error": error})
        else:
            items.append({"status": 201, "order": _order(outcome)})
    return {"data": items}


def place_order_batch(body: dict) -> dict:
    return _placed(services().trading.place_batch(principal().user_id, body["orders"], _receipt(200, _placed)))


def cancel_order_batch(body: dict) -> dict:
    ids = body["order_ids"]

    def cancelled(outcomes: list) -> dict:
        items = []
        for order_id, outcome in zip(ids, outcomes, strict=True):
            if isinstance(outcome, DomainError):
                status, error = _failure(outcome)
                items.append({"order_id": order_id, "status": status, "error": error})
            else:
                items.append({"order_id": order_id, "status": 200, "order": _order(outcome)})
        return {"data": items}

    return cancelled(services().trading.cancel_batch(principal().user_id, ids, _receipt(200, cancelled)))


def get_order(order_id: str) -> dict:
    return _order(services().trading.order(principal().user_id, order_id))


def amend_order(order_id: str, body: dict) -> dict:
    return _order(services().trading.amend(principal().user_id, order_id, body.get("price"), body.get("size"),
                                           _receipt(200, _order)))


def cancel_order(order_id: str) -> dict:
    return _order(services().trading.cancel(principal().user_id, order_id, _receipt(200, _order)))


def _cancelled_all(orders: list) -> dict:
    return {"data": [_order(o) for o in orders]}


def cancel_all_orders(symbol: str, side: str | None = None) -> dict:
    return _cancelled_all(services().trading.cancel_all(principal().user_id, _symbol(symbol), side,
                                                        _receipt(200, _cancelled_all)))


def list_orders(symbol: str | None = None, status: str | None = None, side: str | None = None,
                client_order_id: str | None = None, start: str | None = None, end: str | None = None,
                limit: int = 100, cursor: str | None = None) -> dict:
    filters = {"symbol": _symbol(symbol), "status": status, "side": side, "client_order_id": client_order_id,
               **_window(start, end)}
    page = services().trading.orders(principal().user_id, filters, limit, cursor)
    return {"data": [_order(o) for o in page.items], "next_cursor": page.next_cursor}


def list_fills(symbol: str | None = None, order_id: str | None = None, start: str | None = None,
               end: str | None = None, limit: int = 100, cursor: str | None = None) -> dict:
    trading = services().trading
    filters = {"symbol": _symbol(symbol), "order_id": order_id, **_window(start, end)}
    page = trading.fills(principal().user_id, filters, limit, cursor)
    return {"data": [wire.fill(f, trading.units(f.symbol)) for f in page.items], "next_cursor": page.next_cursor}
