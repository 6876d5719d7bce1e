"""The WebSocket gateway at `/v1/ws`: the server side of spec/asyncapi.yaml.

`Stream` is an ASGI app for the WebSocket route plus the timers of the stream (heartbeats and idle checks,
book snapshots, throttled tickers and candles), started and stopped by the app's lifespan. One connection
multiplexes many channels (impl/ws/hub.py); each has a bounded send queue (impl/ws/connection.py).

Requests are validated against the request schemas of spec/asyncapi.yaml (impl/ws/contract.py), so what the
server accepts is exactly what the document says; a frame that is not one of its requests gets an `error`
frame with the catalogue's code (`malformed_body`, `invalid_request`, `payload_too_large`,
`unsupported_media_type`), and the connection stays open. Each request gets exactly one reply, queued behind
whatever was queued before it, so replies keep the order of requests: a connection's frames are handled one at a
time, the next read once the previous one is answered. Credentials are checked in a worker thread (they read the
store; impl/blocking.py), with the same identity service and error codes as REST.

Order entry (`place_order`, `amend_order`, `cancel_order`: the document's operations marked
`x-cooud-rest-operation`) is the REST request carried in the frame, answered by the app's own HTTP stack through
`order_entry` (impl/ws/order_entry.py), which the app factory attaches once that app exists. Such a frame needs no
`auth`: it carries its own credential.

Credentials end streams (close code 4001, spec/asyncapi.yaml "Authentication"): an authenticated connection keeps
the `Grant` that authenticated it. Two ways a revocation reaches it:
- push: the identity service announces every change it commits (`Identity.listeners`, in the thread that made
  it); the announcement is posted to the loop behind any stream events already posted, and the connections of the
  grants it names as ended are closed there and then — a private event committed after the revocation returned is
  never delivered to them. The user's other connections are checked again at once (a listen-key eviction, an
  allowlist change).
- re-check: every `ws_recheck_s` (1 s) each distinct grant is checked against the store in one worker-thread call,
  which covers what nobody announces here: expiry, and changes made by another process (the `cooud` CLI, other
  workers of a scaled deployment).
The re-check costs one indexed lookup per distinct credential per second, off the loop.

Housekeeping hosted here because the stream's timers are what the app's lifespan runs: every `purge_interval_s`
the identity service deletes dead sessions, refresh tokens, nonces and listen keys (`Identity.purge_expired`),
in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time

from impl.api import wire
from impl.blocking import run_blocking
from impl.errors import ApiError, error_of, request_id_var
from impl.ids import new_id
from impl.ws.connection import CREDENTIAL_REVOKED, IDLE_TIMEOUT, Connection
from impl.ws.contract import stream_contract
from impl.ws.hub import CANDLE_INTERVALS, PRIVATE_CHANNELS, Hub
from impl.ws.order_entry import OrderEntry

log = logging.getLogger("cooud.stream")

SIGNED_TARGET = b"/v1/ws"  # an API-key login signs a GET of this target with no body


class RequestError(ApiError):
    """A refusal of a stream request, answered in an error frame through the one mapping (impl/errors.py)."""

    def __init__(self, code: str, message: str, details: list[dict] | None = None) -> None:
        super().__init__(code, message, details=details)


class Stream:
    def __init__(self, services, hub: Hub, books: dict) -> None:
        self.services = services
        self.hub = hub
        self._books = books  # the trading service's L2 views (impl/domain/book.py)
        self.contract = stream_contract(str(services.config.spec_dir))
        self.config = services.config
        self.order_entry: OrderEntry | None = None  # attached by the app factory (impl/app.py)
        # One handler per request op of the document; a request without one fails start-up, not a client.
        self._handlers = {op: self._order_entry if op in self.contract.rest_operations else getattr(self, f"_op_{op}")
                          for op in self.contract.ops}
        self._tasks: list[asyncio.Task] = []
        self._checks: set[asyncio.Task] = set()  # re-checks started by announcements (kept from the GC)

    # -- life cycle ---------------------------------------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        # In the engine's thread between two batches: the book copies match the next delta published.
        await self.services.trading.exclusively_async(lambda: self.hub.attach(loop, self._books))
        self._tasks = [loop.create_task(self._every(self.config.ws_heartbeat_s, self._heartbeat)),
                       loop.create_task(self._every(self.config.ws_snapshot_s, self._snapshots)),
                       loop.create_task(self._every(self.config.ws_throttle_s, self._market_updates)),
                       loop.create_task(self._every(self.config.ws_recheck_s, self._recheck)),
                       loop.create_task(self._every(self.config.purge_interval_s, self._purge_expired))]
        self.services.identity.listeners.append(self._credentials_changed)

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self.services.identity.listeners.remove(self._credentials_changed)
        self.hub.detach()
        tasks = self._tasks + list(self._checks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        for conn in list(self.hub.connections):
            conn.start_close(1012, "server restarting")

    async def _every(self, seconds: float, job) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await job()
            except Exception:
                log.exception("stream: periodic job failed")

    async def _heartbeat(self) -> None:
        idle_before = time.monotonic() - self.config.ws_idle_s
        frame = {"op": "heartbeat", "ts": wire.timestamp(self.services.now_ms())}
        for conn in list(self.hub.connections):
            if not conn.channels and conn.last_heard <= idle_before:
                conn.start_close(IDLE_TIMEOUT, "idle")
        self.hub.send_to(self.hub.connections, frame)

    # -- credentials that end (see the module docstring) --------------------------------------------------------
    def _credentials_changed(self, event) -> None:
        """An identity announcement, from any thread: handled on the loop, after the events posted before it."""
        self.hub.post(self._on_credentials_changed, event)

    def _on_credentials_changed(self, event) -> None:
        for grant_id in event.ended:
            for conn in list(self.hub.credentials.get(grant_id, ())):
                self._revoked(conn)
        others = [c for c in self.hub.connections
                  if c.grant is not None and c.grant.user_id == event.user_id and not c.closing]
        if others:
            task = asyncio.get_running_loop().create_task(self._recheck(others))
            self._checks.add(task)
            task.add_done_callback(self._checked)

    def _checked(self, task: asyncio.Task) -> None:
        self._checks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("stream: credential re-check failed", exc_info=task.exception())

    async def _recheck(self, connections=None) -> None:
        """Close the connections (default: all) whose grant no longer authenticates them."""
        conns = [c for c in (self.hub.connections if connections is None else connections)
                 if c.grant is not None and not c.closing]
        if not conns:
            return
        ended = await run_blocking(self._ended, {c.grant for c in conns}, self.services.now_ms())
        for conn in conns:
            if conn.grant in ended:
                self._revoked(conn)

    def _ended(self, grants: set, now_ms: int) -> set:
        """The grants that no longer authenticate (runs in a worker thread: it reads the store)."""
        identity = self.services.identity
        return {grant for grant in grants if not identity.grant_valid(grant, now_ms)}

    @staticmethod
    def _revoked(conn: Connection) -> None:
        if not conn.closing:
            log.info("stream: %s: its credential was revoked or expired; closing with %d", conn.client,
                     CREDENTIAL_REVOKED)
            conn.start_close(CREDENTIAL_REVOKED, "credential revoked")

    async def _purge_expired(self) -> None:
        purged = await run_blocking(self.services.identity.purge_expired, self.services.now_ms())
        if any(purged):
            log.info("identity: purged %d sessions, %d refresh tokens, %d nonces, %d listen keys", *purged)

    async def _snapshots(self) -> None:
        for channel in self.hub.channels("orderbook."):
            self.hub.send_to(self.hub.subscribers(channel), self.hub.book_frame(channel.split(".", 1)[1]))

    async def _market_updates(self) -> None:
        changed, self.hub.changed_markets = self.hub.changed_markets, set()
        for symbol in changed:
            wanted = [c for c in self._market_channels(symbol) if self.hub.subscribers(c)]
            if wanted:
                frames = await asyncio.to_thread(self._market_frames, symbol, wanted)
                for channel, frame in frames:
                    self.hub.send_to(self.hub.subscribers(channel), frame)

    @staticmethod
    def _market_channels(symbol: str) -> list[str]:
        return [f"ticker.{symbol}"] + [f"candles.{symbol}.{i}" for i in CANDLE_INTERVALS]

    def _market_frames(self, symbol: str, channels: list[str]) -> list[tuple[str, dict]]:
        """Current ticker / latest candle frames of `channels` (runs in a worker thread: it reads the store)."""
        md = self.services.market_data
        market = md.market(symbol)
        out = []
        for channel in channels:
            if channel.startswith("ticker."):
                data = wire.ticker(md.ticker(symbol), market)
                out.append((channel, {"op": "ticker", "channel": channel, "data": data}))
            else:
                latest = md.candles(symbol, channel.rsplit(".", 1)[1], None, None, 1)
                if latest:
                    out.append((channel, {"op": "candle", "channel": channel, "data": wire.candle(latest[-1], market)}))
        return out

    # -- one connection -----------------------------------------------------------------------------------------
    async def __call__(self, scope, receive, send) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        client = scope.get("client") or ("?", 0)
        conn = Connection(send, max_frames=self.config.ws_queue_frames, max_bytes=self.config.ws_queue_bytes,
                          close_timeout_s=self.config.ws_close_timeout_s, client=f"{client[0]}:{client[1]}")
        conn.client_ip, conn.network = scope.get("cooud.client_ip"), scope.get("cooud.network")
        conn.handshake = scope  # order entry places its requests at the connection's address (impl/ws/order_entry.py)
        self.hub.add(conn)
        conn.reader = asyncio.current_task()
        try:
            await self._read(conn, receive)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if conn.close_code is None or task.cancelling() > 1:
                raise  # not our own drop of a peer that would not take its close frame: a real cancellation
            task.uncancel()
        finally:
            self.hub.remove(conn)
            await conn.stop()

    async def _read(self, conn: Connection, receive) -> None:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            conn.last_heard = time.monotonic()
            token = request_id_var.set(new_id("req"))
            try:
                await self._frame(conn, message)
            finally:
                request_id_var.reset(token)

    async def _frame(self, conn: Connection, message: dict) -> None:
        request_id = None
        try:
            text = message.get("text")
            if text is None:
                raise RequestError("unsupported_media_type", "Binary frames are not accepted; send JSON text frames.")
            if len(text.encode("utf-8", "surrogatepass")) > self.config.ws_max_frame_bytes:
                raise RequestError("payload_too_large",
                                   f"A frame may hold at most {self.config.ws_max_frame_bytes} bytes.")
            try:
                frame = json.loads(text)
            except (ValueError, RecursionError):
                raise RequestError("malformed_body", "The frame is not well-formed JSON.") from None
            if not isinstance(frame, dict):
                raise RequestError("invalid_request", "A frame must be a JSON object with an 'op' field.")
            request_id = self.contract.request_id(frame.get("id"))
            op = frame.get("op")
            if op not in self.contract.ops:
                raise RequestError("invalid_request", f"Unknown op {str(op)[:64]!r}; expected one of "
                                   f"{', '.join(self.contract.ops)}.", [{"field": "op", "reason": "unknown op"}])
            problems = self.contract.problems(op, frame)
            if problems:
                raise RequestError("invalid_request", f"The {op} request does not match the stream contract: "
                                   f"{problems[0]['field']}: {problems[0]['reason']}", problems)
            await self._handlers[op](conn, frame, request_id)
        except Exception as exc:  # the one mapping: refusals, auth and domain errors, and anything unexpected
            _, error, _ = error_of(exc)
            self._reply(conn, {"op": "error", "id": request_id, "error": error})

    def _reply(self, conn: Connection, frame: dict) -> None:
        self.hub.send_to((conn,), frame)

    # -- operations ---------------------------------------------------------------------------------------------
    async def _op_ping(self, conn: Connection, request, request_id) -> None:
        self._reply(conn, {"op": "pong", "id": request_id, "ts": wire.timestamp(self.services.now_ms())})

    async def _order_entry(self, conn: Connection, request, request_id) -> None:
        self._reply(conn, await self.order_entry.answer(conn.handshake, request, request_id))

    async def _op_subscribe(self, conn: Connection, request, request_id) -> None:
        channels = request["args"]
        for i, channel in enumerate(channels):
            self._check_channel(conn, channel, i)
        new = [c for c in dict.fromkeys(channels) if c not in conn.channels]
        if len(conn.channels) + len(new) > self.config.ws_max_channels:
            raise RequestError("too_many_channels", f"A connection holds at most {self.config.ws_max_channels} "
                               f"channels; it has {len(conn.channels)} "
                               f"and this request adds {len(new)}.")
        owner = conn.principal.user_id if conn.principal is not None else None
        for channel in new:
            conn.channels[channel] = owner if channel in PRIVATE_CHANNELS else None
            self.hub.subscribe(conn, channel, conn.channels[channel])
        self._reply(conn, {"op": "subscribe", "id": request_id, "result": {"channels": channels}})
        market_channels: dict[str, list[str]] = {}
        for channel in new:
            if channel.startswith("orderbook."):
                self._reply(conn, self.hub.book_frame(channel.split(".", 1)[1]))
            elif channel.startswith(("ticker.", "candles.")):
                market_channels.setdefault(channel.split(".")[1], []).append(channel)
        for symbol, wanted in market_channels.items():
            for channel, frame in await asyncio.to_thread(self._market_frames, symbol, wanted):
                if channel in conn.channels:  # still subscribed after the wait
                    self._reply(conn, frame)

    def _check_channel(self, conn: Connection, channel: str, index: int) -> None:
        if channel in PRIVATE_CHANNELS:
            if conn.principal is None:
                raise RequestError("unauthenticated", f"Channel {channel!r} needs an authenticated connection: "
                                   "send an auth request first.", [{"field": f"args[{index}]",
                                                                    "reason": "private channel"}])
            return
        symbol = channel.split(".")[1]
        if self.hub.book(symbol) is None:
            raise RequestError("market_not_found", f"There is no market {symbol!r}.",
                               [{"field": f"args[{index}]", "reason": f"unknown market {symbol}"}])

    async def _op_unsubscribe(self, conn: Connection, request, request_id) -> None:
        removed = []
        for channel in dict.fromkeys(request["args"]):
            if channel in conn.channels:
                self.hub.unsubscribe(conn, channel, conn.channels.pop(channel))
                removed.append(channel)
        self._reply(conn, {"op": "unsubscribe", "id": request_id, "result": {"channels": removed}})

    async def _op_auth(self, conn: Connection, request, request_id) -> None:
        if conn.principal is not None:
            raise RequestError("invalid_request", "This connection is already authenticated.")
        args = request["args"]
        principal, grant = await run_blocking(self._authenticate, args, conn)
        if not principal.holds("read"):
            raise RequestError("forbidden", "This credential lacks the read permission the user channels need.")
        holders = self.hub.credentials.setdefault(grant.id, set())
        if len(holders) >= self.config.ws_max_connections:
            raise RequestError("too_many_connections",
                               f"This credential already authenticates {self.config.ws_max_connections} connections.")
        holders.add(conn)
        # From here the re-check watches it: a revocation that raced this login still ends it within ws_recheck_s.
        conn.principal, conn.grant, conn.credential = principal, grant, grant.id
        self._reply(conn, {"op": "auth", "id": request_id,
                           "result": {"user_id": principal.user_id, "method": args["method"]}})

    def _authenticate(self, args, conn: Connection):
        """(principal, grant) for a login; raises AuthError with the REST code of the failure."""
        identity, now = self.services.identity, self.services.now_ms()
        if args["method"] == "api_key":
            p = identity.authenticate_key(args["key"], args["timestamp"], args["signature"], "GET", SIGNED_TARGET,
                                          b"", conn.client_ip, now)
            return p, identity.grant(p, client_ip=conn.client_ip)
        if args["method"] == "bearer":
            p = identity.authenticate_bearer(args["token"], conn.network, now)
            return p, identity.grant(p)
        p = identity.authenticate_listen_key(args["listen_key"], now)
        return p, identity.grant(p, listen_key=args["listen_key"])
