"""Scaled-deployment benchmark: orders/s and stream deliveries/s, embedded beside PostgreSQL + NATS with one and with
two API workers, in one run (issue 13; docs/BENCHMARKS.md "Scaled deployment", docs/SCALING.md).

Deployments, each started as real processes on 127.0.0.1 from this checkout, each on its own fresh database:
- `embedded`: `cooud serve` — SQLite (on disk under var/), the engine in a thread of the one API process;
- `scaled-1`: `cooud engine` + `cooud serve --workers 1` — PostgreSQL (a fresh database on COOUD_TEST_POSTGRES's
  server), NATS JetStream (a fresh subject/stream prefix), Redis for the replay guard and the rate limiter;
- `scaled-2`: the same with `--workers 2` (two processes on one port; the kernel spreads connections).
Load: the HTTP benchmark's requests (tools/bench/http.py: signed v2, fresh Idempotency-Key, limit orders on BTC/USDT
from two accounts so that ~17 % match) over `connections` keep-alive connections, after a warm-up; meanwhile
`subscribers` WebSocket clients are subscribed to `orderbook.BTC/USDT` and `trades.BTC/USDT` on the deployment's
port — every accepted order changes the book, so each is at least one delivery per subscriber. Reported per
deployment: orders/s, p50/p99 latency, failures, server CPU per order (all the deployment's processes), stream
frames received and deliveries/s (frames received during the run / the time from the first order to the last
frame, a frame counted once per subscriber), and ratios against `embedded` from the same run.

The machine has 2 cores: engine, workers, PostgreSQL, NATS, Redis and this load generator share them, so a second
worker adds processes, not cores — the result says what one machine can show, not what more machines would.
Run: `python -m tools.bench.cluster [--orders N] [--connections C] [--subscribers S] [--only embedded,scaled-1]`.
Writes bench/results/cluster-<UTC timestamp>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from tools.bench.http import Account, PhaseResult, _cpu_seconds, _free_port, order_bodies, run_phase

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENTS = ("embedded", "scaled-1", "scaled-2")
POSTGRES = os.environ.get("COOUD_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
NATS = os.environ.get("COOUD_TEST_NATS", "nats://127.0.0.1:4222")
REDIS = os.environ.get("COOUD_TEST_REDIS", "redis://127.0.0.1:6379/0")
BUDGET_SCALE = "10000"  # one credential sends everything; refusals are not what is measured
CHANNELS = ["orderbook.BTC/USDT", "trades.BTC/USDT"]


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def _cpu(pids: list[int]) -> float:
    return sum(_cpu_seconds(q) for p in pids for q in _descendants(p))


def _database(kind: str, workdir: Path) -> str:
    if kind == "embedded":
        return str(workdir / "cooud.sqlite3")
    import psycopg

    name = f"cooud_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return POSTGRES.rsplit("/", 1)[0] + "/" + name


def _drop(database: str) -> None:
    if not database.startswith("postgresql://"):
        return
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database.rsplit("/", 1)[1]}" WITH (FORCE)')


def _environment(kind: str, database: str, workdir: Path, port: int) -> dict[str, str]:
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), COOUD_HOST="127.0.0.1", COOUD_PORT=str(port),
               COOUD_DATABASE=database,
               COOUD_RATE_LIMIT_SCALE=BUDGET_SCALE, COOUD_LOG_LEVEL="warning")
    if kind != "embedded":
        env.update(COOUD_BUS=NATS, COOUD_BUS_PREFIX=prefix, COOUD_REPLAY_GUARD=REDIS,
                   COOUD_REPLAY_GUARD_PREFIX=f"{prefix}:rg:", COOUD_RATE_LIMIT_STORE=REDIS,
                   COOUD_RATE_LIMIT_PREFIX=f"{prefix}:rl:")
    return env


def _prepare(env: dict[str, str]) -> tuple[Account, Account]:
    """Two funded accounts with trade keys, provisioned through the store before any engine runs (the in-process
    engine of the provisioning closes again, releasing the database's writer guard)."""
    code = ("import json; from tools.bench.http import prepare; from impl.config import Config;"
            " import os; a, b = prepare(os.environ['COOUD_DATABASE']); print(json.dumps([a.__dict__, b.__dict__]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True,
                         timeout=120).stdout
    return tuple(Account(**a) for a in json.loads(out.strip().splitlines()[-1]))


@contextlib.contextmanager
def _deployment(kind: str, workdir: Path):
    """Start the deployment; yields (port, [pids]). Always stopped and its database dropped."""
    port = _free_port()
    database = _database(kind, workdir)
    env = _environment(kind, database, workdir, port)
    procs: list[subprocess.Popen] = []
    try:
        accounts = _prepare(env)
        commands = [["serve"]] if kind == "embedded" else [["engine"], ["serve", "--workers", kind[-1]]]
        for i, args in enumerate(commands):
            log = open(workdir / f"{kind}-{i}.log", "wb")  # noqa: SIM115 - closed with the process below
            procs.append(subprocess.Popen([sys.executable, "-m", "impl.cli", *args], cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True))
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/time", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise RuntimeError(f"{kind} did not start; see {workdir}") from None
                time.sleep(0.3)
        yield port, [p.pid for p in procs], accounts
    finally:
        for p in reversed(procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        _drop(database)
        if "COOUD_BUS_PREFIX" in env:
            asyncio.run(_delete_streams(env["COOUD_BUS_PREFIX"]))


async def _delete_streams(prefix: str) -> None:
    """The deployment's command and event streams (each event stream reserves its max_bytes of JetStream storage)."""
    import nats

    nc = await nats.connect(NATS, connect_timeout=2, max_reconnect_attempts=1)
    try:
        for stream in (f"{prefix}_CMD_main", f"{prefix}_EVT_main"):
            with contextlib.suppress(Exception):
                await nc.jetstream().delete_stream(stream)
    finally:
        await nc.close()


async def _subscriber(port: int, counter: dict, ready: asyncio.Event, total: int) -> None:
    import websockets

    async with websockets.connect(f"ws://127.0.0.1:{port}/v1/ws", max_size=None) as ws:
        await ws.send(json.dumps({"op": "subscribe", "id": "s", "args": CHANNELS}))
        counter["subscribed"] += 1
        if counter["subscribed"] == total:
            ready.set()
        async for message in ws:
            op = json.loads(message).get("op")
            if op in ("book_delta", "trade") and counter["counting"]:
                counter["frames"] += 1
                counter["last"] = time.perf_counter()


async def _measure(port: int, pids: list[int], accounts, orders: int, connections: int, subscribers: int,
                   seed: int) -> dict:
    counter = {"subscribed": 0, "frames": 0, "counting": False, "last": 0.0}
    ready = asyncio.Event()
    tasks = [asyncio.create_task(_subscriber(port, counter, ready, subscribers)) for _ in range(subscribers)]
    if subscribers:
        await asyncio.wait_for(ready.wait(), 30)
        await asyncio.sleep(0.5)  # the snapshots that follow a subscribe are not deliveries of this run
    work = order_bodies(orders + 200, seed)
    await run_phase(port, pids[-1], "raw", 8, work[:200], accounts, PhaseResult())  # warm-up
    await asyncio.sleep(0.5)
    result = PhaseResult()
    counter["counting"], counter["frames"] = True, 0
    cpu0, started = _cpu(pids), time.perf_counter()
    await run_phase(port, pids[-1], "raw", connections, work[200:], accounts, result)
    ended = time.perf_counter()
    quiet = time.monotonic() + 10
    while subscribers and time.monotonic() < quiet:  # let deliveries drain: until 1 s without a frame
        before = counter["frames"]
        await asyncio.sleep(1.0)
        if counter["frames"] == before:
            break
    cpu = _cpu(pids) - cpu0
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    summary = result.summary()
    summary["server_cpu_us_per_req"] = round(cpu / orders * 1e6, 1)  # every process of the deployment
    summary["rps"] = round(orders / (ended - started), 1)
    deliver_s = max(counter["last"], ended) - started
    summary["stream"] = {"subscribers": subscribers, "frames": counter["frames"],
                         "deliveries_per_s": round(counter["frames"] / deliver_s) if subscribers else None}
    return summary


def run(orders: int = 3000, connections: int = 64, subscribers: int = 20, only: tuple[str, ...] = DEPLOYMENTS,
        seed: int = 11) -> dict:
    import tempfile

    (ROOT / "var").mkdir(exist_ok=True)
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "load_before": os.getloadavg()},
                     "orders": orders, "connections": connections, "subscribers": subscribers}
    for kind in only:
        with tempfile.TemporaryDirectory(prefix=f"bench-{kind}-", dir=ROOT / "var") as tmp:
            with _deployment(kind, Path(tmp)) as (port, pids, accounts):
                results[kind] = asyncio.run(_measure(port, pids, accounts, orders, connections, subscribers, seed))
            print(f"{kind:>9}: {results[kind]['rps']:>7} orders/s  p50 {results[kind]['p50_ms']} ms  "
                  f"p99 {results[kind]['p99_ms']} ms  failures {results[kind]['failures']}  "
                  f"cpu {results[kind]['server_cpu_us_per_req']} us/order  "
                  f"stream {results[kind]['stream']['deliveries_per_s']} deliveries/s", flush=True)
    base = results.get("embedded")
    if base:
        results["ratios_vs_embedded"] = {
            kind: {"orders": round(results[kind]["rps"] / base["rps"], 2),
                   "deliveries": (round(results[kind]["stream"]["deliveries_per_s"]
                                        / base["stream"]["deliveries_per_s"], 2)
                                  if base["stream"]["deliveries_per_s"] else None)}
            for kind in only if kind != "embedded" and kind in results}
    results["machine"]["load_after"] = os.getloadavg()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--subscribers", type=int, default=20)
    parser.add_argument("--only", default=",".join(DEPLOYMENTS))
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    results = run(args.orders, args.connections, args.subscribers, tuple(args.only.split(",")), args.seed)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"cluster-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    path.write_text(json.dumps(results, indent=2))
    print(json.dumps(results.get("ratios_vs_embedded", {}), indent=2))
    print(f"written: {path}")
    failed = sum(results[k]["failures"] for k in args.only.split(",") if k in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
