"""End to end: two accounts trade BTC/USDT through the GENERATED client (pip-installed on its own from
generated/client: conftest.py's `client_package`) against a real server process (`make run`) on its own fresh
database (own server, so that the session `live_server`'s recorded market data stays as other tests expect it).
Accounts and deposits are provisioned with the operator CLI while the server runs (it must see them at once).

The scenario, and the arithmetic the assertions are derived from (by hand, from the documented rules):
BTC and USDT both have 8 decimals (1 BTC = 10^8 sat, 1 USDT = 10^8 units); fee tier 0 = maker 0.001, taker
0.002, the market publishes the same rates; a fee is charged on the asset received, rounded UP to the unit.

  deposits        A: 0.5 BTC, 100 USDT               B: 0.1 BTC, 1000 USDT
  1. A sells limit 0.01000 @ 60000.01 (GTC): rests; locks 0.01 BTC = 1_000_000 sat.
  2. B buys limit 0.00333 @ 60100.00: locks 60100.00 × 0.00333 = 200.133 USDT; crosses A at the maker's price
     60000.01: trade 0.00333 BTC for 60000.01 × 0.00333 = 199.8000333 USDT = 19_980_003_330 units.
     The price improvement (60100.00 − 60000.01) × 0.00333 = 0.3329667 USDT is released: B locks nothing after.
     B (taker) receives 333_000 sat, fee 333_000 × 0.002 = 666 sat exactly.
     A (maker) receives 19_980_003_330 units, fee 19_980_003_330 × 0.001 = 19_980_003.33 -> 19_980_004 (up).
     A's order: partially filled, 0.00667 left on the book.
  3. B market-buys by quote_size 400.21 USDT (= 40_021_000_000 units, all locked): at 60000.01 one size unit
     (0.00001 BTC) costs 0.6000001 USDT, so it takes floor(400.21 / 0.6000001) = 667 units = 0.00667 BTC, all that
     rests, for 60000.01 × 0.00667 = 400.2000667 USDT = 40_020_006_670 units. The unspent 993_330 units (dust
     below one unit's price) are released and the order ends `expired` (a market order's remainder expires).
     B (taker) fee 667_000 × 0.002 = 1_334 sat; A (maker) fee 40_020_006_670 × 0.001 = 40_020_006.67 -> 40_020_007.
     A's order: filled.
  Final (units):  A BTC 50_000_000 − 1_000_000 = 49_000_000
                  A USDT 10_000_000_000 + (19_980_003_330 − 19_980_004) + (40_020_006_670 − 40_020_007)
                         = 69_940_009_989                                       -> 699.40009989
                  B BTC 10_000_000 + (333_000 − 666) + (667_000 − 1_334) = 10_998_000  -> 0.10998000
                  B USDT 100_000_000_000 − 19_980_003_330 − 40_020_006_670 = 39_999_990_000 -> 399.99990000
                  sys:fees BTC 666 + 1_334 = 2_000 -> 0.00002000; USDT 19_980_004 + 40_020_007 = 60_000_011
                         -> 0.60000011
Public market data must have moved: ticker last 60000.01 and volume 0.01, two trades (taker buy), a 1-minute
candle with both, the book empty again with a sequence that grew at every change.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from impl.domain.units import to_string

COOUD = str(Path(sys.executable).parent / "cooud")
PASSWORD = "correct horse battery staple"
A, B = "seller@example.com", "buyer@example.com"

pytestmark = pytest.mark.live


def usdt(units: int) -> str:
    return to_string(units, 8)


btc = usdt  # both assets have 8 decimals


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.live import running_server

    root = tmp_path_factory.mktemp("trading-e2e")
    database = root / "cooud.sqlite3"
    with running_server(database, root / "server.log") as base:
        yield base, database


def cli(database: Path, *args: str) -> None:
    done = subprocess.run([COOUD, *args, "--database", str(database)], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stdout + done.stderr


def fee_balances(database: Path) -> dict[str, tuple[int, int]]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return {r[0]: (r[1], r[2]) for r in db.execute(
            "SELECT asset, free, locked FROM balances WHERE account_id = 'sys:fees'")}


def test_two_accounts_trade_through_the_generated_client(client_package, server):
    from cooud_exchange_client import AuthenticatedClient, Client
    from cooud_exchange_client.api.auth import login
    from cooud_exchange_client.api.markets import get_candles, get_order_book, get_ticker, list_market_trades
    from cooud_exchange_client.api.orders import get_order, list_fills, list_orders, place_order
    from cooud_exchange_client.api.wallet import list_balances
    from cooud_exchange_client.models import (
        CandleInterval,
        Liquidity,
        LoginRequest,
        Order,
        OrderRequest,
        OrderStatus,
        OrderType,
        Side,
        TimeInForce,
    )

    base, database = server
    public = Client(base_url=f"{base}/v1", raise_on_unexpected_status=True)
    for email, deposits in ((A, {"BTC": "0.5", "USDT": "100"}), (B, {"BTC": "0.1", "USDT": "1000"})):
        cli(database, "user", "create", "--email", email, "--password", PASSWORD)
        for asset, amount in deposits.items():
            cli(database, "deposit", "--email", email, "--asset", asset, "--amount", amount)

    def session(email: str) -> AuthenticatedClient:
        tokens = login.sync(client=public, body=LoginRequest(email=email, password=PASSWORD))
        assert tokens is not None and tokens.access_token, tokens
        return AuthenticatedClient(base_url=f"{base}/v1", token=tokens.access_token, raise_on_unexpected_status=True)

    a, b = session(A), session(B)

    def place(client: AuthenticatedClient, **fields) -> Order:
        order = place_order.sync(client=client, body=OrderRequest(symbol="BTC/USDT", **fields),
                                 idempotency_key=str(uuid.uuid4()))
        assert isinstance(order, Order), order
        return order

    def balances(client: AuthenticatedClient) -> dict[str, tuple[str, str, str]]:
        return {x.asset: (x.total, x.free, x.locked) for x in list_balances.sync(client=client).data}

    def sequence() -> int:
        return get_order_book.sync("BTC-USDT", client=public, depth=50).sequence

    assert balances(a)["BTC"] == ("0.50000000", "0.50000000", "0.00000000")  # the CLI deposit is seen at once
    seq0 = sequence()
    assert get_ticker.sync("BTC-USDT", client=public).last is None  # a fresh market

    # 1. A's sell rests and locks its size.
    sell = place(a, side=Side.SELL, type_=OrderType.LIMIT, price="60000.01", size="0.01000", client_order_id="a-1")
    assert (sell.status, sell.filled, sell.remaining, sell.average_price, sell.tif) == \
        (OrderStatus.OPEN, "0.00000", "0.01000", None, TimeInForce.GTC)
    assert balances(a)["BTC"] == ("0.50000000", btc(49_000_000), btc(1_000_000))
    book = get_order_book.sync("BTC-USDT", client=public, depth=50)
    assert (book.bids, book.asks) == ([], [["60000.01", "0.01000"]])
    seq1 = book.sequence
    assert seq1 > seq0

    # 2. B's limit buy crosses: fills 0.00333 at the maker's price, A is partially filled.
    buy = place(b, side=Side.BUY, type_=OrderType.LIMIT, price="60100.00", size="0.00333")
    assert (buy.status, buy.filled, buy.remaining, buy.average_price, buy.fee, buy.fee_asset) == \
        (OrderStatus.FILLED, "0.00333", "0.00000", "60000.01000000", btc(666), "BTC")
    sell = get_order.sync(sell.id, client=a)
    assert (sell.status, sell.filled, sell.remaining, sell.average_price, sell.fee, sell.fee_asset) == \
        (OrderStatus.PARTIALLY_FILLED, "0.00333", "0.00667", "60000.01000000", usdt(19_980_004), "USDT")
    assert balances(b)["USDT"] == (usdt(80_019_996_670),) * 2 + ("0.00000000",)  # improvement released
    book = get_order_book.sync("BTC-USDT", client=public, depth=50)
    assert (book.bids, book.asks) == ([], [["60000.01", "0.00667"]])
    seq2 = book.sequence
    assert seq2 > seq1

    # 3. B market-buys the rest by quote amount; the dust it cannot spend is released, the order expires.
    market = place(b, side=Side.BUY, type_=OrderType.MARKET, quote_size="400.21")
    assert (market.status, market.tif, market.price, market.quote_size) == \
        (OrderStatus.EXPIRED, TimeInForce.IOC, None, "400.21000000")
    assert (market.filled, market.remaining, market.average_price, market.fee, market.fee_asset) == \
        ("0.00667", "0.00000", "60000.01000000", btc(1_334), "BTC")
    sell = get_order.sync(sell.id, client=a)
    assert (sell.status, sell.filled, sell.remaining, sell.average_price, sell.fee) == \
        (OrderStatus.FILLED, "0.01000", "0.00000", "60000.01000000", usdt(19_980_004 + 40_020_007))

    # Balances, exact to the unit (see the module docstring), and the fee collection.
    a_usdt = 10_000_000_000 + (19_980_003_330 - 19_980_004) + (40_020_006_670 - 40_020_007)
    b_btc = 10_000_000 + (333_000 - 666) + (667_000 - 1_334)
    b_usdt = 100_000_000_000 - 19_980_003_330 - 40_020_006_670
    assert (usdt(a_usdt), btc(b_btc), usdt(b_usdt)) == ("699.40009989", "0.10998000", "399.99990000")
    zero = ("0.00000000",) * 3
    assert balances(a) == {"BTC": (btc(49_000_000), btc(49_000_000), "0.00000000"),
                           "USDT": (usdt(a_usdt), usdt(a_usdt), "0.00000000"),
                           "ETH": zero, "SOL": ("0.000000",) * 3}
    assert balances(b) == {"BTC": (btc(b_btc), btc(b_btc), "0.00000000"),
                           "USDT": (usdt(b_usdt), usdt(b_usdt), "0.00000000"),
                           "ETH": zero, "SOL": ("0.000000",) * 3}
    assert fee_balances(database) == {"BTC": (666 + 1_334, 0), "USDT": (19_980_004 + 40_020_007, 0)}

    # Orders and fills as each account lists them.
    assert [(o.id, o.status) for o in list_orders.sync(client=b, symbol="BTC-USDT").data] == \
        [(market.id, OrderStatus.EXPIRED), (buy.id, OrderStatus.FILLED)]  # newest first
    a_fills = list_fills.sync(client=a, symbol="BTC-USDT").data
    b_fills = list_fills.sync(client=b).data
    assert [(f.order_id, f.side, f.price, f.size, f.quote_amount, f.fee, f.fee_asset, f.liquidity) for f in a_fills] \
        == [(sell.id, Side.SELL, "60000.01", "0.00667", "400.20006670", usdt(40_020_007), "USDT", Liquidity.MAKER),
            (sell.id, Side.SELL, "60000.01", "0.00333", "199.80003330", usdt(19_980_004), "USDT", Liquidity.MAKER)]
    assert [(f.order_id, f.side, f.price, f.size, f.quote_amount, f.fee, f.fee_asset, f.liquidity) for f in b_fills] \
        == [(market.id, Side.BUY, "60000.01", "0.00667", "400.20006670", btc(1_334), "BTC", Liquidity.TAKER),
            (buy.id, Side.BUY, "60000.01", "0.00333", "199.80003330", btc(666), "BTC", Liquidity.TAKER)]
    assert [f.trade_id for f in a_fills] == [f.trade_id for f in b_fills]  # one trade, two sides
    assert list_fills.sync(client=b, order_id=buy.id).data[0].id == b_fills[1].id

    # Public market data moved.
    ticker = get_ticker.sync("BTC-USDT", client=public)
    assert (ticker.last, ticker.volume, ticker.high, ticker.low) == ("60000.01", "0.01000", "60000.01", "60000.01")
    assert (ticker.best_bid, ticker.best_ask) == (None, None)
    trades = list_market_trades.sync("BTC-USDT", client=public, limit=10).data
    assert [(t.id, t.price, t.size, t.taker_side) for t in trades] == \
        [(a_fills[0].trade_id, "60000.01", "0.00667", Side.BUY), (a_fills[1].trade_id, "60000.01", "0.00333", Side.BUY)]
    candles = get_candles.sync("BTC-USDT", client=public, interval=CandleInterval.ONE_MINUTE).data
    assert sum(c.trades for c in candles) == 2
    assert {c.close for c in candles} == {"60000.01"}
    assert sum(int(c.volume.replace(".", "")) for c in candles) == 1_000  # 0.01000 BTC in size units
    assert sum(int(c.quote_volume.replace(".", "")) for c in candles) == 6_000_001_000  # 600.0001000 USDT
    book = get_order_book.sync("BTC-USDT", client=public, depth=50)
    assert (book.bids, book.asks) == ([], [])
    assert book.sequence > seq2
