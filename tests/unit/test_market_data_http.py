"""Market data over HTTP on a real SQLite store, with trades recorded through the store interface (as the
matching engine will): ticker, candles and trades pagination are exact, and nothing is invented when empty."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from impl.app import create_app
from impl.domain.model import Trade
from impl.ids import ulid

NOW = 1_779_105_851_842  # 2026-05-18T12:04:11.842Z
MIN = 60_000


@pytest.fixture
def client(config):
    app = create_app(config, now_ms=lambda: NOW)
    trades = [  # (minutes ago, price in cents, size in 1e-5 BTC, taker side)
        (30 * 60, 6_000_000, 100_000, "buy"),  # older than 24 h: outside the ticker window
        (20, 6_100_000, 50_000, "sell"),
        (20, 6_200_000, 25_000, "buy"),
        (1, 6_150_000, 10_000, "buy"),
    ]
    app.services.store.record_trades([
        Trade(f"trd_{ulid(NOW - ago * MIN)}", "BTC/USDT", price, size, side, NOW - ago * MIN)
        for ago, price, size, side in trades
    ])
    with TestClient(app) as c:
        yield c


def test_ticker_covers_the_last_24_hours(client):
    t = client.get("/v1/markets/BTC-USDT/ticker").json()
    assert (t["open"], t["high"], t["low"], t["last"]) == ("61000.00", "62000.00", "61000.00", "61500.00")
    assert t["volume"] == "0.85000"
    assert t["quote_volume"] == "52150.0000000"  # 61000*0.5 + 62000*0.25 + 61500*0.1
    assert (t["change"], t["change_percent"]) == ("500.00", "0.82")
    assert t["best_bid"] is None and t["ts"] == "2026-05-18T12:04:11.842Z"


def test_quiet_market_is_honestly_empty(client):
    t = client.get("/v1/markets/ETH-USDT/ticker").json()
    assert t["last"] is None and t["volume"] == "0.0000" and t["change_percent"] is None
    assert client.get("/v1/markets/ETH-USDT/candles?interval=1m").json()["data"] == []
    assert client.get("/v1/markets/ETH-USDT/trades").json() == {"data": [], "next_cursor": None}
    book = client.get("/v1/markets/ETH-USDT/orderbook").json()
    assert (book["bids"], book["asks"], book["sequence"]) == ([], [], 0)


def test_candles(client):
    minutes = client.get("/v1/markets/BTC-USDT/candles?interval=1m").json()["data"]
    assert [c["trades"] for c in minutes] == [1, 2, 1]
    assert minutes[1] == {
        "open_time": "2026-05-18T11:44:00.000Z", "open": "61000.00", "high": "62000.00", "low": "61000.00",
        "close": "62000.00", "volume": "0.75000", "quote_volume": "46000.0000000", "trades": 2,
    }
    day = client.get("/v1/markets/BTC-USDT/candles?interval=1d").json()["data"]
    assert len(day) == 2 and sum(c["trades"] for c in day) == 4
    window = client.get(
        "/v1/markets/BTC-USDT/candles?interval=1m&start=2026-05-18T11:00:00Z&end=2026-05-18T12:00:00Z"
    ).json()["data"]
    assert [c["open_time"] for c in window] == ["2026-05-18T11:44:00.000Z"]
    empty = client.get(
        "/v1/markets/BTC-USDT/candles?interval=1m&start=2026-05-18T12:00:00Z&end=2026-05-18T11:00:00Z"
    ).json()["data"]
    assert empty == []
    assert len(client.get("/v1/markets/BTC-USDT/candles?interval=1m&limit=2").json()["data"]) == 2


def test_trades_pages_newest_first_without_gaps(client):
    seen, cursor = [], None
    while True:
        url = "/v1/markets/BTC-USDT/trades?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).json()
        seen += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [t["price"] for t in seen] == ["61500.00", "62000.00", "61000.00", "60000.00"]
    assert len({t["id"] for t in seen}) == 4
    assert seen[0] == {"id": seen[0]["id"], "symbol": "BTC/USDT", "price": "61500.00", "size": "0.10000",
                       "taker_side": "buy", "ts": "2026-05-18T12:03:11.842Z"}
