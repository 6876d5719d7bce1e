"""End to end: the SDK's `StreamClient` (clients/python/cooud_sdk/stream.py, imported from the source tree; see
the `sdk` fixture) against the real app served by uvicorn in-process, with proxies that break the connection.

One app for the module (heartbeats every 0.5 s); orders go straight into its trading service
(`app.services.trading.place`), and every stream test compares the client's local book with the REST snapshot
`GET /v1/markets/BTC-USDT/orderbook?depth=500` at the same sequence. Proxies run on the test's event loop:
- `TcpProxy`: a byte-level relay; `kill()` aborts every open connection, `refuse` makes it drop new ones at once,
  `mute()` stops forwarding the server's bytes on the open connections (the client hears nothing at all);
- `WsRelay`: a WebSocket-level relay (websockets server + client) that forwards text frames and can drop the next
  `book_delta` frame, which is a gap the client must notice.

Scenarios: subscribe + trade -> book equals REST; forced disconnect with orders placed while the client is away
-> reconnect, resubscribe, book equals REST; one dropped delta -> one resync from a snapshot, book equals REST;
silence -> reconnect after `silence_timeout`; API-key auth -> `orders` events of the key's account only (and two
logins of one key in one second, and a login from a clock 100 s off, both succeed); error replies ->
`StreamRequestError` with the catalogue's code (and a refused login fails `connect`).
Every wait is bounded; each scenario runs under an overall timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from impl.app import create_app
from impl.config import Config
from tests.stream_support import serving

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"cooud_sdk", "cooud_exchange_client"}
SYMBOL, PATH_SYMBOL = "BTC/USDT", "BTC-USDT"
BOOK, TRADES = f"orderbook.{SYMBOL}", f"trades.{SYMBOL}"
SCENARIO_TIMEOUT = 15.0


# -- the SDK ----------------------------------------------------------------------------------------------------
def _purge() -> dict:
    return {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] in PACKAGES}


@pytest.fixture(scope="module")
def sdk():
    """cooud_sdk.stream from the source trees of clients/python and generated/client. tests/e2e/test_sdk.py proves
    the pip-installed packages; installing them again here (build isolation, ~30 s) would triple this module's time."""
    saved = _purge()
    paths = [str(ROOT / "clients" / "python"), str(ROOT / "generated" / "client")]
    sys.path[:0] = paths
    try:
        stream = importlib.import_module("cooud_sdk.stream")
        assert stream.__file__.startswith(paths[0])
        yield stream
    finally:
        for path in paths:
            sys.path.remove(path)
        _purge()
        sys.modules.update(saved)


# -- the server -------------------------------------------------------------------------------------------------
class Exchange:
    def __init__(self, app, base: str) -> None:
        self.app, self.base = app, base
        self.services = app.services
        self.port = int(base.rsplit(":", 1)[1])
        self.ws_url = base.replace("http://", "ws://", 1) + "/v1/ws"
        now = self.services.now_ms()
        self.alice = self.services.identity.create_user("alice@example.com", "correct horse battery", now).id
        self.bob = self.services.identity.create_user("bob@example.com", "correct horse battery", now).id
        for account in (self.alice, self.bob):
            self.services.trading.deposit(account, "USDT", "10000000", "test-funding")
            self.services.trading.deposit(account, "BTC", "100", "test-funding")

    def place(self, account: str, side: str, price: str, size: str = "0.01000", kind: str = "limit"):
        request = {"symbol": SYMBOL, "side": side, "type": kind, "size": size}
        if kind == "limit":
            request["price"] = price
        return self.services.trading.place(account, request)

    async def aplace(self, *args, **kwargs):
        return await asyncio.to_thread(self.place, *args, **kwargs)

    async def rest_book(self) -> tuple[int, list, list]:
        async with httpx.AsyncClient(base_url=self.base, timeout=10) as http:
            r = await http.get(f"/v1/markets/{PATH_SYMBOL}/orderbook", params={"depth": 500})
        assert r.status_code == 200, r.text
        body = r.json()
        levels = lambda side: [(Decimal(p), Decimal(s)) for p, s in body[side]]  # noqa: E731
        return body["sequence"], levels("bids"), levels("asks")


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    database = str(tmp_path_factory.mktemp("stream-client") / "db.sqlite3")
    app = create_app(Config(database=database, ws_heartbeat_s=0.5, log_level="warning"))
    with serving(app) as base:
        yield Exchange(app, base)


def run(coro):
    asyncio.run(asyncio.wait_for(coro, SCENARIO_TIMEOUT))


async def assert_book_equals_rest(client, exchange: Exchange) -> int:
    """Waits for the client's book to reach the REST snapshot's sequence, then compares them level by level."""
    sequence, bids, asks = await exchange.rest_book()
    await client.wait_book(SYMBOL, sequence, timeout=5)
    local = client.book(SYMBOL)
    assert local == (sequence, bids, asks)
    assert all(price > 0 and size > 0 for price, size in bids + asks)
    return sequence


async def next_message(client, predicate, timeout: float = 5.0):
    async def first():
        async for message in client.messages():
            if predicate(message):
                return message
        raise AssertionError("messages() ended")

    return await asyncio.wait_for(first(), timeout)


# -- proxies ----------------------------------------------------------------------------------------------------
class TcpProxy:
    """127.0.0.1:<port> -> the server, byte for byte."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.refuse = False  # drop new connections at once (the server is "unreachable")
        self.accepted = self.refused = 0
        self._pipes: list[dict] = []
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        self.kill()
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/v1/ws"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refuse:
            self.refused += 1
            writer.transport.abort()
            return
        self.accepted += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        pipe = {"writers": (writer, up_writer), "muted": False}
        self._pipes.append(pipe)

        async def copy(src: asyncio.StreamReader, dst: asyncio.StreamWriter, from_server: bool) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    if from_server and pipe["muted"]:
                        continue  # swallow: the client hears nothing at all
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(copy(reader, up_writer, False), copy(up_reader, writer, True))

    def kill(self) -> None:
        """Abort every open connection on both sides (a network failure: no close frame)."""
        for pipe in self._pipes:
            for writer in pipe["writers"]:
                writer.transport.abort()
        self._pipes.clear()

    def mute(self) -> None:
        """Stop forwarding the server's bytes on the connections open now (new ones are not muted)."""
        for pipe in self._pipes:
            pipe["muted"] = True


class WsRelay:
    """A WebSocket-level relay that forwards text frames both ways and can drop the next book_delta."""

    def __init__(self, upstream_url: str) -> None:
        self.upstream_url = upstream_url
        self.drop_next_delta = False
        self.dropped: list[dict] = []

    async def __aenter__(self) -> WsRelay:
        from websockets.asyncio.server import serve

        self._server = await serve(self._handle, "127.0.0.1", 0, ping_interval=None)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/v1/ws"

    async def _handle(self, downstream) -> None:
        from websockets.asyncio.client import connect

        async with connect(self.upstream_url, ping_interval=None) as upstream:
            async def up() -> None:
                async for text in downstream:
                    await upstream.send(text)

            async def down() -> None:
                async for text in upstream:
                    if self.drop_next_delta and json.loads(text).get("op") == "book_delta":
                        self.drop_next_delta = False
                        self.dropped.append(json.loads(text))
                        continue
                    await downstream.send(text)

            tasks = [asyncio.create_task(up()), asyncio.create_task(down())]
            with contextlib.suppress(Exception):
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                task.cancel()


# -- scenarios --------------------------------------------------------------------------------------------------
def test_subscribe_and_trade_keeps_the_local_book_equal_to_rest(sdk, exchange):
    async def scenario():
        async with sdk.StreamClient(exchange.ws_url, backoff=(0.1, 1)) as client:
            assert await client.subscribe(BOOK, TRADES) == [BOOK, TRADES]
            await assert_book_equals_rest(client, exchange)
            for i in range(3):
                await exchange.aplace(exchange.alice, "sell", f"{50100 + i * 10}.00")
                await exchange.aplace(exchange.alice, "buy", f"{49900 - i * 10}.00")
            await exchange.aplace(exchange.bob, "buy", "50110.00", "0.01500")  # takes 50100 and half of 50110
            trade = await next_message(client, lambda m: getattr(m, "op", None) == "trade")
            assert isinstance(trade, client.models.TradeEventPayload)
            assert trade.data.price.root == "50100.00" and trade.channel.root == TRADES
            await assert_book_equals_rest(client, exchange)
            _, bids, asks = client.book(SYMBOL)
            assert bids == sorted(bids, reverse=True) and asks == sorted(asks)
            assert asks[0] == (Decimal("50110.00"), Decimal("0.00500"))
            assert client.book_resyncs(SYMBOL) == 0 and client.connections == 1

    run(scenario())


def test_forced_disconnect_reconnects_resubscribes_and_loses_nothing(sdk, exchange):
    async def scenario():
        async with TcpProxy(exchange.port) as proxy, \
                sdk.StreamClient(proxy.url, backoff=(0.1, 0.5)) as client:
            await client.subscribe(BOOK, TRADES)
            await exchange.aplace(exchange.alice, "sell", "50200.00")
            await assert_book_equals_rest(client, exchange)

            proxy.refuse = True
            proxy.kill()  # mid-stream, no close frame
            while client.connected:
                await asyncio.sleep(0.01)
            placed = [await exchange.aplace(exchange.alice, "sell", f"{50300 + i}.00") for i in range(3)]
            await exchange.aplace(exchange.bob, "buy", "50200.00")  # a trade while the client is away
            assert all(order.id for order in placed)
            while proxy.refused < 2:  # it keeps trying, backing off
                await asyncio.sleep(0.02)
            assert not client.connected
            proxy.refuse = False

            reconnected = await next_message(client, lambda m: isinstance(m, sdk.Reconnected))
            assert reconnected.attempt == 2 and client.connections == 2
            sequence = await assert_book_equals_rest(client, exchange)
            _, _, asks = client.book(SYMBOL)
            assert {Decimal(f"{50300 + i}.00") for i in range(3)} <= {price for price, _ in asks}

            await exchange.aplace(exchange.bob, "buy", "50300.00")  # live again: deltas and trades flow
            trade = await next_message(client, lambda m: getattr(m, "op", None) == "trade")
            assert trade.data.taker_side == "buy" and Decimal(trade.data.price.root) <= Decimal("50300.00")
            assert await assert_book_equals_rest(client, exchange) > sequence
            assert client.book_resyncs(SYMBOL) == 0

    run(scenario())


def test_a_dropped_delta_is_a_gap_resynchronised_from_a_snapshot(sdk, exchange):
    async def scenario():
        async with WsRelay(exchange.ws_url) as relay, sdk.StreamClient(relay.url, backoff=(0.1, 0.5)) as client:
            await client.subscribe(BOOK)
            await exchange.aplace(exchange.alice, "buy", "49000.00")
            await assert_book_equals_rest(client, exchange)

            relay.drop_next_delta = True
            await exchange.aplace(exchange.alice, "buy", "49001.00")  # this delta never reaches the client
            await exchange.aplace(exchange.alice, "buy", "49002.00")  # this one follows the missing one
            await exchange.aplace(exchange.alice, "sell", "51000.00")
            assert len(relay.dropped) == 1 and relay.dropped[0]["data"]["bids"] == [["49001.00", "0.01000"]]

            await assert_book_equals_rest(client, exchange)
            _, bids, _ = client.book(SYMBOL)
            assert (Decimal("49001.00"), Decimal("0.01000")) in bids  # the snapshot brought the missing level
            assert client.book_resyncs(SYMBOL) == 1 and client.connections == 1  # same connection

    run(scenario())


def test_silence_makes_the_client_reconnect(sdk, exchange):
    async def scenario():
        async with TcpProxy(exchange.port) as proxy, \
                sdk.StreamClient(proxy.url, silence_timeout=1.0, backoff=(0.1, 0.5)) as client:
            await client.subscribe(BOOK)
            await client.wait_book(SYMBOL)
            await asyncio.sleep(1.5)  # heartbeats every 0.5 s keep it alive
            assert client.connections == 1 and proxy.accepted == 1

            proxy.mute()
            started = time.monotonic()
            reconnected = await next_message(client, lambda m: isinstance(m, sdk.Reconnected), timeout=6)
            # silence counts from the last frame heard, at most one heartbeat interval (0.5 s) before the mute
            assert time.monotonic() - started >= 0.45
            assert reconnected.reason.startswith("no frame for 1.0 s") and proxy.accepted == 2
            await exchange.aplace(exchange.alice, "sell", "52000.00")
            await assert_book_equals_rest(client, exchange)

    run(scenario())


def test_api_key_auth_gives_order_events_of_the_own_account_only(sdk, exchange):
    identity = exchange.services.identity
    key, secret = identity.create_api_key(exchange.alice, "stream", ["read"], [], 30, exchange.services.now_ms())
    other_key, other_secret = identity.create_api_key(exchange.alice, "skew", ["read"], [], 30,
                                                      exchange.services.now_ms())

    async def scenario():
        async with sdk.StreamClient(exchange.ws_url, api_key=key.id, api_secret=secret) as client:
            assert client.user_id == exchange.alice
            assert await client.subscribe("orders") == ["orders"]
            mine = await exchange.aplace(exchange.alice, "buy", "48000.00")
            theirs = await exchange.aplace(exchange.bob, "buy", "48000.00")
            also_mine = await exchange.aplace(exchange.alice, "buy", "48001.00")
            seen = []
            while also_mine.id not in seen:
                event = await next_message(client, lambda m: getattr(m, "op", None) == "order")
                assert isinstance(event, client.models.OrderEventPayload)
                seen.append(event.data.id.root)
            assert seen == [mine.id, also_mine.id] and theirs.id not in seen

        # Two clients of one key logging in within the same second must not send the same signature (the server
        # accepts each once).
        async with sdk.StreamClient(exchange.ws_url, api_key=key.id, api_secret=secret) as one, \
                sdk.StreamClient(exchange.ws_url, api_key=key.id, api_secret=secret) as two:
            assert one.user_id == two.user_id == exchange.alice
        # A clock 100 s behind learns the server's from a pong after `timestamp_skew`, and signs again.
        async with sdk.StreamClient(exchange.ws_url, api_key=other_key.id, api_secret=other_secret,
                                    clock=lambda: time.time() - 100) as skewed:
            assert skewed.user_id == exchange.alice and 99 < skewed._clock_offset < 101

        with pytest.raises(sdk.StreamRequestError) as refused:  # a wrong secret: connect fails with the code
            async with sdk.StreamClient(exchange.ws_url, api_key=key.id, api_secret="not the secret"):
                pass
        assert refused.value.op == "auth" and refused.value.code == "invalid_signature"

    run(scenario())


def test_error_replies_raise_the_typed_error_with_the_catalogued_code(sdk, exchange):
    async def scenario():
        async with sdk.StreamClient(rest_base_url=exchange.base + "/v1") as client:  # url derived: .../v1/ws
            assert client.url == exchange.ws_url
            for channels, code in [(["orderbook.NOPE/USDT"], "market_not_found"),
                                   (["orders"], "unauthenticated"),
                                   (["orderbook.btc-usdt"], "invalid_request")]:
                with pytest.raises(sdk.StreamRequestError) as error:
                    await client.subscribe(*channels)
                assert error.value.code == code and error.value.op == "subscribe"
                assert error.value.request_id.startswith("req_") and error.value.message
            with pytest.raises(sdk.BookNotReady):
                client.book("NOPE/USDT")
            assert await client.subscribe(BOOK) == [BOOK]  # the connection is still fine
            await assert_book_equals_rest(client, exchange)
            assert (await client.ping()).tzinfo is not None

    run(scenario())
