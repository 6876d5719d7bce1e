"""The process that tests/contract/test_trigger_crash.py kills: the trading engine (impl/domain/trading.py, the real
sequencer and group commit) over a SQLite file, in a process of its own, under a load that keeps conditional orders
(impl/domain/conditional.py) firing. Run as `python -m tests.trigger_load DATABASE ACKS --round N --seed S --kill
MODE --fires K`, from the repository root.

The load (threads of this process, each calling the engine as an API handler would, and waiting for its answer):
- two placers put conditional orders of every kind and both sides on four accounts, triggers within 3.00 of the last
  price, on the side that the last price has not reached (a stale read refused `would_trigger_immediately` is
  recorded as a refusal);
- a walker moves the price: a random walk between 90.00 and 110.00, each step a GTC sell of M and an IOC buy of T at
  the step's price, submitted back to back (so they share a batch with whatever else queued);
- a liquidity thread keeps small bids and asks of L 0.80 below and above the last price (what fired market orders
  trade against: their trades fire more, in the same batch), and cancels them all now and then;
- a canceller cancels a random conditional order it was told was placed (an answer either way: `cancelled`, or
  refused `conditional_order_not_open` because it fired meanwhile).

The acknowledgement file (ACKS): one JSON object per line, appended with one `write` and `fsync`ed, written only
after the engine answered — what a client was told:
`{"kind": "cond", ...}` a conditional order accepted (its snapshot), `{"kind": "order", ...}` an order placed or
cancelled, `{"kind": "cancel", ...}` a conditional order cancelled, `{"kind": "refused", "code": ..., "of": ...}` a
refusal; and, from a commit listener (called after the commit, before anyone of the batch is answered),
`{"kind": "fired", "id": ...}` for every conditional order whose firing was committed and `{"kind": "batch", "first":
..., "last": ...}`, the outbox sequence numbers a committed batch holds (one per engine step).

MODE says how the process dies: `parent` (the test SIGKILLs it once it has seen K committed fires), `before_commit`
(it SIGKILLs itself inside the K-th batch that fires triggers, after the batch's rows were written into the open
transaction, before COMMIT) or `after_commit` (right after that batch's commit, before any of its commands is
answered). Before it kills itself it appends `{"kind": "kill", "point": MODE, "fired": [ids]}`: the triggers that
batch fired. A run that outlives `--seconds` stops its threads and exits 0 (the test then says no kill happened).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import signal
import threading
import time
from fractions import Fraction

from impl import demo
from impl.domain.errors import DomainError
from impl.domain.trading import Trading
from impl.ids import new_id
from impl.store import open_store

SYMBOL = "BTC/USDT"
RATES = (Fraction(1, 1000), Fraction(2, 1000))
WALKER, TAKER, LIQUIDITY = "usr_M", "usr_T", "usr_L"
HOLDERS = ("usr_C1", "usr_C2", "usr_C3", "usr_C4")  # the conditional orders' accounts
DEPOSITS = {WALKER: ("100000", "100000000"), TAKER: ("100000", "100000000"), LIQUIDITY: ("100000", "100000000"),
            **{h: ("10000", "10000000") for h in HOLDERS}}  # account -> (BTC, USDT): far more than a run uses
LOW, HIGH, START = 9_000, 11_000, 10_000  # the walk's range and start, in price units (0.01 USDT)
FIRED = ("triggered", "finished", "rejected")


def clock() -> int:
    return time.time_ns() // 1_000_000


def open_database(path: str):
    store = open_store(path)
    store.migrate()
    demo.seed_if_empty(store)
    return store


def make_trading(store) -> Trading:
    return Trading(store, store.list_markets(), store.list_assets(), {}, lambda _account: RATES, clock, new_id)


def price(units: int) -> str:
    return f"{units // 100}.{units % 100:02d}"


def limit(side: str, units: int, size: str, tif: str = "GTC") -> dict:
    return {"symbol": SYMBOL, "side": side, "type": "limit", "price": price(units), "size": size, "tif": tif}


def trade_at(trading, units: int, size: str = "0.10000") -> None:
    """M offers `size` at `units`, T takes it (IOC): trades at that price or, first, at better resting orders."""
    trading.place(WALKER, limit("sell", units, size))
    trading.place(TAKER, limit("buy", units, size, "IOC"))


def provision(path: str) -> None:
    """A fresh database: the demo markets, every account funded, one trade at 100.00 (the first last price)."""
    store = open_database(path)
    trading = make_trading(store)
    for account, (btc, usdt) in DEPOSITS.items():
        trading.deposit(account, "BTC", btc, f"trigger-crash-{account}-btc")
        trading.deposit(account, "USDT", usdt, f"trigger-crash-{account}-usdt")
    trade_at(trading, START)
    trading.close()
    store.close()


def conditional_request(rng: random.Random, last: int, tag: str) -> dict:
    """A conditional order whose trigger is within 3.00 of `last`, on the side the price has not reached."""
    kind = rng.choice(("stop_market", "stop_limit", "take_profit_market", "take_profit_limit", "trailing_stop"))
    request: dict = {"symbol": SYMBOL, "type": kind}
    if rng.random() < 0.5:
        request["client_order_id"] = tag
    if kind == "trailing_stop":
        side = rng.choice(("buy", "sell"))
        if rng.random() < 0.5:
            request["callback_rate"] = rng.choice(("0.5", "1", "1.25", "2"))
        else:
            request["callback_amount"] = rng.choice(("0.50", "1.00", "1.75"))
        if rng.random() < 0.5:  # activates once the price gets there (a sell above the last price, a buy below)
            request["activation_price"] = price(last + rng.randint(0, 200) * (1 if side == "sell" else -1))
    else:
        up = rng.random() < 0.5  # the trigger above the last price (fires when it rises) or below (falls)
        trigger = last + rng.randint(5, 300) * (1 if up else -1)
        stop = kind.startswith("stop")
        side = ("buy" if up else "sell") if stop else ("sell" if up else "buy")
        request["trigger_price"] = price(trigger)
        if kind.endswith("limit"):
            request["price"] = price(max(1, trigger + rng.randint(-50, 50)))
            request["tif"] = rng.choice(("GTC", "GTC", "IOC"))
    request["side"] = side
    if side == "buy" and not kind.endswith("limit"):
        request["quote_size"] = rng.choice(("6", "10", "25"))
    else:
        request["size"] = rng.choice(("0.06000", "0.10000", "0.15000", "0.20000"))
    return request


class Acks:
    """The acknowledgement file: one line per answer, one `write` each (whole lines even if the process dies in
    between), fsynced."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def write(self, **record) -> None:
        os.write(self.fd, (json.dumps(record, default=_plain) + "\n").encode())
        os.fsync(self.fd)


def _plain(value):
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    raise TypeError(repr(value))


class Load:
    def __init__(self, trading: Trading, acks: Acks, rng: random.Random, tag: str, deadline: float) -> None:
        self.trading, self.acks, self.rng, self.tag, self.deadline = trading, acks, rng, tag, deadline
        self.placed: list[tuple[str, str]] = []  # (account, conditional id) acknowledged, for the canceller
        self.lock = threading.Lock()
        self.errors: list[BaseException] = []

    def running(self) -> bool:
        return time.monotonic() < self.deadline and not self.errors

    def last(self) -> int:
        return self.trading.engine.last_price.get(SYMBOL, START)  # a racy read of an int: only a hint

    def guarded(self, fn, *args) -> None:
        try:
            fn(*args)
        except BaseException as exc:  # noqa: BLE001 - written down; the test fails on it
            self.errors.append(exc)
            self.acks.write(kind="error", error=repr(exc))

    def place_conditionals(self, n: int, count: int | None = None, pause: float = 0.0) -> None:
        rng, i = random.Random(self.rng.random()), 0
        while self.running() and (count is None or i < count):
            account = rng.choice(HOLDERS)
            request = conditional_request(rng, self.last(), f"{self.tag}-p{n}-{i}")
            i += 1
            try:
                c = self.trading.place_conditional(account, request)
            except DomainError as refused:
                self.acks.write(kind="refused", of="cond", code=refused.code, request=request)
                continue
            self.acks.write(kind="cond", request=request, conditional=c)
            with self.lock:
                self.placed.append((account, c.id))
            if pause:
                time.sleep(rng.uniform(0, pause))

    def walk(self) -> None:
        rng, at = random.Random(self.rng.random()), self.last()
        sequencer = self.trading.sequencer
        while self.running():
            at = min(HIGH, max(LOW, at + rng.choice((-1, 1)) * rng.randint(5, 60)))
            size = rng.choice(("0.06000", "0.10000", "0.20000"))
            sell = sequencer.submit(self.trading.place_command(WALKER, limit("sell", at, size)))
            buy = sequencer.submit(self.trading.place_command(TAKER, limit("buy", at, size, "IOC")))
            for future in (sell, buy):
                try:
                    self.acks.write(kind="order", order=future.result(timeout=30))
                except DomainError as refused:
                    self.acks.write(kind="refused", of="order", code=refused.code)

    def provide(self) -> None:
        rng, n = random.Random(self.rng.random()), 0
        while self.running():
            last = self.last()
            for side, units in (("buy", last - 80), ("sell", last + 80)):
                self.acks.write(kind="order", order=self.trading.place(LIQUIDITY, limit(side, units, "0.30000")))
            n += 1
            if n % 40 == 0:
                for order in self.trading.cancel_all(LIQUIDITY, SYMBOL, None):
                    self.acks.write(kind="order", order=order)
            time.sleep(rng.uniform(0.002, 0.01))

    def cancel(self) -> None:
        rng = random.Random(self.rng.random())
        while self.running():
            time.sleep(rng.uniform(0.01, 0.05))
            with self.lock:
                if not self.placed:
                    continue
                account, cid = self.placed.pop(rng.randrange(len(self.placed)))
            try:
                c = self.trading.cancel_conditional(account, cid)
            except DomainError as refused:
                self.acks.write(kind="refused", of="cancel", code=refused.code, id=cid, account=account)
                continue
            self.acks.write(kind="cancel", conditional=c)


def fired_in(batch, seen: set[str]) -> list[str]:
    """The conditional orders that `batch` fires (first seen in a fired state; `seen` remembers them)."""
    ids = [c.id for c in batch.conditionals.values() if c.status in FIRED and c.id not in seen]
    seen.update(ids)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("acks")
    parser.add_argument("--round", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--kill", choices=("parent", "before_commit", "after_commit"), required=True)
    parser.add_argument("--fires", type=int, default=1, help="the batch that fires triggers to die in (hooks)")
    parser.add_argument("--seconds", type=float, default=40)
    args = parser.parse_args()
    store = open_database(args.database)
    trading = make_trading(store)
    acks = Acks(args.acks)
    seen = {c.id for c in store.live_conditionals() if c.status in FIRED}  # fired before this process
    firing_batches, dying = 0, []
    real_write = store.write_trading

    def write_trading(batch) -> None:  # inside the commit's transaction (Sequencer._commit)
        nonlocal firing_batches
        real_write(batch)
        fired = fired_in(batch, seen)
        if fired:
            firing_batches += 1
            if firing_batches == args.fires and args.kill != "parent":
                dying.extend(fired)
                if args.kill == "before_commit":  # the rows are written, the transaction is not committed
                    acks.write(kind="kill", point=args.kill, fired=fired)
                    os.kill(os.getpid(), signal.SIGKILL)

    announced = set(seen)

    def committed(events) -> None:  # after the commit, before any command of the batch is answered
        acks.write(kind="batch", first=events[0].seq, last=events[-1].seq)
        for committed_ in events:
            for event in committed_.events:
                c = getattr(event, "conditional", None)
                if c is not None and c.status in FIRED and c.id not in announced:
                    announced.add(c.id)
                    acks.write(kind="fired", id=c.id, account=c.account, status=c.status)
        if dying and args.kill == "after_commit":
            acks.write(kind="kill", point=args.kill, fired=dying)
            os.kill(os.getpid(), signal.SIGKILL)

    store.write_trading = write_trading
    trading.listeners.append(committed)
    load = Load(trading, acks, random.Random(args.seed), f"r{args.round}", time.monotonic() + args.seconds)
    load.place_conditionals(0, count=60)  # a first lot waiting before the price moves
    threads = [threading.Thread(target=load.guarded, args=(fn, *rest), daemon=True)
               for fn, *rest in ((load.place_conditionals, 1, None, 0.01), (load.place_conditionals, 2, None, 0.01),
                                 (load.walk,), (load.provide,), (load.cancel,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    acks.write(kind="done", errors=[repr(e) for e in load.errors])
    trading.close()
    store.close()


if __name__ == "__main__":
    main()
