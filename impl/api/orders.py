"""Handlers of tag `orders`: place, preview, amend, cancel and list orders; fills; conditional and strategy orders.

Changes are typed commands to the trading engine (impl/domain/trading.py): the handler builds the command on the
event loop, awaits its result — answered only after the commit that holds its effect — and renders it. The
engine stores the *result* of an idempotent command with its effect; if the process dies before the answer is
sent, the retry is answered from that result by impl/api/answers.py, which writes both (impl/middleware/
idempotency.py). Reads (orders, fills, preview) are synchronous store or engine queries, which
connexion runs in a worker thread, off the event loop. Symbols in query strings are written `BTC-USDT` as in
paths.
"""

from __future__ import annotations

from impl.api import wire
from impl.api.answers import amended, cancelled, cancelled_all, conditional, order, order_list, placed, quotes_replaced
from impl.api.context import idempotency_key, principal, services
from impl.domain.commands import AmendOrder, CancelConditional, CancelOrder, CancelOrderList, CancelOrders
from impl.domain.market_data import parse_timestamp


def _symbol(query_symbol: str | None) -> str | None:
    return None if query_symbol is None else wire.symbol(query_symbol)


def _window(start: str | None, end: str | None) -> dict:
    return {"start_ms": parse_timestamp(start, "start") if start else None,
            "end_ms": parse_timestamp(end, "end") if end else None}


async def _run(command):
    return await services().trading.execute(command)


async def place_order(body: dict):
    trading = services().trading
    return order(await _run(trading.place_command(principal().user_id, body, idempotency_key()))), 201


def preview_order(body: dict) -> dict:
    trading = services().trading
    p = trading.preview(principal().user_id, body)
    return wire.preview(p, trading.units(p.order.symbol), trading.assets)


async def place_order_batch(body: dict) -> dict:
    trading = services().trading
    return placed(await _run(trading.place_batch_command(principal().user_id, body["orders"], idempotency_key())))


async def cancel_order_batch(body: dict) -> dict:
    command = CancelOrders(principal().user_id, tuple(body["order_ids"]), idempotency_key())
    return cancelled(await _run(command), body)


def get_order(order_id: str) -> dict:
    return order(services().trading.order(principal().user_id, order_id))


async def amend_order(order_id: str, body: dict) -> dict:
    command = AmendOrder(principal().user_id, order_id, body.get("price"), body.get("size"), idempotency_key())
    return order(await _run(command))


async def replace_quotes(symbol: str, body: dict) -> dict:
    """Bulk quotes of the calling credential: its API key's, else its session's."""
    who = principal()
    command = services().trading.replace_quotes_command(who.user_id, who.key_id or who.session_id, wire.symbol(symbol),
                                                        body, idempotency_key())
    return quotes_replaced(await _run(command))


async def amend_order_batch(body: dict) -> dict:
    command = services().trading.amend_batch_command(principal().user_id, body, idempotency_key())
    return amended(await _run(command), body)


async def cancel_order(order_id: str) -> dict:
    return order(await _run(CancelOrder(principal().user_id, order_id, idempotency_key())))


async def cancel_all_orders(symbol: str | None = None, side: str | None = None, kind: str = "normal") -> dict:
    trading = services().trading
    command = trading.cancel_all_command(principal().user_id, _symbol(symbol), side, idempotency_key(), kind)
    return cancelled_all(await _run(command))


def list_orders(symbol: str | None = None, status: str | None = None, side: str | None = None,
                client_order_id: str | None = None, start: str | None = None, end: str | None = None,
                limit: int = 100, cursor: str | None = None) -> dict:
    filters = {"symbol": _symbol(symbol), "status": status, "side": side, "client_order_id": client_order_id,
               **_window(start, end)}
    page = services().trading.orders(principal().user_id, filters, limit, cursor)
    return {"data": [order(o) for o in page.items], "next_cursor": page.next_cursor}


def list_fills(symbol: str | None = None, order_id: str | None = None, start: str | None = None,
               end: str | None = None, limit: int = 100, cursor: str | None = None) -> dict:
    trading = services().trading
    filters = {"symbol": _symbol(symbol), "order_id": order_id, **_window(start, end)}
    page = trading.fills(principal().user_id, filters, limit, cursor)
    return {"data": [wire.fill(f, trading.units(f.symbol)) for f in page.items], "next_cursor": page.next_cursor}


# -- conditional orders ------------------------------------------------------------------------------------------
async def place_conditional_order(body: dict):
    trading = services().trading
    command = trading.place_conditional_command(principal().user_id, body, idempotency_key())
    return conditional(await _run(command)), 201


async def cancel_conditional_order(conditional_order_id: str) -> dict:
    return conditional(await _run(CancelConditional(principal().user_id, conditional_order_id, idempotency_key())))


def get_conditional_order(conditional_order_id: str) -> dict:
    return conditional(services().trading.conditional(principal().user_id, conditional_order_id))


def list_conditional_orders(symbol: str | None = None, limit: int = 100, cursor: str | None = None) -> dict:
    return _conditionals({"symbol": _symbol(symbol), "live": True}, limit, cursor)


def list_conditional_order_history(symbol: str | None = None, start: str | None = None, end: str | None = None,
                                   limit: int = 100, cursor: str | None = None) -> dict:
    return _conditionals({"symbol": _symbol(symbol), "live": False, **_window(start, end)}, limit, cursor)


def _conditionals(filters: dict, limit: int, cursor: str | None) -> dict:
    page = services().trading.conditionals(principal().user_id, filters, limit, cursor)
    return {"data": [conditional(c) for c in page.items], "next_cursor": page.next_cursor}


# -- strategy orders (order lists) -------------------------------------------------------------------------------
async def place_order_list(body: dict):
    command = services().trading.place_list_command(principal().user_id, body, idempotency_key())
    return order_list(await _run(command)), 201


async def cancel_order_list(order_list_id: str) -> dict:
    return order_list(await _run(CancelOrderList(principal().user_id, order_list_id, idempotency_key())))


def get_order_list(order_list_id: str) -> dict:
    return order_list(services().trading.order_list(principal().user_id, order_list_id))


def list_order_lists(symbol: str | None = None, limit: int = 100, cursor: str | None = None) -> dict:
    return _order_lists({"symbol": _symbol(symbol), "live": True}, limit, cursor)


def list_order_list_history(symbol: str | None = None, start: str | None = None, end: str | None = None,
                            limit: int = 100, cursor: str | None = None) -> dict:
    return _order_lists({"symbol": _symbol(symbol), "live": False, **_window(start, end)}, limit, cursor)


def _order_lists(filters: dict, limit: int, cursor: str | None) -> dict:
    page = services().trading.order_lists(principal().user_id, filters, limit, cursor)
    return {"data": [order_list(lst) for lst in page.items], "next_cursor": page.next_cursor}
