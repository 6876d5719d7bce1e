"""`RemoteTrading`: what the API layer uses of trading (impl/domain/trading.py `TradingFacade`) in a worker that holds
no trading state — its commands and queries go over NATS to the group's `cooud engine` (impl/bus/link.py).

Same interface as the local `Trading`: `execute` (on the serving loop), `call` (blocking, from other threads),
`preview`, `resting` (queries answered by the engine between two batches), `units`, `assets` and the store reads.
The link connects in the app's lifespan (`start`), on the serving event loop. While a command is out, the link marks
it in doubt (`impl.bus.command_in_doubt`): the idempotency middleware then keeps its key in flight on a failure
(impl/middleware/idempotency.py). Events: `start` also starts `BusEvents` (impl/bus/events.py) on the same
connection: it keeps `books` (the L2 views REST and the stream hub read) exact and calls `listeners` on the loop with
each committed batch in sequence order, and `on_resync` when it had to restore the books from the store;
`exclusively_async(fn)` runs `fn` between two applied batches.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import asdict
from fractions import Fraction

from impl.bus import COMMAND_TIMEOUT_S, names_of
from impl.bus.events import BusEvents
from impl.bus.link import CommandLink, EngineUnavailable, outcome_of
from impl.domain.book import L2Book
from impl.domain.commands import Command
from impl.domain.matching import Order
from impl.domain.model import Market
from impl.domain.orders import MarketUnits, NewOrder
from impl.domain.trading import TradingFacade


class RemoteTrading(TradingFacade):
    def __init__(self, store, markets: Iterable[Market], assets: dict[str, int], config,
                 books: dict[str, L2Book]) -> None:
        units = {m.symbol: MarketUnits(m, assets[m.base], assets[m.quote]) for m in markets}
        super().__init__(store, units, dict(assets))
        self.names = names_of(config)
        self.link = CommandLink(config.bus, self.names)
        self.books = books
        self.listeners: list[Callable] = []
        self.on_resync: list[Callable[[], None]] = []
        self.events: BusEvents | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self.link.connect()
        events = BusEvents(self.link.nc, self._store, list(self._units), self.names.prefix, self.names.group,
                           books=self.books)
        events.listeners, events.on_resync = self.listeners, self.on_resync  # the lists services filled
        await events.start()
        self.events = events

    async def stop(self) -> None:
        if self.events is not None:
            await self.events.close()
            self.events = None
        await self.link.close()
        self._loop = None

    def close(self) -> None: ...

    async def execute(self, command: Command):
        return outcome_of(await self.link.send(command))

    def call(self, command: Command):
        return self._blocking(self.execute(command))

    def preview_facts(self, account: str, order: NewOrder) -> dict:
        facts = outcome_of(self._blocking(self.link.query({"kind": "preview", "account": account,
                                                           "order": asdict(order)})))
        facts["fills"] = [tuple(f) for f in facts["fills"]]
        facts["taker_rate"] = Fraction(*facts["taker_rate"])
        return facts

    def resting(self) -> dict[str, list[Order]]:
        value = outcome_of(self._blocking(self.link.query({"kind": "resting"})))
        return {symbol: [Order(*o) for o in orders] for symbol, orders in value.items()}

    async def exclusively_async(self, fn: Callable[[], object]) -> object:
        if self.events is None:  # not started: no events are applied
            return fn()
        return await self.events.exclusively_async(fn)

    def _blocking(self, coroutine):
        """Run a link coroutine on the serving loop from another thread and wait (bounded) for it."""
        if self._loop is None:
            coroutine.close()
            raise EngineUnavailable("the bus is not connected")
        if _running_loop() is self._loop:
            coroutine.close()
            raise RuntimeError("blocking call on the serving event loop (await execute() there)")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(COMMAND_TIMEOUT_S + 5)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
