"""Server side of the WebSocket fan-out benchmark (tools/bench/ws.py): one process per server, started as
`python -m tools.bench.ws_server {real|bare|real-eager} <ws port> <control port> <work dir>`.

- `real`: `impl.app.create_app(Config(database=<work dir>/ws.sqlite3, log_level="warning"))` served by
  `uvicorn.run(app, host="127.0.0.1", port=…, log_level="warning", lifespan="on")` — the settings of `cooud serve`
  (uvicorn picks uvloop, httptools and its websockets-sansio protocol). The app is wrapped only to learn the
  event loop at lifespan start (the wrapper passes `receive`/`send` through untouched: no per-frame cost).
  Publishing is `app.services.hub.publish([Event("trades.BTC/USDT", frame, symbol="BTC/USDT")])` from a
  thread, one event per call — the path of a commit from the trading thread.
- `real-eager` (measurement only): `real` with the proposal of docs/BENCHMARKS.md patched in (`patch_eager_send`).
- `bare`: a `websockets` (asyncio server API, uvloop) server that answers a subscribe request, keeps its
  subscribed connections in a set and, per message, posts `websockets.broadcast(conns, dumps(frame))` to its loop
  from the same kind of thread (`loop.call_soon_threadsafe`), with the same serialiser as the hub
  (`impl.ws.hub.dumps`).

Both publish the same frames: a spec-shaped public trade (`PublicTrade`) whose `id` is `trd_` followed by the
publish time as 26 decimal digits of `time.monotonic_ns()` (CLOCK_MONOTONIC, the same clock in every process on
Linux; digits are valid ULID characters, so the frame still matches the schema). The time is taken right
before the frame is built and handed to the server.

Control: a line protocol on `127.0.0.1:<control port>`, served by a thread of this process (one command at a time):
  `pub N`            publish N messages back to back (no reply);
  `rate N R`         publish N messages at R per second (absolute schedule), reply `done <late>` where late is how
                     many were published more than 1 ms behind schedule;
  `profile on [cpu]` enable cProfile on the event loop's thread (reply `ok`); timer: wall clock, or with `cpu` the
                     thread's CPU time (time.thread_time: waits for the CPU and preemption on a busy machine are
                     then not charged to whatever was running);
  `profile off P`    stop it and dump its stats to file P (reply `ok`);
  `stats`            reply one JSON line: frames handed to connections so far, connections.
Everything listens on 127.0.0.1 only. The process ends on SIGTERM (uvicorn's handler; the bare server's own).
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

SYMBOL = "BTC/USDT"
CHANNEL = f"trades.{SYMBOL}"


def utc_ts() -> str:
    ms = time.time_ns() // 1_000_000
    return time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(ms / 1000)) + f"{ms % 1000:03d}Z"


def trade_frame(seq: int, t_ns: int, ts: str) -> dict:
    """One `trade` frame of spec/asyncapi.yaml; its id carries the publish time (see the module docstring)."""
    ticks = 6_000_000 + seq % 41 - 20
    return {"op": "trade", "channel": CHANNEL,
            "data": {"id": f"trd_{t_ns:026d}", "symbol": SYMBOL, "price": f"{ticks // 100}.{ticks % 100:02d}",
                     "size": f"0.{(seq % 5 + 1) * 100:05d}", "taker_side": "buy" if seq % 2 else "sell", "ts": ts}}


class Control:
    """The control thread: reads commands and publishes through `publish(frame)` (called from this thread)."""

    def __init__(self, port: int, publish: Callable[[dict], None], stats: Callable[[], dict]) -> None:
        self.publish, self.stats = publish, stats
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's loop, once known
        self.profiler: cProfile.Profile | None = None
        self.seq = 0
        self.sock = socket.create_server(("127.0.0.1", port))
        threading.Thread(target=self._serve, name="bench-control", daemon=True).start()

    def _serve(self) -> None:
        while True:
            conn, _ = self.sock.accept()
            with conn, conn.makefile("rwb") as f:
                for line in f:
                    reply = self._command(line.decode().split())
                    if reply is not None:
                        f.write(reply.encode() + b"\n")
                        f.flush()

    def _publish(self, count: int) -> None:
        ts, publish = utc_ts(), self.publish
        for _ in range(count):
            self.seq += 1
            publish(trade_frame(self.seq, time.monotonic_ns(), ts))

    def _command(self, words: list[str]) -> str | None:
        if not words:
            return None
        if words[0] == "pub":
            self._publish(int(words[1]))
            return None
        if words[0] == "rate":
            count, per_s = int(words[1]), float(words[2])
            start, late = time.monotonic(), 0
            for i in range(count):
                due = start + i / per_s
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                elif delay < -0.001:
                    late += 1
                self._publish(1)
            return f"done {late}"
        if words[0] == "profile":
            return self._profile(words[1], words[2] if len(words) > 2 else None)
        if words[0] == "stats":
            return json.dumps(self.stats())
        return "error unknown command"

    def _profile(self, what: str, path: str | None) -> str:
        """cProfile is per thread: enable and disable it on the loop's thread, and wait until that happened."""
        if self.loop is None:
            return "error no loop yet"
        done = threading.Event()

        def on_loop() -> None:
            if what == "on":
                self.profiler = cProfile.Profile(time.thread_time) if path == "cpu" else cProfile.Profile()
                self.profiler.enable()
            elif self.profiler is not None:
                self.profiler.disable()
            done.set()

        self.loop.call_soon_threadsafe(on_loop)
        if not done.wait(30):
            return "error loop did not answer"
        if what == "off" and self.profiler is not None and path:
            self.profiler.dump_stats(path)
            self.profiler = None
        return "ok"


class _Resume:
    """Awaitable that finishes a coroutine already started with `coro.send(None)` which suspended on `first`."""

    def __init__(self, coro, first) -> None:
        self.coro, self.first = coro, first

    def __await__(self):
        value = self.first
        while True:
            try:
                sent = yield value
            except BaseException as exc:  # noqa: BLE001 - cancellation and errors go to the coroutine
                try:
                    value = self.coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    value = self.coro.send(sent)
                except StopIteration as stop:
                    return stop.value


def patch_eager_send() -> None:
    """Measurement only (server `real-eager`): the proposal of docs/BENCHMARKS.md, applied by patching
    impl.ws.connection.Connection in this process — `offer` writes the frame at once when the connection's queue
    is empty and its pump is not in the middle of a send, by running the ASGI `send` coroutine eagerly (uvicorn's
    send completes without suspending unless the transport is paused); only if it suspends (back-pressure) is the
    rest handed to the pump, and frames queue behind it as before. No task wake-up or Event per delivery then."""
    from impl.ws import connection as mod

    cls = mod.Connection
    original_offer = cls.offer

    def offer(self, text: str) -> None:
        if self.closing or self._queue or getattr(self, "_busy", False):
            original_offer(self, text)
            return
        coro = self._send({"type": "websocket.send", "text": text})
        try:
            first = coro.send(None)
        except StopIteration:
            return
        except Exception:  # the peer went away: as the pump does
            self.closing = True
            self._drop_queue()
            return
        self._busy = True
        self._inflight = _Resume(coro, first)
        self._wake.set()

    async def _run_pump(self) -> None:
        queue, send = self._queue, self._send
        self._busy = False
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                inflight = getattr(self, "_inflight", None)
                if inflight is not None:
                    self._inflight = None
                    try:
                        await inflight
                    finally:
                        self._busy = False
                while queue:
                    text = queue.popleft()
                    self._queued_bytes -= len(text)
                    self._busy = True
                    try:
                        await send({"type": "websocket.send", "text": text})
                    finally:
                        self._busy = False
        except asyncio.CancelledError:
            raise
        except Exception:
            self.closing = True
            self._drop_queue()

    cls.offer = offer
    cls._run_pump = _run_pump


def serve_real(port: int, control_port: int, workdir: Path, eager: bool = False) -> None:
    import uvicorn

    if eager:
        patch_eager_send()

    from impl.app import create_app
    from impl.config import Config
    from impl.ws.hub import Event

    app = create_app(Config(database=str(workdir / "ws.sqlite3"), log_level="warning"))
    hub = app.services.hub
    control = Control(control_port, lambda frame: hub.publish([Event(CHANNEL, frame, symbol=SYMBOL)]),
                      lambda: {"delivered": hub.delivered, "connections": len(hub.connections)})

    async def wrapped(scope, receive, send):
        if scope["type"] == "lifespan":
            control.loop = asyncio.get_running_loop()
        await app(scope, receive, send)

    try:
        uvicorn.run(wrapped, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    finally:
        app.services.store.close()


def serve_bare(port: int, control_port: int) -> None:
    import uvloop
    from websockets.asyncio.server import broadcast, serve

    from impl.ws.hub import dumps

    conns: set = set()
    counters = {"delivered": 0}

    def fan_out(frame: dict) -> None:
        broadcast(conns, dumps(frame))
        counters["delivered"] += len(conns)

    async def handler(ws) -> None:
        try:
            async for message in ws:
                request = json.loads(message)
                if request.get("op") == "subscribe":
                    await ws.send(dumps({"op": "subscribe", "id": request.get("id"),
                                         "result": {"channels": request.get("args")}}))
                    conns.add(ws)
        finally:
            conns.discard(ws)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        control = Control(control_port, lambda frame: loop.call_soon_threadsafe(fan_out, frame),
                          lambda: {"delivered": counters["delivered"], "connections": len(conns)})
        control.loop = loop
        stop = loop.create_future()
        loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
        loop.add_signal_handler(signal.SIGINT, stop.set_result, None)
        async with serve(handler, "127.0.0.1", port):
            await stop

    uvloop.run(main())


def main(argv: list[str]) -> None:
    kind, port, control_port, workdir = argv[0], int(argv[1]), int(argv[2]), Path(argv[3])
    if kind in ("real", "real-eager"):
        serve_real(port, control_port, workdir, eager=kind == "real-eager")
    elif kind == "bare":
        serve_bare(port, control_port)
    else:
        raise SystemExit(f"unknown server {kind!r}; expected real or bare")


if __name__ == "__main__":
    main(sys.argv[1:])
