"""The gateway's limits and liveness, over real WebSocket connections to the app served by uvicorn on 127.0.0.1.

- A connection that stops reading is closed with the documented slow-consumer code while the server's queue for
  it never exceeds its bound and the process's memory stays flat (spec/asyncapi.yaml, "Liveness and limits").
- Idle connections are closed with the documented idle code; subscribed ones are kept; heartbeats arrive.
- The channel ceiling and the per-credential connection cap answer with their catalogued error codes.
Every wait is bounded; frames are checked against the document elsewhere (test_stream_conformance.py).
"""

from __future__ import annotations

import asyncio
import json
import resource
import threading
import time

import pytest
import websockets
import yaml

from impl.app import create_app
from impl.config import Config
from impl.ws.hub import Event
from tests.stream_support import serving

ROOT_SPEC = "spec/asyncapi.yaml"


def close_codes() -> dict[int, str]:
    doc = yaml.safe_load(open(ROOT_SPEC, encoding="utf-8"))
    return {c["code"]: c["reason"] for c in doc["channels"]["stream"]["x-cooud-close-codes"]}


def make_app(tmp_path, **ws):
    return create_app(Config(database=str(tmp_path / "db.sqlite3"), **ws))


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/v1/ws"


async def request(ws, frame: dict) -> dict:
    """Send a request and return its reply (skipping data frames and heartbeats)."""
    await ws.send(json.dumps(frame))
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if reply.get("id") == frame.get("id") and reply["op"] in (frame["op"], "error", "pong"):
            return reply


def trade_frame(i: int) -> dict:
    return {"op": "trade", "channel": "trades.BTC/USDT",
            "data": {"id": "trd_01HXY9G7M5Q3V8Z1W2X3Y4Z5A6", "symbol": "BTC/USDT", "price": f"{60000 + i % 100}.00",
                     "size": "0.01000", "taker_side": "buy", "ts": "2026-05-18T12:04:12.010Z"}}


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_a_connection_that_stops_reading_is_closed_with_the_slow_consumer_code_and_memory_stays_bounded(tmp_path):
    assert close_codes()[4008] == "slow consumer"
    queue_bytes = 256 * 1024
    app = make_app(tmp_path, ws_queue_frames=1000, ws_queue_bytes=queue_bytes, ws_close_timeout_s=10)
    hub = app.services.hub
    with serving(app) as base:

        async def scenario() -> tuple[int | None, int, int, int]:
            # max_queue=1: the client library stops reading the socket once one frame waits, i.e. at once.
            async with websockets.connect(ws_url(base), max_queue=1) as ws:
                reply = await request(ws, {"op": "subscribe", "id": "s", "args": ["trades.BTC/USDT"]})
                assert reply["op"] == "subscribe"
                [conn] = list(hub.connections)
                before = rss_kib()
                published = 0
                # Flood until the server gives up on the connection (bounded: 400k frames, ~60 MB of JSON).
                while conn.close_code is None and published < 400_000:
                    hub.publish([Event("trades.BTC/USDT", trade_frame(published + i)) for i in range(1000)])
                    published += 1000
                    await asyncio.sleep(0.005)
                grown = rss_kib() - before
                # Now read: everything that was in flight, then the close frame.
                received = 0
                try:
                    while True:
                        await asyncio.wait_for(ws.recv(), 10)
                        received += 1
                except websockets.ConnectionClosed as closed:
                    code = closed.rcvd.code if closed.rcvd else None
                return code, conn.peak_bytes, grown, published

        code, peak, grown_kib, published = asyncio.run(scenario())
        assert code == 4008
        assert peak <= queue_bytes
        assert published < 400_000, "the server never closed the non-reading connection"
        # The flood is many times the queue bound; what the process kept is not (kernel and transport buffers
        # and allocator noise included: a generous 32 MiB, against the tens of MB an unbounded queue would keep).
        assert grown_kib < 32 * 1024
        deadline = time.monotonic() + 5
        while hub.connections and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not hub.connections


def test_idle_connections_are_closed_with_the_idle_code_and_subscribed_ones_get_heartbeats(tmp_path):
    assert close_codes()[4000] == "idle timeout"
    app = make_app(tmp_path, ws_heartbeat_s=0.2, ws_idle_s=0.6)
    with serving(app) as base:

        async def scenario():
            async with websockets.connect(ws_url(base)) as idle, websockets.connect(ws_url(base)) as busy:
                await request(busy, {"op": "subscribe", "id": "s", "args": ["ticker.BTC/USDT"]})
                idle_frames = []
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    while True:
                        idle_frames.append(json.loads(await asyncio.wait_for(idle.recv(), 5)))
                busy_ops = []
                started = time.monotonic()
                while time.monotonic() - started < 1.2:
                    busy_ops.append(json.loads(await asyncio.wait_for(busy.recv(), 5))["op"])
                return closed.value.rcvd.code, idle_frames, busy_ops

        code, idle_frames, busy_ops = asyncio.run(scenario())
        assert code == 4000
        assert idle_frames and {f["op"] for f in idle_frames} == {"heartbeat"}
        assert busy_ops.count("heartbeat") >= 3  # still open well past the idle limit


def test_the_channel_ceiling_answers_too_many_channels_and_subscribes_nothing(tmp_path):
    app = make_app(tmp_path, ws_max_channels=5)
    channels = [f"candles.BTC/USDT.{i}" for i in ("1m", "5m", "15m", "1h")]
    with serving(app) as base:

        async def scenario():
            async with websockets.connect(ws_url(base)) as ws:
                ok = await request(ws, {"op": "subscribe", "id": "a", "args": channels})
                again = await request(ws, {"op": "subscribe", "id": "b", "args": channels})  # no new channel
                over = await request(ws, {"op": "subscribe", "id": "c", "args": ["trades.BTC/USDT", "ticker.BTC/USDT"]})
                gone = await request(ws, {"op": "unsubscribe", "id": "d", "args": ["trades.BTC/USDT"]})
                return ok, again, over, gone

        ok, again, over, gone = asyncio.run(scenario())
    assert ok["result"]["channels"] == channels and again["op"] == "subscribe"
    assert over["op"] == "error" and over["id"] == "c" and over["error"]["code"] == "too_many_channels"
    assert gone["result"]["channels"] == []  # the refused request subscribed nothing


def test_a_credential_authenticates_at_most_eight_connections(tmp_path):
    app = make_app(tmp_path)
    now = app.services.now_ms()
    app.services.identity.create_user("cap@example.com", "correct horse battery staple", now)
    token = app.services.identity.login("cap@example.com", "correct horse battery staple", None,
                                        _loopback_network(), now).access_token
    auth = {"op": "auth", "id": "x", "args": {"method": "bearer", "token": token}}
    with serving(app) as base:

        async def scenario():
            conns = [await websockets.connect(ws_url(base)) for _ in range(9)]
            try:
                replies = [await request(ws, auth) for ws in conns]
                await conns[0].close()
                await asyncio.sleep(0.2)
                retry = await request(conns[8], auth)
                return replies, retry
            finally:
                for ws in conns:
                    await ws.close()

        replies, retry = asyncio.run(scenario())
    assert [r["op"] for r in replies[:8]] == ["auth"] * 8
    assert replies[8]["op"] == "error" and replies[8]["error"]["code"] == "too_many_connections"
    assert retry["op"] == "auth"  # a freed slot can be taken


def _loopback_network() -> str:
    from impl.security.tokens import network_of

    return network_of("127.0.0.1")


def test_publishing_from_many_threads_keeps_each_connection_in_order(tmp_path):
    """Frames published from trading threads reach a subscriber in the order they were published per thread."""
    app = make_app(tmp_path)
    hub = app.services.hub
    with serving(app) as base:

        async def scenario():
            async with websockets.connect(ws_url(base)) as ws:
                await request(ws, {"op": "subscribe", "id": "s", "args": ["trades.BTC/USDT"]})

                def publisher(tag: int):
                    for i in range(200):
                        frame = trade_frame(i)
                        frame["data"]["size"] = f"{tag}.{i:05d}"
                        hub.publish([Event("trades.BTC/USDT", frame)])

                threads = [threading.Thread(target=publisher, args=(t,)) for t in (1, 2, 3)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(10)
                sizes = []
                while len(sizes) < 600:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
                    if frame["op"] == "trade":
                        sizes.append(frame["data"]["size"])
                return sizes

        sizes = asyncio.run(scenario())
    for tag in (1, 2, 3):
        mine = [s for s in sizes if s.startswith(f"{tag}.")]
        assert mine == [f"{tag}.{i:05d}" for i in range(200)]


def test_book_snapshots_stay_exact_when_trading_happened_with_no_connection_open(tmp_path):
    """With nobody connected only book deltas are published; they still keep the hub's book copy exact."""
    import httpx

    app = make_app(tmp_path)
    services = app.services
    user = services.identity.create_user("quiet@example.com", "correct horse battery staple", services.now_ms())
    services.trading.deposit(user.id, "USDT", "100000", "test-funding")
    with serving(app) as base:
        assert not app.services.hub.connections
        for i in range(5):
            services.trading.place(user.id, {"symbol": "BTC/USDT", "side": "buy", "type": "limit",
                                             "price": f"{50000 + i}.00", "size": "0.01000"})
        rest = httpx.get(f"{base}/v1/markets/BTC-USDT/orderbook", params={"depth": 500}).json()

        async def snapshot():
            async with websockets.connect(ws_url(base)) as ws:
                await request(ws, {"op": "subscribe", "id": "s", "args": ["orderbook.BTC/USDT"]})
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
                    if frame["op"] == "book_snapshot":
                        return frame["data"]

        data = asyncio.run(snapshot())
    assert rest["sequence"] == 5 and data["sequence"] == rest["sequence"]
    assert data["bids"] == rest["bids"] and data["asks"] == rest["asks"]
