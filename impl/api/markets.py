"""Handlers of tag `markets`: public market data. Path symbols are written `BTC-USDT`; the domain uses `BTC/USDT`.

Handlers that read the store (ticker, trades, candles) or copy a book under its lock are synchronous, so connexion
runs them in a worker thread, off the event loop; the market list is in memory and stays async."""

from __future__ import annotations

from impl.api import wire
from impl.api.context import services


async def list_markets() -> dict:
    return {"data": [wire.market(m) for m in services().market_data.markets()]}


async def get_market(symbol: str) -> dict:
    return wire.market(services().market_data.market(wire.symbol(symbol)))


def get_ticker(symbol: str) -> dict:
    md = services().market_data
    market = md.market(wire.symbol(symbol))
    return wire.ticker(md.ticker(market.symbol), market)


def get_order_book(symbol: str, depth: int = 100) -> dict:
    md = services().market_data
    market = md.market(wire.symbol(symbol))
    return wire.orderbook(md.orderbook(market.symbol, depth), market)


def list_market_trades(symbol: str, limit: int = 100, cursor: str | None = None) -> dict:
    md = services().market_data
    market = md.market(wire.symbol(symbol))
    page = md.trades(market.symbol, limit, cursor)
    return {"data": [wire.trade(t, market) for t in page.items], "next_cursor": page.next_cursor}


def get_candles(
    symbol: str, interval: str, limit: int = 500, start: str | None = None, end: str | None = None
) -> dict:
    md = services().market_data
    market = md.market(wire.symbol(symbol))
    candles = md.candles(market.symbol, interval, start, end, limit)
    return {"symbol": market.symbol, "interval": interval, "data": [wire.candle(c, market) for c in candles]}
