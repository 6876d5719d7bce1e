"""An asyncio client of the Cooud WebSocket stream (spec/asyncapi.yaml), with local order books.

`StreamClient` keeps one WebSocket connection to `/v1/ws` alive for as long as it is open:

- requests (`subscribe`, `unsubscribe`, `ping`, `auth`) carry a correlation `id` (`c1`, `c2`, ...) and wait for the
  reply with the same id; an `error` reply raises `StreamRequestError` with the catalogue's `code`;
- with credentials it authenticates on every connection before anything else: an API key signs
  `timestamp + "GET" + "/v1/ws"` (cooud_sdk.signing), a bearer token or a listen key is sent as is (either may be a
  callable that returns a fresh one, called on every connection);
- data frames are parsed into the models generated from spec/asyncapi.yaml (`BookSnapshotPayload`,
  `TradeEventPayload`, `OrderEventPayload`, ...) and delivered by `messages()`;
- on any disconnect — a close frame with any code, a network error, or `silence_timeout` seconds without a single
  frame (the server sends a heartbeat every 15 s; the spec says 45 s of silence means dead) — it reconnects with
  exponential back-off and jitter, authenticates again and resubscribes every channel it had, then yields
  `Reconnected` from `messages()` (trades or order events sent while it was away are not replayed by the server);
- it keeps an L2 book per subscribed `orderbook.<symbol>` channel (`book(symbol)`), following the spec's rules:
  a `book_snapshot` replaces the book; a `book_delta` whose `prev_sequence` equals the book's `sequence` is applied,
  one whose `sequence` is not above it is skipped, and any other means a missed update: the channel is
  unsubscribed and subscribed again on the same connection (the server sends a snapshot on subscribe), and
  deltas are dropped until that snapshot arrives. After a reconnect every book waits for its new snapshot.

Invariants: `book(symbol)` only ever returns a book that is exactly some server sequence (never a half-applied
or gapped one); it raises `BookNotReady` while a snapshot is awaited. Replies are matched by id, never by order.

Typed models: this module does not define wire models by hand. It uses `cooud_exchange_client.stream_models`,
the pydantic module tools/codegen.py generates from spec/asyncapi.yaml into the generated client package (which
therefore depends on pydantic 2 with the email extra: the module also holds the REST account models).

Known limits: one consumer of `messages()` at a time; its queue is bounded (`max_queue`), and when nobody reads
it the oldest message is dropped and counted in `dropped_messages` (the books are kept in the reader, so they stay
exact whether or not anyone reads). Liveness relies on the server's heartbeats; WebSocket pings are not sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import itertools
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

from .errors import CooudError
from .signing import signature

log = logging.getLogger("cooud_sdk.stream")

SIGNED_TARGET = "/v1/ws"  # an API-key login signs a GET of this target with no body (spec/asyncapi.yaml)
MAX_FRAME_BYTES = 16 * 1024 * 1024  # the transport limit of the spec's close code 1009
MODELS = "cooud_exchange_client.stream_models"
# Refusals while (re)establishing that a new connection can cure: the catalogue's `retryable` codes an auth or
# subscribe can return, plus `signature_replayed` (a new connection signs afresh). Any other refusal is final.
RETRYABLE = frozenset({"too_many_connections", "timestamp_skew", "internal_error", "service_unavailable",
                       "rate_limited", "signature_replayed"})
_LAST_AUTH_TS: dict[str, int] = {}  # API key id -> the last timestamp signed for a stream login in this process
_REPLY_OPS = frozenset({"subscribe", "unsubscribe", "pong", "auth", "error"})
_MODEL_OF_OP = {
    "book_snapshot": "BookSnapshotPayload",
    "book_delta": "BookDeltaPayload",
    "trade": "TradeEventPayload",
    "ticker": "TickerEventPayload",
    "candle": "CandleEventPayload",
    "order": "OrderEventPayload",
    "balance": "BalanceEventPayload",
    "withdrawal": "WithdrawalEventPayload",
    "error": "ErrorMessagePayload",
}


# -- errors -----------------------------------------------------------------------------------------------------
class StreamError(CooudError):
    """Base class of the stream client's exceptions."""


class StreamRequestError(StreamError):
    """The server answered a request with an `error` frame (`code` is from the spec's error catalogue)."""

    def __init__(self, op: str, code: str, message: str, request_id: str | None = None,
                 details: list[dict] | None = None) -> None:
        super().__init__(f"{op}: {code}: {message}" + (f" ({request_id})" if request_id else ""))
        self.op, self.code, self.message, self.request_id, self.details = op, code, message, request_id, details

    @classmethod
    def from_frame(cls, op: str, frame: dict) -> StreamRequestError:
        error = frame.get("error") if isinstance(frame.get("error"), dict) else {}
        return cls(op, str(error.get("code", "unexpected_response")), str(error.get("message", "")),
                   error.get("request_id"), error.get("details"))


class StreamClosedError(StreamError):
    """The client is closed (or could not connect): no request can be sent."""


class BookNotReady(StreamError):
    """No exact book for this symbol right now: not subscribed, or waiting for a snapshot (after a gap or a
    reconnect)."""


class _Disconnected(Exception):
    """The connection a request went out on is gone (internal: the request is sent again on the next one)."""


# -- what messages() yields besides the generated models ---------------------------------------------------------
@dataclass(frozen=True)
class Reconnected:
    """Not a wire frame: the connection dropped and is back, authenticated and resubscribed. Trades and user
    events sent in between were missed (the books resynchronise from snapshots by themselves)."""

    attempt: int  # connections established so far, this one included
    reason: str  # why the previous connection ended


@dataclass
class _Book:
    sequence: int | None = None  # None: waiting for a snapshot
    bids: dict[Decimal, Decimal] = field(default_factory=dict)
    asks: dict[Decimal, Decimal] = field(default_factory=dict)
    resyncs: int = 0


def load_models() -> ModuleType:
    """The module generated from spec/asyncapi.yaml, shipped in the generated client package."""
    return importlib.import_module(MODELS)


async def _value(source: str | Callable[[], str | Awaitable[str]]) -> str:
    value = source() if callable(source) else source
    return await value if inspect.isawaitable(value) else value


def _levels(levels: Iterable) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(level.root[0].root), Decimal(level.root[1].root)) for level in levels]


class StreamClient:
    """See the module docstring. Use `async with StreamClient(...) as client:` or `await connect()` / `close()`."""

    def __init__(self, url: str | None = None, *, api_key: str | None = None, api_secret: str | None = None,
                 token: str | Callable[[], str | Awaitable[str]] | None = None,
                 listen_key: str | Callable[[], str | Awaitable[str]] | None = None,
                 rest_base_url: str | None = None, backoff: tuple[float, float] = (0.5, 30.0),
                 silence_timeout: float = 45.0, request_timeout: float = 10.0, open_timeout: float = 10.0,
                 close_timeout: float = 2.0, max_queue: int = 10_000, clock: Callable[[], float] = time.time) -> None:
        """`url`: the stream, e.g. `ws://127.0.0.1:8080/v1/ws`; when omitted it is derived from `rest_base_url`
        (the REST base as given to CooudClient, e.g. `http://127.0.0.1:8080/v1` -> `ws://127.0.0.1:8080/v1/ws`).
        Credentials: `api_key` + `api_secret`, or `token` (access JWT), or `listen_key` — at most one kind.
        `backoff`: (first delay, longest delay) between reconnection attempts, in seconds; each delay is doubled
        from the first and jittered to between half and all of it."""
        if url is None:
            if rest_base_url is None:
                raise ValueError("give the stream url or rest_base_url")
            base = rest_base_url.rstrip("/")
            url = "ws" + base[4:] + "/ws" if base.startswith("http") else base + "/ws"
        kinds = [api_key is not None or api_secret is not None, token is not None, listen_key is not None]
        if sum(kinds) > 1:
            raise ValueError("give one credential: api_key + api_secret, token, or listen_key")
        if (api_key is None) != (api_secret is None):
            raise ValueError("api_key and api_secret go together")
        if backoff[0] <= 0 or backoff[1] < backoff[0]:
            raise ValueError("backoff is (first delay > 0, longest delay >= first delay)")
        self.url, self.rest_base_url = url, rest_base_url
        self._api_key, self._api_secret, self._token, self._listen_key = api_key, api_secret, token, listen_key
        self.backoff, self.silence_timeout, self.request_timeout = backoff, silence_timeout, request_timeout
        self.open_timeout, self.close_timeout, self._clock = open_timeout, close_timeout, clock
        self.models = load_models()
        self._parsers = {op: getattr(self.models, name) for op, name in _MODEL_OF_OP.items()}

        self._channels: dict[str, None] = {}  # wanted channels, in subscription order (resubscribed on reconnect)
        self._books: dict[str, _Book] = {}  # symbol -> book
        self._queue: asyncio.Queue = asyncio.Queue()
        self.max_queue = max_queue
        self.dropped_messages = 0
        self.connections = 0  # connections established (authenticated) so far
        self.user_id: str | None = None  # the account of the last successful auth
        self._ids = itertools.count(1)
        self._pending: dict[str, tuple[str, asyncio.Future]] = {}
        self._ws: ClientConnection | None = None
        self._ready = asyncio.Event()
        self._supervisor: asyncio.Task | None = None
        self._resyncs: set[asyncio.Task] = set()
        self._tasks: set[asyncio.Task] = set()  # closes of dead connections, running on their own
        self._closing = False
        self._failure: BaseException | None = None
        self._clock_offset = 0.0  # server minus local clock, learnt from a pong after a timestamp_skew refusal

    # -- life cycle ---------------------------------------------------------------------------------------------
    async def __aenter__(self) -> StreamClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def connect(self) -> None:
        """Open the first connection (and authenticate); raises what makes it fail. Later drops are handled by
        reconnecting in the background."""
        if self._supervisor is not None:
            raise StreamError("already connected")
        first: asyncio.Future = asyncio.get_running_loop().create_future()
        self._supervisor = asyncio.create_task(self._supervise(first), name="cooud-stream")
        try:
            await first
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        """Close the connection (code 1000) and stop reconnecting; `messages()` ends."""
        self._closing = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        for task in [self._supervisor, *self._resyncs, *self._tasks]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._ready.clear()
        self._fail_pending(StreamClosedError("the stream client is closed"))
        self._queue.put_nowait(_END)

    @property
    def connected(self) -> bool:
        return self._ready.is_set()

    # -- requests -----------------------------------------------------------------------------------------------
    async def subscribe(self, *channels: str) -> list[str]:
        """Subscribe to data channels (all or nothing); returns the reply's channel list. Kept across reconnects."""
        for channel in channels:
            if channel.startswith("orderbook."):
                self._books.setdefault(channel.split(".", 1)[1], _Book())
        try:
            result = await self._call("subscribe", list(channels))
        except BaseException:
            for channel in channels:
                if channel.startswith("orderbook.") and channel not in self._channels:
                    self._books.pop(channel.split(".", 1)[1], None)
            raise
        for channel in channels:
            self._channels[channel] = None
        return list(result["result"]["channels"])

    async def unsubscribe(self, *channels: str) -> list[str]:
        """Unsubscribe; returns the channels the server removed. Their books are dropped."""
        for channel in channels:
            self._channels.pop(channel, None)
        result = await self._call("unsubscribe", list(channels))
        for channel in channels:
            if channel.startswith("orderbook."):
                self._books.pop(channel.split(".", 1)[1], None)
        return list(result["result"]["channels"])

    async def ping(self) -> datetime:
        """Round trip to the server; returns the server's clock (the pong's `ts`)."""
        reply = await self._call("ping", None)
        return self.models.PongPayload.model_validate(reply).ts.root

    async def _call(self, op: str, args: Any) -> dict:
        """Send a request on the current connection and return its reply; sent again on the next connection if
        the connection drops before the reply. Bounded by `request_timeout` overall."""
        deadline = asyncio.get_running_loop().time() + self.request_timeout
        while True:
            if self._closing:
                raise StreamClosedError("the stream client is closed")
            if self._supervisor is None:
                raise StreamClosedError("not connected: call connect() or use `async with`")
            if self._failure is not None:
                raise StreamClosedError(f"the stream client stopped: {self._failure}") from self._failure
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"no reply to {op} within {self.request_timeout} s")
            try:
                await asyncio.wait_for(self._ready.wait(), remaining)
                ws = self._ws
                assert ws is not None
                remaining = deadline - asyncio.get_running_loop().time()
                return await asyncio.wait_for(self._request(ws, op, args), max(remaining, 0.001))
            except _Disconnected:
                continue  # the supervisor reconnects; try again on the new connection
            except TimeoutError:
                raise TimeoutError(f"no reply to {op} within {self.request_timeout} s") from None

    async def _request(self, ws: ClientConnection, op: str, args: Any) -> dict:
        """One request on `ws` and its reply frame (dict); raises StreamRequestError on an error reply."""
        request_id = f"c{next(self._ids)}"
        frame: dict[str, Any] = {"op": op, "id": request_id}
        if args is not None:
            frame["args"] = args
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = (op, future)
        try:
            try:
                await ws.send(json.dumps(frame, separators=(",", ":")))
            except websockets.ConnectionClosed as exc:
                raise _Disconnected(str(exc)) from None
            reply = await future
        finally:
            self._pending.pop(request_id, None)
        if reply.get("op") == "error":
            raise StreamRequestError.from_frame(op, reply)
        return reply

    def _fail_pending(self, exc: BaseException) -> None:
        for _, future in list(self._pending.values()):
            if not future.done():
                future.set_exception(exc)
        self._pending.clear()

    # -- messages and books -------------------------------------------------------------------------------------
    async def messages(self) -> AsyncIterator[Any]:
        """Typed data frames as they arrive (instances of the generated `*Payload` models, plus `Reconnected`),
        until `close()`. Raises the error that stopped the client, if one did (e.g. a refused re-authentication).
        Heartbeats and replies are not yielded."""
        while True:
            item = await self._queue.get()
            if item is _END:
                self._queue.put_nowait(_END)  # for any other iteration
                if self._failure is not None:
                    raise self._failure
                return
            yield item

    def book(self, symbol: str) -> tuple[int, list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
        """(sequence, bids best first, asks best first) of `symbol` (`BTC/USDT`): (price, size) Decimals."""
        book = self._books.get(symbol)
        if book is None or book.sequence is None:
            raise BookNotReady(f"no synchronised book for {symbol}"
                               + ("" if book is not None else " (not subscribed to its orderbook channel)"))
        return (book.sequence, sorted(book.bids.items(), key=lambda level: level[0], reverse=True),
                sorted(book.asks.items(), key=lambda level: level[0]))

    def book_resyncs(self, symbol: str) -> int:
        """How many times the book of `symbol` was resynchronised after a gap on a live connection."""
        book = self._books.get(symbol)
        return 0 if book is None else book.resyncs

    async def wait_book(self, symbol: str, sequence: int | None = None, timeout: float = 10.0) -> int:
        """Wait until the book of `symbol` is synchronised (and at `sequence` or beyond); returns its sequence."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            book = self._books.get(symbol)
            if book is not None and book.sequence is not None and (sequence is None or book.sequence >= sequence):
                return book.sequence
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"book {symbol} not at {sequence} within {timeout} s "
                                   f"(at {None if book is None else book.sequence})")
            await asyncio.sleep(0.02)

    def _deliver(self, item: Any) -> None:
        if self._queue.qsize() >= self.max_queue:
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
            self.dropped_messages += 1
        self._queue.put_nowait(item)

    def _on_book(self, message: Any) -> None:
        data = message.data
        symbol = data.symbol.root
        book = self._books.get(symbol)
        if book is None:
            return  # not (or no longer) subscribed
        if message.op == "book_snapshot":
            book.bids, book.asks = dict(_levels(data.bids)), dict(_levels(data.asks))
            book.sequence = data.sequence
            return
        if book.sequence is None or data.sequence <= book.sequence:
            return  # waiting for a snapshot, or already in the book
        if data.prev_sequence != book.sequence:
            log.info("stream: gap in %s (book at %d, delta follows %d); resynchronising", symbol, book.sequence,
                     data.prev_sequence)
            book.sequence = None
            book.resyncs += 1
            self._resync(message.channel.root)
            return
        for side, levels in ((book.bids, data.bids), (book.asks, data.asks)):
            for price, size in _levels(levels):
                if size == 0:
                    side.pop(price, None)
                else:
                    side[price] = size
        book.sequence = data.sequence

    def _resync(self, channel: str) -> None:
        """Unsubscribe and subscribe `channel` again on the current connection: the server sends a snapshot."""
        ws = self._ws

        async def run() -> None:
            try:
                await self._request(ws, "unsubscribe", [channel])
                if channel in self._channels:
                    await self._request(ws, "subscribe", [channel])
            except (_Disconnected, StreamClosedError):
                pass  # the reconnect resubscribes every channel anyway
            except StreamRequestError as exc:
                log.warning("stream: resynchronising %s failed: %s", channel, exc)
                if ws is not None:
                    await ws.close(1011, "resubscribe failed")  # reconnecting resubscribes from scratch

        if ws is None:
            return
        task = asyncio.get_running_loop().create_task(run())
        self._resyncs.add(task)
        task.add_done_callback(self._resyncs.discard)

    # -- the connection -----------------------------------------------------------------------------------------
    async def _supervise(self, first: asyncio.Future) -> None:
        """Connect, establish, read until the connection dies; again, with back-off, until closed."""
        failures, reason = 0, ""
        while not self._closing:
            if failures or self.connections:
                await asyncio.sleep(self._delay(failures))
            try:
                ws = await ws_connect(self.url, open_timeout=self.open_timeout, close_timeout=self.close_timeout,
                                      ping_interval=None, max_size=MAX_FRAME_BYTES)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # refused, reset, handshake rejected, DNS, timeout
                if not first.done():
                    first.set_exception(StreamClosedError(f"cannot connect to {self.url}: {exc!r}"))
                    return
                failures, reason = failures + 1, f"connect failed: {exc!r}"
                log.info("stream: %s", reason)
                continue
            self._ws = ws
            reader = asyncio.create_task(self._read(ws), name="cooud-stream-reader")
            try:
                await self._establish(ws, reason if first.done() else None)
            except StreamRequestError as exc:
                retry = exc.code in RETRYABLE
                await self._drop(ws, reader)
                if not first.done():
                    first.set_exception(exc)
                    return
                if not retry:
                    self._stop(exc)
                    return
                failures, reason = failures + 1, str(exc)
                continue
            except (_Disconnected, TimeoutError, websockets.ConnectionClosed) as exc:
                await self._drop(ws, reader)
                if not first.done():
                    first.set_exception(StreamClosedError(f"connection lost while establishing: {exc!r}"))
                    return
                failures, reason = failures + 1, f"lost while establishing: {exc!r}"
                continue
            failures = 0
            if not first.done():
                first.set_result(None)
            self._ready.set()
            reason = await reader
            self._ready.clear()
            self._ws = None
            for book in self._books.values():
                book.sequence = None
            if not self._closing:
                log.info("stream: connection ended (%s); reconnecting", reason)
            self._background(ws.close())  # a dead peer cannot hold up the reconnection (close_timeout bounds it)
            failures = 1  # the first reconnection waits the first back-off delay too

    def _delay(self, failures: int) -> float:
        first, longest = self.backoff
        delay = min(longest, first * 2 ** max(failures - 1, 0))
        return delay / 2 + random.uniform(0, delay / 2)

    async def _drop(self, ws: ClientConnection, reader: asyncio.Task) -> None:
        self._ws = None
        with contextlib.suppress(Exception):
            await ws.close()
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
        self._fail_pending(_Disconnected("dropped"))
        for book in self._books.values():
            book.sequence = None

    def _background(self, awaitable: Awaitable) -> None:
        task = asyncio.get_running_loop().create_task(_quietly(awaitable))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _stop(self, exc: BaseException) -> None:
        log.warning("stream: giving up: %s", exc)
        self._failure = exc
        self._fail_pending(StreamClosedError(str(exc)))
        self._queue.put_nowait(_END)

    async def _establish(self, ws: ClientConnection, reconnect_reason: str | None) -> None:
        """Authenticate (when configured) and resubscribe every wanted channel, the books waiting for their
        snapshots. On a reconnection `Reconnected` is queued before the resubscription, so that every message
        after it comes from the new connection (no data frame comes before a subscribe reply)."""
        timeout = self.request_timeout
        if self._api_key is not None or self._token is not None or self._listen_key is not None:
            reply = await asyncio.wait_for(self._auth(ws), timeout)
            self.user_id = reply["result"]["user_id"]
        self.connections += 1
        if reconnect_reason is not None:
            self._deliver(Reconnected(self.connections, reconnect_reason))
        if self._channels:
            for book in self._books.values():
                book.sequence = None
            await asyncio.wait_for(self._request(ws, "subscribe", list(self._channels)), timeout)

    async def _auth(self, ws: ClientConnection) -> dict:
        if self._api_key is None:
            if self._token is not None:
                args = {"method": "bearer", "token": await _value(self._token)}
            else:
                args = {"method": "listen_key", "listen_key": await _value(self._listen_key)}
            return await self._request(ws, "auth", args)
        try:
            return await self._request(ws, "auth", self._api_key_login())
        except StreamRequestError as exc:
            if exc.code != "timestamp_skew":
                raise
        # Our clock is off: learn the server's from a pong, then sign once more (a failed auth may be retried).
        sent = self._clock()
        pong = self.models.PongPayload.model_validate(await self._request(ws, "ping", None))
        received = self._clock()
        self._clock_offset = pong.ts.root.timestamp() - (sent + received) / 2
        return await self._request(ws, "auth", self._api_key_login())

    def _api_key_login(self) -> dict:
        # Each signature is accepted once, and the signed text is the same for every connection of a key within
        # one second: never reuse a timestamp for a key in this process, whichever client signs (a later one stays
        # well inside the server's 30 s window).
        ts = max(int(self._clock() + self._clock_offset), _LAST_AUTH_TS.get(self._api_key, 0) + 1)
        _LAST_AUTH_TS[self._api_key] = ts
        return {"method": "api_key", "key": self._api_key, "timestamp": str(ts),
                "signature": signature(self._api_secret, str(ts), "GET", SIGNED_TARGET)}

    async def _read(self, ws: ClientConnection) -> str:
        """Read frames until the connection ends; returns why it ended, having failed every request still waiting
        for a reply (they can only have been sent on this connection). Never raises (but CancelledError)."""
        reason = await self._read_frames(ws)
        self._fail_pending(_Disconnected(reason))
        return reason

    async def _read_frames(self, ws: ClientConnection) -> str:
        while True:
            try:
                text = await asyncio.wait_for(ws.recv(), self.silence_timeout)
            except TimeoutError:
                reason = f"no frame for {self.silence_timeout} s"
                # Do not wait for a peer that says nothing to take a close frame: the close timeout bounds it.
                self._background(ws.close(1001, "silent"))
                return reason
            except websockets.ConnectionClosed as exc:
                return f"closed: code {exc.rcvd.code if exc.rcvd else None}" + (
                    f" ({exc.rcvd.reason})" if exc.rcvd and exc.rcvd.reason else "")
            except Exception as exc:  # noqa: BLE001 - a transport error of any kind ends this connection
                return f"transport error: {exc!r}"
            try:
                self._frame(text)
            except Exception:  # a frame we cannot use must not kill the connection
                log.exception("stream: could not handle a frame: %.200s", text)

    def _frame(self, text: str | bytes) -> None:
        frame = json.loads(text)
        if not isinstance(frame, dict):
            return
        op = frame.get("op")
        request_id = frame.get("id")
        if op in _REPLY_OPS and request_id is not None:
            pending = self._pending.get(request_id)
            if pending is not None and not pending[1].done():
                pending[1].set_result(frame)
            return  # a reply (or a late one, to a request that timed out)
        if op == "heartbeat" or op in _REPLY_OPS and op != "error":
            return  # liveness only; or a reply without an id, which this client never sends
        model = self._parsers.get(op)
        if model is None:
            log.debug("stream: ignoring a frame with op %r", op)
            return
        message = model.model_validate(frame)
        if op in ("book_snapshot", "book_delta"):
            self._on_book(message)
        self._deliver(message)


async def _quietly(awaitable: Awaitable) -> None:
    with contextlib.suppress(Exception):
        await awaitable


_END = object()
