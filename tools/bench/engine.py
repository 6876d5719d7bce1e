"""Matching-engine benchmark: a fixed synthetic workload against `impl.domain.matching.OrderBook`, in process.

Workload (built with `random.Random(seed)` before any timing): `operations` operations, each 70% likely a GTC limit
order (random side, price = 100 000 ± 50 price units, size 1..100, one of 20 accounts) and 30% likely a cancel of
a random order id submitted earlier — which may be resting or already gone (filled, cancelled, or STP-cancelled);
cancels of gone orders are cheap no-ops for the engine and still count as operations. Crossing limits produce
fills and self-trade-prevention cancels along the way, so the mix exercises resting, matching and cancelling.

Two passes over the same operations, each on a fresh book:
- throughput: the bare loop timed as a whole (no per-operation clock reads), `repeat` times; `ops_per_sec` is the
  fastest run (as `timeit` does: on a shared machine other load only ever adds time), `ops_per_sec_median` the
  median, and every run is listed;
- latency: every operation timed on its own with `time.perf_counter_ns` (the clock reads add their own cost, so
  these numbers are per-operation latencies including ~0.1 µs of measurement overhead, not a throughput).
The garbage collector stays enabled, as in the service; only the prebuilt workload (a million-odd tuples and
strings the service would never hold) is moved out of its reach with `gc.freeze()`, so full collections scan the
engine's objects and not the benchmark's. Run: `python -m tools.bench.engine [operations] [seed]`.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import random
import statistics
import sys
import time

from impl.domain.matching import OrderBook

MID = 100_000
SPREAD = 50
ACCOUNTS = [f"acct{i:02d}" for i in range(20)]
LIMIT, CANCEL = 0, 1


def workload(operations: int, seed: int) -> list[tuple]:
    """(kind, order_id, account, side, price, size) per operation; cancels carry only the id."""
    rng = random.Random(seed)
    ops: list[tuple] = []
    submitted: list[str] = []
    for i in range(operations):
        if submitted and rng.random() < 0.30:
            ops.append((CANCEL, submitted[rng.randrange(len(submitted))], None, None, None, None))
        else:
            oid = f"ord_{i:08d}"
            side = "buy" if rng.random() < 0.5 else "sell"
            price = MID + rng.randint(-SPREAD, SPREAD)
            ops.append((LIMIT, oid, rng.choice(ACCOUNTS), side, price, rng.randint(1, 100)))
            submitted.append(oid)
    return ops


def _throughput(ops: list[tuple]) -> float:
    book = OrderBook("BENCH/USDT")
    submit, cancel = book.submit, book.cancel
    start = time.perf_counter()
    for kind, oid, account, side, price, size in ops:
        if kind:
            cancel(oid)
        else:
            submit(oid, account, side, price=price, size=size)
    return time.perf_counter() - start


def _latencies(ops: list[tuple]) -> tuple[list[int], dict]:
    book = OrderBook("BENCH/USDT")
    submit, cancel = book.submit, book.cancel
    clock = time.perf_counter_ns
    lat = [0] * len(ops)
    fills = stp = rested = cancel_hits = 0
    for i, (kind, oid, account, side, price, size) in enumerate(ops):
        if kind:
            t0 = clock()
            got = cancel(oid)
            lat[i] = clock() - t0
            cancel_hits += got is not None
        else:
            t0 = clock()
            r = submit(oid, account, side, price=price, size=size)
            lat[i] = clock() - t0
            fills += len(r.fills)
            stp += len(r.stp_cancelled)
            rested += r.rested > 0
    book.check_invariants()
    counts = {
        "limits": sum(1 for op in ops if op[0] == LIMIT),
        "cancels": sum(1 for op in ops if op[0] == CANCEL),
        "cancels_of_resting_orders": cancel_hits,
        "limits_that_rested": rested,
        "fills": fills,
        "stp_cancels": stp,
        "resting_at_end": len(book.orders()),
        "levels_at_end": len(book.depth("buy", 10**9)) + len(book.depth("sell", 10**9)),
    }
    return lat, counts


def _percentile(sorted_ns: list[int], q: float) -> float:
    """Nearest-rank percentile in microseconds."""
    k = max(0, min(len(sorted_ns) - 1, int(round(q / 100 * len(sorted_ns) + 0.5)) - 1))
    return round(sorted_ns[k] / 1000, 2)


def run(operations: int = 200_000, seed: int = 20261121, repeat: int = 5) -> dict:
    ops = workload(operations, seed)
    gc.collect()
    gc.freeze()
    try:
        runs = [_throughput(ops) for _ in range(repeat)]
        lat, counts = _latencies(ops)
    finally:
        gc.unfreeze()
    seconds = min(runs)
    lat.sort()
    return {
        "operations": operations,
        "seed": seed,
        "seconds": round(seconds, 4),
        "ops_per_sec": round(operations / seconds),
        "ops_per_sec_median": round(operations / statistics.median(runs)),
        "throughput_note": f"fastest of {repeat} passes timed as a whole (no per-op clock reads); "
        f"runs in seconds: {[round(r, 4) for r in runs]}",
        "latency_us": {
            "p50": _percentile(lat, 50),
            "p99": _percentile(lat, 99),
            "p99.9": _percentile(lat, 99.9),
            "max": round(lat[-1] / 1000, 2),
        },
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "latency_note": "separate pass, each operation timed with perf_counter_ns (includes clock-read overhead)",
        **counts,
        "workload": "70% GTC limits (price 100000±50, size 1..100, 20 accounts), 30% cancels of any earlier id "
        "(resting or already gone; both count as operations)",
        "python": platform.python_implementation() + " " + platform.python_version(),
        "machine": {"platform": platform.platform(), "processors": os.cpu_count(), "machine": platform.machine()},
    }


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(run(*args), indent=2))
