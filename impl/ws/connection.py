"""One WebSocket connection of the stream: its subscriptions, its credential and its bounded send queue.

Every frame for the client — replies, errors, heartbeats and data — goes through `offer`, so frames leave in
the order they were queued. The queue is bounded in frames and in bytes; `offer` never blocks and never
grows it past the bound: a connection whose queue is full is a slow consumer, its queue is dropped and it is
closed with code 4008 (spec/asyncapi.yaml, "Liveness and limits"). A pump task writes the queue to the
socket; the transport applies back-pressure to it (uvicorn pauses writes above its high-water mark), which is
what makes a client that stops reading fill its queue.

Closing: `close(code)` stops the pump, sends the close frame and gives the peer `close_timeout_s` to take it
(a peer that does not read cannot); then the connection's reader is cancelled and the ASGI app returns, which
makes uvicorn drop the socket either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque

log = logging.getLogger("cooud.stream")

SLOW_CONSUMER = 4008
IDLE_TIMEOUT = 4000
CREDENTIAL_REVOKED = 4001


class Connection:
    def __init__(self, send, *, max_frames: int, max_bytes: int, close_timeout_s: float, client: str) -> None:
        self._send = send
        self._max_frames = max_frames
        self._max_bytes = max_bytes
        self._close_timeout_s = close_timeout_s
        self.client = client
        self._queue: deque[str] = deque()
        self._queued_bytes = 0
        self._wake = asyncio.Event()
        self.peak_bytes = 0  # the most bytes ever queued at once (tests check the bound)
        self.channels: dict[str, str | None] = {}  # channel -> owner account (private channels) or None
        self.principal = None
        self.grant = None  # what authenticated it (impl/domain/identity.py Grant), checked again while it lives
        self.credential: str | None = None  # the grant's id: connections per credential are capped by it
        self.last_heard = time.monotonic()
        self.closing = False
        self.close_code: int | None = None
        self.reader: asyncio.Task | None = None
        self._pump = asyncio.get_running_loop().create_task(self._run_pump())

    def owner(self, channel: str) -> str | None:
        return self.channels.get(channel)

    # -- sending ------------------------------------------------------------------------------------------------
    def offer(self, text: str) -> None:
        """Queue a frame; a full queue makes this a slow consumer (dropped queue, close 4008)."""
        if self.closing:
            return
        size = len(text)
        if len(self._queue) >= self._max_frames or self._queued_bytes + size > self._max_bytes:
            log.info("stream: %s is a slow consumer (%d frames, %d bytes queued); closing with %d",
                     self.client, len(self._queue), self._queued_bytes, SLOW_CONSUMER)
            self.start_close(SLOW_CONSUMER, "slow consumer")
            return
        self._queue.append(text)
        self._queued_bytes += size
        if self._queued_bytes > self.peak_bytes:
            self.peak_bytes = self._queued_bytes
        self._wake.set()

    async def _run_pump(self) -> None:
        queue, send = self._queue, self._send
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while queue:
                    text = queue.popleft()
                    self._queued_bytes -= len(text)
                    await send({"type": "websocket.send", "text": text})
        except asyncio.CancelledError:
            raise
        except Exception:  # the peer went away under us (uvicorn raises ClientDisconnected): the reader ends it
            self.closing = True
            self._drop_queue()

    def _drop_queue(self) -> None:
        self._queue.clear()
        self._queued_bytes = 0

    # -- closing ------------------------------------------------------------------------------------------------
    def start_close(self, code: int, reason: str) -> None:
        if self.closing:
            return
        self.closing = True
        self._drop_queue()
        asyncio.get_running_loop().create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        self.close_code = code
        self._pump.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._pump
        try:
            await asyncio.wait_for(self._send({"type": "websocket.close", "code": code, "reason": reason}),
                                   self._close_timeout_s)
        except (TimeoutError, Exception):  # a peer that does not read cannot take even the close frame
            log.info("stream: %s did not take its close frame; dropping the connection", self.client)
            if self.reader is not None:
                self.reader.cancel()

    async def stop(self) -> None:
        """The connection ended (the reader returned): stop the pump."""
        self.closing = True
        self._drop_queue()
        self._pump.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._pump
