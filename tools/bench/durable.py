"""Durable engine benchmark: the trading engine with its SQLite store, in process, no HTTP.

What runs: `impl.domain.trading.Trading` (engine + sequencer: group commit, outbox, every acknowledgement after the
commit that holds it) over a fresh `SQLiteStore` (WAL, synchronous=FULL) with the demo listings; 20 funded accounts.
The driver is one asyncio loop (as the API's handlers are) that keeps `window` commands in flight through
`Trading.execute`; a command's latency is from its submission to its answer.

Workload (built with `random.Random(seed)` before any timing, the same shape as tools/bench/engine.py): each
operation is 70% likely a GTC limit order on BTC/USDT (random side and account, price = mid ± 50 ticks, size 1..100
steps) and 30% likely a cancel of a random earlier order — the order's id once its placement has been answered,
else the most recently answered one; cancels of orders already gone are refused by the engine (`order_not_open`)
and still count. Commands are typed (`PlaceOrder` with a `NewOrder` in integer units, `CancelOrder`): the edge's
request parsing is not part of this number.

Storage: `tmpfs` (/dev/shm, fsync returns at once: the engine's CPU cost) and `disk` (the repository's var/, every
batch waits for its fsync); with `--database postgresql://…` (a server URL) the PostgreSQL store instead, on a new
database created on that server for the run and dropped after it (`--storage` is then ignored).
Reported per storage: orders/s (operations / wall time), p50/p99 acknowledgement
latency, batches and average batch size, and the share of wall time spent inside commits.
`--profile` runs cProfile inside the engine's thread (switched on and off by `Inspect` queries, so it sees the
engine's work only) and prints the shares of apply, write and answering, then the top functions.
Run: `python -m tools.bench.durable [operations] [--window N] [--storage tmpfs|disk|both] [--database URL]
[--profile]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from impl import demo
from impl.domain.commands import CancelOrder, Deposit, Inspect, PlaceOrder
from impl.domain.errors import DomainError
from impl.domain.orders import NewOrder
from impl.domain.trading import Trading
from impl.ids import new_id
from impl.store import open_store

ROOT = Path(__file__).resolve().parents[2]
SYMBOL = "BTC/USDT"
MID = 6_000_000  # 60 000.00 USDT in price units (tick 0.01)
SPREAD = 50
ACCOUNTS = [f"usr_bench{i:02d}" for i in range(20)]
TARGET = 30_000


def workload(operations: int, seed: int) -> list[tuple]:
    """("limit", account, side, price, size) or ("cancel", index of an earlier limit) per operation."""
    rng = random.Random(seed)
    ops: list[tuple] = []
    placed = 0
    for _ in range(operations):
        if placed and rng.random() < 0.30:
            ops.append(("cancel", rng.randrange(placed)))
        else:
            side = "buy" if rng.random() < 0.5 else "sell"
            ops.append(("limit", rng.choice(ACCOUNTS), side, MID + rng.randint(-SPREAD, SPREAD),
                        rng.randint(1, 100) * 10))  # size units of 0.00001 BTC; step 0.0001
            placed += 1
    return ops


def _directory(storage: str) -> str:
    if storage == "tmpfs" and os.path.isdir("/dev/shm"):
        return tempfile.mkdtemp(prefix="cooud-bench-", dir="/dev/shm")
    (ROOT / "var").mkdir(exist_ok=True)
    return tempfile.mkdtemp(prefix="bench-durable-", dir=ROOT / "var")


@contextlib.contextmanager
def _database(storage: str):
    """The database of one run: a SQLite file in a fresh directory, or a new database on a PostgreSQL server (the
    `storage` URL), removed afterwards."""
    if storage.startswith(("postgresql://", "postgres://")):
        import psycopg

        name = f"cooud_bench_{secrets.token_hex(6)}"
        with psycopg.connect(storage, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        try:
            yield urlunsplit(urlsplit(storage)._replace(path=f"/{name}"))
        finally:
            with psycopg.connect(storage, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return
    directory = _directory(storage)
    try:
        yield os.path.join(directory, "bench.sqlite3")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _trading(store) -> Trading:
    store.migrate()
    demo.seed_if_empty(store)
    rates = (Fraction(1, 1000), Fraction(2, 1000))
    trading = Trading(store, store.list_markets(), store.list_assets(), {}, lambda _account: rates,
                      lambda: time.time_ns() // 1_000_000, new_id)
    for account in ACCOUNTS:
        trading.call(Deposit(account, "USDT", 10**9 * 10**8, f"bench-{account}-usdt"))
        trading.call(Deposit(account, "BTC", 10**6 * 10**8, f"bench-{account}-btc"))
    return trading


async def _drive(trading: Trading, ops: list[tuple], window: int) -> tuple[float, list[float], int]:
    ids: list[str | None] = []
    answered: list[str] = []
    owner: dict[str, str] = {}
    latencies: list[float] = []
    refused = 0
    semaphore = asyncio.Semaphore(window)

    async def one(op: tuple) -> None:
        nonlocal refused
        if op[0] == "limit":
            _, account, side, price, size = op
            slot = len(ids)
            ids.append(None)
            command = PlaceOrder(account, NewOrder(SYMBOL, side, "limit", "GTC", False, price, size, None, None))
        else:
            target = ids[op[1]] or (answered[-1] if answered else None)
            if target is None:
                semaphore.release()
                return
            slot, command = None, CancelOrder(owner[target], target)
        started = time.perf_counter()
        try:
            result = await trading.execute(command)
        except DomainError:
            refused += 1
        else:
            if slot is not None:
                ids[slot] = result.id
                answered.append(result.id)
                owner[result.id] = result.account
        finally:
            latencies.append(time.perf_counter() - started)
            semaphore.release()

    tasks = []
    start = time.perf_counter()
    for op in ops:
        await semaphore.acquire()
        tasks.append(asyncio.ensure_future(one(op)))
    await asyncio.gather(*tasks)
    return time.perf_counter() - start, latencies, refused


def run_one(operations: int, seed: int, window: int, storage: str, profile: bool = False) -> dict:
    with _database(storage) as database, contextlib.closing(open_store(database)) as store:
        trading = _trading(store)
        ops = workload(operations, seed)
        gc.collect()
        gc.freeze()
        before = dict(trading.sequencer.stats)
        profiler = None
        if profile:  # the engine's own thread (where the time goes), enabled and disabled from inside it
            import cProfile

            profiler = cProfile.Profile()
            trading.call(Inspect(lambda _engine: profiler.enable()))
        elapsed, latencies, refused = asyncio.run(_drive(trading, ops, window))
        if profiler is not None:
            trading.call(Inspect(lambda _engine: profiler.disable()))
        stats = {k: trading.sequencer.stats[k] - before.get(k, 0) for k in ("batches", "commands", "commit_s")}
        trading.close()
        gc.unfreeze()
        latencies.sort()
        result = {
            "storage": "postgresql" if storage.startswith("postgres") else storage,
            "operations": len(latencies), "refused": refused, "window": window,
            "orders_per_sec": round(len(latencies) / elapsed), "seconds": round(elapsed, 3),
            "ack_latency_ms": {"p50": round(statistics.median(latencies) * 1000, 2),
                               "p99": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2)},
            "batches": stats["batches"], "avg_batch": round(stats["commands"] / max(stats["batches"], 1), 1),
            "commit_share": round(stats["commit_s"] / elapsed, 3),
        }
        if profiler is not None:
            import io
            import pstats

            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            total = sum(tt for (_, _, tt, _, _) in stats.stats.values())
            shares = (("apply", "engine.py", "execute"), ("write", "trading.py", "write_trading"),
                      ("answer", "sequencer.py", "_answer_all"), ("publish", "sequencer.py", "_commit"))
            for label, module, function in shares:
                cumulative = max((ct for (file, _, name), (_, _, _, ct, _) in stats.stats.items()
                                  if file.endswith(module) and name == function), default=0.0)
                out.write(f"{label:8} {cumulative / total:6.1%} of the engine thread's time (cumulative)\n")
            stats.sort_stats("tottime").print_stats(25)
            result["profile"] = out.getvalue()
        return result


def run(operations: int = 200_000, seed: int = 20261203, window: int = 2048, storages=("tmpfs", "disk"),
        profile: bool = False) -> dict:
    results = {"postgresql" if s.startswith("postgres") else s: run_one(operations, seed, window, s, profile)
               for s in storages}
    return {"seed": seed, "target_orders_per_sec": TARGET, **results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.durable")
    parser.add_argument("operations", nargs="?", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--window", type=int, default=2048, help="commands in flight")
    parser.add_argument("--storage", choices=("tmpfs", "disk", "both"), default="both")
    parser.add_argument("--database", help="a PostgreSQL server URL: run on a new database there instead")
    parser.add_argument("--profile", action="store_true", help="cProfile the run (slower; for where the time goes)")
    args = parser.parse_args(argv)
    storages = ("tmpfs", "disk") if args.storage == "both" else (args.storage,)
    if args.database:
        storages = (args.database,)
    result = run(args.operations, args.seed, args.window, storages, args.profile)
    profiles = {s: result[s].pop("profile") for s in result if isinstance(result[s], dict) and "profile" in result[s]}
    print(json.dumps(result, indent=2))
    for storage, text in profiles.items():
        print(f"--- profile ({storage}) ---\n{text}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
