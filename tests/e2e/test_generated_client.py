"""End to end: read markets, ticker, orderbook, trades and candles from a live server through the generated client
package, pip-installed on its own from generated/client (the `client_package` fixture of tests/e2e/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.mark.live
def test_read_market_data_through_generated_client(client_package, live_server):
    from cooud_exchange_client import Client
    from cooud_exchange_client.api.markets import (
        get_candles,
        get_market,
        get_order_book,
        get_ticker,
        list_market_trades,
        list_markets,
    )
    from cooud_exchange_client.api.system import get_server_time
    from cooud_exchange_client.models import CandleInterval, ErrorEnvelope

    client = Client(base_url=f"{live_server}/v1", raise_on_unexpected_status=True)

    assert get_server_time.sync(client=client).unix_ms > 0
    markets = list_markets.sync(client=client).data
    assert {m.symbol for m in markets} >= {"BTC/USDT", "ETH/USDT"}
    btc = get_market.sync("BTC-USDT", client=client)
    assert (btc.tick_size, btc.price_precision) == ("0.01", 2)

    ticker = get_ticker.sync("BTC-USDT", client=client)
    assert (ticker.open_, ticker.last, ticker.volume) == ("61500.00", "61490.00", "0.25000")
    book = get_order_book.sync("BTC-USDT", client=client, depth=10)
    assert book.sequence == 0 and book.bids == [] and book.asks == []

    trades = list_market_trades.sync("BTC-USDT", client=client, limit=1)
    assert trades.data[0].price == "61490.00" and trades.next_cursor
    older = list_market_trades.sync("BTC-USDT", client=client, limit=1, cursor=trades.next_cursor)
    assert older.data[0].price == "61500.00" and older.next_cursor is None

    candles = get_candles.sync("BTC-USDT", client=client, interval=CandleInterval.ONE_MINUTE)
    assert candles.interval == CandleInterval.ONE_MINUTE and sum(c.trades for c in candles.data) == 2

    missing = get_market.sync_detailed("DOGE-EUR", client=client)
    assert missing.status_code == 404 and isinstance(missing.parsed, ErrorEnvelope)
    assert missing.parsed.error.code == "market_not_found"
