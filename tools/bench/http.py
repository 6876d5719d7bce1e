"""HTTP benchmark of order placement (`POST /v1/orders`) through three servers, measured in one run.

Servers, each started the same way: its own `python -m tools.bench.http serve …` process running
`uvicorn.run(app, host="127.0.0.1", port=<free port>, access_log=False, log_level="warning")` (uvicorn picks
uvloop and httptools when installed — the same for all three) on its own fresh SQLite database in a temp dir,
stopped (SIGTERM to that process) at the end:

- `real`: `impl.app.create_app(Config(...))` — the whole edge (impl/edge/pipeline.py): routing, strict JSON,
  HMAC-signed API key with the `trade` scope, rate limits, compiled validation, idempotency (reserve and complete:
  two extra store transactions), the async handler awaiting the trading engine's answer after its commit;
- `bare`: one Starlette route that json-decodes the body and makes the service call (`_place`: the order as a typed
  command to the engine, awaited on the loop) and answers the same JSON (`impl.api.wire.order`) with 201;
- `fastapi`: an async FastAPI endpoint validating the body with a pydantic
  model equivalent to the spec's `OrderRequest`, then calling the same service code.

`bare` and `fastapi` do no authentication: they take the account from an `X-Bench-Account` header. Every server
receives byte-identical requests (signature, Idempotency-Key and that header included) in the same order: limit
orders on BTC/USDT, buys from account A and sells from account B alternating, prices drawn around a mid price so
that a share of them match (counted from the responses). Both accounts hold deposits far above what the run can
lock, so no order is refused; every response must be 201 and anything else is counted as a failure. A 201 whose
order is live (`open`/`partially_filled`) but whose `filled + remaining != size` is counted as `inconsistent`: the
order was rendered while another request's fill was changing it.

Load generator: asyncio in this process (uvloop when installed) with one keep-alive HTTP/1.1 connection per
concurrent client over raw asyncio streams (`--client raw`, the default), or httpx (`--client httpx`) — httpx
costs about ten times more client CPU per request, which on a small machine is taken from the server. All servers
run at once (idle while not measured); each is warmed up (not measured), then each phase — a fixed number of
requests at 1 connection, then at 64 connections — is split into rounds in which the servers take turns, so that
other load on a shared machine falls on every server alike. Known limit: the load generator runs on the same
cores as the server, so absolute numbers are lower than on a dedicated client; the client's CPU per request is
reported so that this share is visible, and the ratios between servers are the point. Server CPU per request is
read from /proc (10 ms ticks; fine over phases of seconds).

`python -m tools.bench.http profile [real|bare|fastapi]` runs one app in this process (ASGI calls, no sockets,
handler inline) and reports its CPU time per order and a cProfile split by component.

Storage: by default each database lives on tmpfs (`/dev/shm` when present), where fsync returns at once — this
measures the HTTP stack and the service's CPU work. `storage="disk"` puts it under the repository's `var/` (the
disk `make run` uses), where every durable commit (WAL, synchronous=FULL) waits for fsync and dominates; the real
stack commits three times per order (idempotency reserve, trade, idempotency complete), the baselines once.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ("real", "bare", "fastapi")
SYMBOL = "BTC/USDT"
MID_TICKS = 6_000_000  # 60 000.00 USDT at tick 0.01
TARGET = "/v1/orders"
FULL = {"warmup": 300, "c1": 2000, "c64": 6000}
QUICK = {"warmup": 100, "c1": 300, "c64": 1000}
DISK = {"warmup": 30, "c1": 150, "c64": 600}  # fsync-bound: a few hundred orders a second at best
BUDGET_SCALE = 1e4  # rate-limit budgets x this: the load is one credential, and refusals are not what is measured


# -- accounts and requests ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Account:
    user_id: str
    key_id: str
    secret: str


def prepare(database: str) -> tuple[Account, Account]:
    """A fresh database with the demo listings and two funded accounts holding a trade-scoped API key each."""
    from impl.config import Config
    from impl.services import build_services

    svc = build_services(Config(database=database))
    try:
        now = svc.now_ms()
        accounts = []
        for name in ("a", "b"):
            user = svc.identity.create_user(f"bench-{name}@example.com", "bench password 1234", now)
            svc.trading.deposit(user.id, "USDT", "1000000000", f"bench-{name}-usdt")
            svc.trading.deposit(user.id, "BTC", "100000", f"bench-{name}-btc")
            key, secret = svc.identity.create_api_key(user.id, "bench", ["read", "trade"], [], 30, now)
            accounts.append(Account(user.id, key.id, secret))
        return accounts[0], accounts[1]
    finally:
        svc.close()


def order_bodies(count: int, seed: int) -> list[tuple[int, bytes]]:
    """(account index, JSON body) of `count` limit orders: even = buy (account 0), odd = sell (account 1). Buys are
    priced 20 ticks below to 5 above the mid, sells 5 below to 20 above, so the books overlap and a share match."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        buy = i % 2 == 0
        ticks = MID_TICKS + (rng.randint(-20, 5) if buy else rng.randint(-5, 20))
        size = rng.randint(1, 5) * 100  # 0.001 .. 0.005 BTC (step 0.00001)
        body = {"symbol": SYMBOL, "side": "buy" if buy else "sell", "type": "limit",
                "price": f"{ticks // 100}.{ticks % 100:02d}", "size": f"0.{size:05d}",
                "client_order_id": f"bench-{i}"}
        out.append((0 if buy else 1, json.dumps(body, separators=(",", ":")).encode()))
    return out


def request_headers(account: Account, body: bytes) -> list[tuple[str, str]]:
    """The headers of one signed order request (fresh timestamp, signature and Idempotency-Key)."""
    from impl.security.signing import sign_v2

    timestamp, idempotency_key = str(int(time.time() * 1000)), str(uuid.uuid4())
    return [("Content-Type", "application/json"), ("Idempotency-Key", idempotency_key),
            ("X-Cooud-Key", account.key_id), ("X-Cooud-Timestamp", timestamp), ("X-Cooud-Signature-Version", "2"),
            ("X-Cooud-Signature", sign_v2(account.secret, timestamp, "POST", TARGET, idempotency_key, body)),
            ("X-Bench-Account", account.user_id)]


# -- the three servers ------------------------------------------------------------------------------------------
def real_app(database: str):
    from impl.app import create_app
    from impl.config import Config

    # Budgets scaled out of the way: the benchmark measures the admitting path of the limiter, not refusals.
    return create_app(Config(database=database, log_level="warning", rate_limit_scale=BUDGET_SCALE))


async def _place(services, account: str, body: dict) -> dict:
    """The service call every server makes: the order as a typed command to the engine, answered after its commit."""
    from impl.api import wire

    trading = services.trading
    state = await trading.execute(trading.place_command(account, body))
    return wire.order(state, trading.units(state.symbol))


def bare_app(database: str):
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from impl.config import Config
    from impl.services import build_services

    services = build_services(Config(database=database))

    async def place_order(request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        order = await _place(services, request.headers["x-bench-account"], body)
        return JSONResponse(order, status_code=201)

    return Starlette(routes=[Route(TARGET, place_order, methods=["POST"])])


def fastapi_app(database: str):
    from typing import Annotated, Literal

    from fastapi import FastAPI, Header
    from pydantic import BaseModel, ConfigDict, StringConstraints

    from impl.config import Config
    from impl.services import build_services

    services = build_services(Config(database=database))
    # No `from __future__ import annotations` in this module: FastAPI must see these annotations as objects.
    decimal = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]{0,29})(\.[0-9]{1,18})?$", min_length=1,
                                               max_length=49)]

    class OrderRequest(BaseModel):
        """spec/openapi.yaml#/components/schemas/OrderRequest: closed, strict types; the optional properties are
        not nullable (an explicit null is refused: pydantic does not validate defaults, only given values)."""

        model_config = ConfigDict(extra="forbid", strict=True)
        symbol: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,10}/[A-Z0-9]{2,10}$", min_length=5,
                                                 max_length=21)]
        side: Literal["buy", "sell"]
        type: Literal["limit", "market"]
        price: decimal = None
        size: decimal = None
        quote_size: decimal = None
        tif: Literal["GTC", "IOC", "FOK"] = None
        post_only: bool = False
        client_order_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,36}$", min_length=1,
                                                          max_length=36)] = None

    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post(TARGET, status_code=201)
    async def place_order(order: OrderRequest, x_bench_account: Annotated[str, Header()]) -> dict:
        return await _place(services, x_bench_account, order.model_dump(exclude_unset=True))

    return app


FACTORIES = {"real": real_app, "bare": bare_app, "fastapi": fastapi_app}
PROFILED = FACTORIES


def serve(kind: str, database: str, port: int) -> None:
    import uvicorn

    uvicorn.run(FACTORIES[kind](database), host="127.0.0.1", port=port, access_log=False, log_level="warning",
                lifespan="on")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def child_server(kind: str, args: list[str], ports: tuple[int, ...], log_path: Path):
    """`python -m <args>` as a child process, waited for until every port in `ports` accepts connections on
    127.0.0.1 (at most 60 s); yields the process. Always stopped (SIGTERM, then SIGKILL after 15 s)."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            for port in ports:
                while True:
                    try:
                        socket.create_connection(("127.0.0.1", port), timeout=1).close()
                        break
                    except OSError:
                        if proc.poll() is not None or time.monotonic() > deadline:
                            raise RuntimeError(f"{kind} server did not start:\n{log_path.read_text()}") from None
                        time.sleep(0.1)
            yield proc
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def server_process(kind: str, database: str, log_path: Path):
    """The server `kind` on a free port of 127.0.0.1, as a child process; yields (port, pid). Always stopped."""
    port = _free_port()
    with child_server(kind, ["tools.bench.http", "serve", kind, database, str(port)], (port,), log_path) as proc:
        yield port, proc.pid


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (0.0 where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- load generators ----------------------------------------------------------------------------------------------
class RawConnection:
    """One keep-alive HTTP/1.1 connection over asyncio streams: writes a request, reads status, headers and a
    Content-Length (or chunked) body."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def post(self, target: str, headers: list[tuple[str, str]], body: bytes) -> tuple[int, bytes]:
        head = f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers)
        self.writer.write(head.encode("latin-1") + b"\r\n" + body)
        response = await self.reader.readuntil(b"\r\n\r\n")
        status = int(response[9:12])
        length, chunked = None, False
        for line in response.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                data = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                parts.append(data[:-2])
            return status, b"".join(parts)
        return status, await self.reader.readexactly(length or 0)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()


class HttpxConnection:
    """One httpx.AsyncClient limited to a single keep-alive connection."""

    def __init__(self, port: int) -> None:
        import httpx

        self.client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60,
                                        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))

    async def open(self) -> None:
        pass

    async def post(self, target: str, headers: list[tuple[str, str]], body: bytes) -> tuple[int, bytes]:
        r = await self.client.post(target, headers=headers, content=body)
        return r.status_code, r.content

    async def close(self) -> None:
        await self.client.aclose()


CLIENTS = {"raw": RawConnection, "httpx": HttpxConnection}


@dataclass
class PhaseResult:
    """One server's measurements in one phase, accumulated over the rounds of that phase."""

    requests: int = 0
    failures: int = 0
    seconds: float = 0.0
    latencies_ns: list[int] = field(default_factory=list)
    matched: int = 0
    inconsistent: int = 0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    first_failure: str | None = None

    def summary(self) -> dict:
        lat = sorted(self.latencies_ns)
        ok = self.requests - self.failures
        return {
            "requests": self.requests,
            "failures": self.failures,
            "seconds": round(self.seconds, 3),
            "rps": round(self.requests / self.seconds, 1),
            "p50_ms": round(_pct(lat, 50) / 1e6, 3),
            "p99_ms": round(_pct(lat, 99) / 1e6, 3),
            "mean_ms": round(statistics.fmean(lat) / 1e6, 3) if lat else None,
            "matched_share": round(self.matched / ok, 3) if ok else None,
            "inconsistent": self.inconsistent,
            "server_cpu_us_per_req": round(self.server_cpu_s / self.requests * 1e6, 1),
            "client_cpu_us_per_req": round(self.client_cpu_s / self.requests * 1e6, 1),
            "first_failure": self.first_failure,
        }


def _pct(sorted_values: list[int], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))  # nearest rank
    return sorted_values[k]


async def run_phase(port: int, pid: int, client: str, connections: int, work: list[tuple[int, bytes]],
                    accounts: tuple[Account, Account], into: PhaseResult) -> None:
    """Send `work` over `connections` keep-alive connections (opened before the clock starts); add to `into`."""
    conns = [CLIENTS[client](port) for _ in range(connections)]
    await asyncio.gather(*(c.open() for c in conns))
    state = {"next": 0}

    async def worker(conn) -> None:
        while state["next"] < len(work):
            index, body = work[state["next"]]
            state["next"] += 1
            headers = request_headers(accounts[index], body)
            started = time.perf_counter_ns()
            try:
                status, content = await conn.post(TARGET, headers, body)
            except Exception as exc:  # a broken connection is a failure, not the end of the run
                status, content = 0, repr(exc).encode()
            into.latencies_ns.append(time.perf_counter_ns() - started)
            if status != 201:
                into.failures += 1
                into.first_failure = into.first_failure or f"{status} {content[:300]!r}"
                continue
            order = json.loads(content)
            filled = Decimal(order["filled"])
            if filled:  # it filled on arrival (or, see `inconsistent`, just after)
                into.matched += 1
            if order["status"] in ("open", "partially_filled") and \
                    filled + Decimal(order["remaining"]) != Decimal(order["size"]):
                into.inconsistent += 1  # a torn order: rendered while another request's fill changed it

    server_cpu, client_cpu, wall = _cpu_seconds(pid), time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    into.seconds += time.perf_counter() - wall
    into.client_cpu_s += time.process_time() - client_cpu
    into.server_cpu_s += _cpu_seconds(pid) - server_cpu
    into.requests += len(work)
    await asyncio.gather(*(c.close() for c in conns))


def _event_loop_runner() -> asyncio.Runner:
    try:
        import uvloop
    except ImportError:
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


PHASES = (("c1", 1), ("c64", 64))


def bench_servers(servers: tuple[str, ...], counts: dict, storage_dir: str, client: str, seed: int, rounds: int,
                  log: Callable[[str], None]) -> dict:
    """Start every server (each on its own fresh database), warm each up, then run each phase in `rounds` rounds,
    the servers taking turns within a round (in a rotating order): a change of load on a shared machine then
    falls on every server alike instead of on whichever happened to run at that moment."""
    with contextlib.ExitStack() as stack:
        targets = {}
        for kind in servers:
            workdir = tempfile.mkdtemp(prefix=f"cooud-bench-{kind}-", dir=storage_dir)
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            database = str(Path(workdir) / "bench.sqlite3")
            accounts = prepare(database)
            port, pid = stack.enter_context(server_process(kind, database, Path(workdir) / "server.log"))
            targets[kind] = (port, pid, accounts)
        runner = stack.enter_context(_event_loop_runner())
        bodies = order_bodies(counts["warmup"] + counts["c1"] + counts["c64"], seed)
        offset = counts["warmup"]
        for port, pid, accounts in targets.values():
            runner.run(run_phase(port, pid, client, 8, bodies[:offset], accounts, PhaseResult()))  # not reported
        results: dict[str, dict] = {kind: {} for kind in servers}
        for name, connections in PHASES:
            work = bodies[offset:offset + counts[name]]
            offset += counts[name]
            per_round = -(-len(work) // rounds)
            acc = {kind: PhaseResult() for kind in servers}
            for r in range(rounds):
                chunk = work[r * per_round:(r + 1) * per_round]
                order = servers[r % len(servers):] + servers[:r % len(servers)]
                for kind in order:
                    port, pid, accounts = targets[kind]
                    runner.run(run_phase(port, pid, client, connections, chunk, accounts, acc[kind]))
            for kind in servers:
                s = results[kind][name] = acc[kind].summary()
                log(f"  {kind:13} {name:4} {s['rps']:8.1f} req/s  p50 {s['p50_ms']:7.2f} ms  p99 {s['p99_ms']:7.2f} ms"
                    f"  failures {s['failures']}  server {s['server_cpu_us_per_req']:.0f} us/req"
                    f"  client {s['client_cpu_us_per_req']:.0f} us/req"
                    + (f"  INCONSISTENT {s['inconsistent']}" if s["inconsistent"] else ""))
        return results


def default_storage_dir(storage: str) -> str:
    """tmpfs: /dev/shm (fsync is free); disk: var/ of the repository, where `make run` keeps its database."""
    if storage == "tmpfs":
        return "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    return str(ROOT / "var")


def commit_latency_us(directory: str, commits: int = 100) -> float:
    """Median time of one small durable SQLite commit (WAL, synchronous=FULL) in `directory`: what each of the
    server's commits waits for there (near zero on tmpfs; on a shared virtual disk it varies by 10x with load)."""
    import sqlite3

    workdir = tempfile.mkdtemp(prefix="cooud-fsync-", dir=directory)
    try:
        db = sqlite3.connect(str(Path(workdir) / "probe.sqlite3"), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE t (v INTEGER)")
        times = []
        for i in range(commits):
            started = time.perf_counter_ns()
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO t VALUES (?)", (i,))
            db.execute("COMMIT")
            times.append(time.perf_counter_ns() - started)
        db.close()
        return round(statistics.median(times) / 1000, 1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(quick: bool = False, storage: str = "tmpfs", client: str = "raw", seed: int = 7,
        servers: tuple[str, ...] = SERVERS, counts: dict | None = None, rounds: int = 4,
        log: Callable[[str], None] = print) -> dict:
    """The whole HTTP benchmark; returns a JSON-able dict with per-server, per-concurrency results and ratios."""
    counts = dict(counts or (DISK if storage == "disk" else QUICK if quick else FULL))
    storage_dir = default_storage_dir(storage)
    os.makedirs(storage_dir, exist_ok=True)
    commit_us = commit_latency_us(storage_dir)
    log(f"http: {', '.join(servers)} on {storage} ({storage_dir}, durable commit {commit_us} us), client {client}, "
        f"{counts['c1']} requests at 1 connection, {counts['c64']} at 64 (warm-up {counts['warmup']})")
    started = time.perf_counter()
    results = bench_servers(servers, counts, storage_dir, client, seed, rounds, log)
    ratios = {}
    for base in ("bare", "fastapi"):
        if "real" in results and base in results:
            for phase in ("c1", "c64"):
                ratios[f"real/{base} {phase}"] = round(results["real"][phase]["rps"] / results[base][phase]["rps"], 3)
    return {"storage": storage, "storage_dir": storage_dir, "commit_us": commit_us, "client": client,
            "counts": counts, "rounds": rounds, "seed": seed,
            "servers": results, "ratios": ratios, "seconds": round(time.perf_counter() - started, 1)}


# -- in-process profile of the real stack ---------------------------------------------------------------------------
async def _asgi_post(app, headers: list[tuple[str, str]], body: bytes) -> tuple[int, bytes]:
    """One request straight into the ASGI app (no sockets, no client library)."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": TARGET, "raw_path": TARGET.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"content-length", str(len(body)).encode())]
             + [(k.lower().encode(), v.encode()) for k, v in headers],
             "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8080), "state": {}}
    sent = False
    out = {"status": 0, "body": b""}

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return out["status"], out["body"]


def _run_handlers_inline() -> None:
    """Make connexion, Starlette and FastAPI call sync handlers on the event loop thread instead of a worker
    thread, so that cProfile (which sees one thread) sees the handler too. Only for the profile: it removes the
    thread hop from what is measured."""
    import connexion.decorators.main
    import fastapi.routing
    import starlette.concurrency

    async def inline(func, /, *args, **kwargs):
        return func(*args, **kwargs)

    connexion.decorators.main.run_in_threadpool = inline
    starlette.concurrency.run_in_threadpool = inline
    fastapi.routing.run_in_threadpool = inline


_COMPONENTS = (  # (label, substring of the code's file name), first match wins
    ("impl/domain (trading, matching)", "/impl/domain/"),
    ("impl/store (SQL building)", "/impl/store/"),
    ("impl/edge (pipeline, validators)", "/impl/edge/"),
    ("impl/middleware (auth, limits, idempotency)", "/impl/middleware/"),
    ("impl/security (HMAC, keys)", "/impl/security/"),
    ("impl/api (handler, wire)", "/impl/api/"),
    ("impl (other)", "/impl/"),
    ("connexion", "/connexion/"),
    ("jsonschema + referencing", "/jsonschema"),
    ("jsonschema + referencing", "/referencing/"),
    ("starlette", "/starlette/"),
    ("fastapi", "/fastapi/"),
    ("pydantic", "/pydantic"),
    ("load driver (this module)", "/tools/bench/"),
)


def by_component(stats) -> dict[str, float]:
    """Share of own (tottime) time per component; C functions (sqlite3, json, hmac…) are named by themselves
    when they are big, else counted as 'C builtins'."""
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        label = next((lab for lab, part in _COMPONENTS if part in filename), None)
        if label is None:
            if filename == "~":
                label = "sqlite3 (C)" if "sqlite3" in name else "C builtins (json, hmac, re, …)"
            else:
                label = "stdlib + other"
        totals[label] = totals.get(label, 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    return {k: v / whole for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}


def profile(kinds: tuple[str, ...] = ("real",), requests: int = 1000, top: int = 40, storage: str = "tmpfs",
            sort: str = "tottime", repeats: int = 5) -> dict:
    """In this process (ASGI calls, no sockets, sync handlers inline): the CPU time per order placement through
    each app of `kinds`, in `repeats` rounds of `requests` in which the apps take turns (so that other load on a
    shared machine falls on all alike; CPU time rather than wall time for the same reason), reported as the best
    and the median round. With one kind and `top` > 0, cProfile one more round and print the share of own time by
    component and the top functions."""
    import cProfile
    import pstats

    _run_handlers_inline()
    bodies = order_bodies(200 + (repeats + 1) * requests, seed=7)
    with contextlib.ExitStack() as stack:
        apps = {}
        for kind in kinds:
            workdir = tempfile.mkdtemp(prefix="cooud-profile-", dir=default_storage_dir(storage))
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            database = str(Path(workdir) / "bench.sqlite3")
            accounts = prepare(database)  # first: it runs its own engine on the database, then closes it
            apps[kind] = (PROFILED[kind](database), accounts)

        async def drive(kind, work):
            app, accounts = apps[kind]
            for index, body in work:
                status, content = await _asgi_post(app, request_headers(accounts[index], body), body)
                if status != 201:
                    raise RuntimeError(f"{kind}: {status} {content[:300]!r}")

        rounds: dict[str, list[float]] = {kind: [] for kind in kinds}
        runner = stack.enter_context(_event_loop_runner())
        for kind in kinds:
            runner.run(drive(kind, bodies[:200]))
        for r in range(repeats):
            work = bodies[200 + r * requests:200 + (r + 1) * requests]
            for kind in kinds[r % len(kinds):] + kinds[:r % len(kinds)]:
                cpu = time.process_time()
                runner.run(drive(kind, work))
                rounds[kind].append((time.process_time() - cpu) / requests * 1e6)
        result = {kind: {"best_cpu_us": round(min(v), 1), "median_cpu_us": round(statistics.median(v), 1)}
                  for kind, v in rounds.items()}
        for kind, v in result.items():
            print(f"{kind:13} {v['best_cpu_us']:7.0f} us CPU per order (best), {v['median_cpu_us']:7.0f} (median) "
                  f"of {repeats} x {requests}, in-process, {storage}, handler inline")
        if top and len(kinds) == 1:
            profiler = cProfile.Profile()
            profiler.enable()
            runner.run(drive(kinds[0], bodies[200 + repeats * requests:]))
            profiler.disable()
            stats = pstats.Stats(profiler)
            print("own time by component (cProfile tottime, all functions):")
            for name, share in by_component(stats).items():
                print(f"  {name:34} {share:6.1%}")
            stats.sort_stats(sort).print_stats(top)
        return result


def asgi_layers() -> list[str]:
    """The ASGI layers a request crosses from the server to its handler in the real app: the `__call__(scope,
    receive, send)` frames on the stack when `GET /v1/time`'s handler runs, outermost first (works on any commit
    of this repository: copy this module beside it to compare)."""
    import sys as _sys

    import impl.api.system as system
    from impl.app import create_app
    from impl.config import Config

    seen: list[str] = []
    original = system.get_server_time

    async def get_server_time():
        frame = _sys._getframe(1)
        while frame is not None:
            code = frame.f_code
            if code.co_name == "__call__" and {"scope", "receive", "send"} <= set(code.co_varnames[:4]):
                owner = frame.f_locals.get("self")
                seen.append(type(owner).__qualname__ if owner is not None else code.co_qualname)
            frame = frame.f_back
        return await original()

    system.get_server_time = get_server_time
    workdir = tempfile.mkdtemp(prefix="cooud-layers-")
    try:
        app = create_app(Config(database=str(Path(workdir) / "layers.sqlite3"), log_level="warning"))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": "/v1/time", "raw_path": b"/v1/time", "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 40000),
                 "server": ("127.0.0.1", 8080), "state": {}}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(_message):
            return None

        asyncio.run(app(scope, receive, send))
    finally:
        system.get_server_time = original
        shutil.rmtree(workdir, ignore_errors=True)
    return list(reversed(seen))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.http")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="run one benchmark server (used by the benchmark itself)")
    p.add_argument("kind", choices=tuple(FACTORIES))
    p.add_argument("database")
    p.add_argument("port", type=int)
    p = sub.add_parser("run", help="the HTTP benchmark alone")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--storage", choices=("tmpfs", "disk"), default="tmpfs")
    p.add_argument("--client", choices=tuple(CLIENTS), default="raw")
    p.add_argument("--servers", default=",".join(SERVERS))
    sub.add_parser("layers", help="the ASGI layers between the server and a handler in the real app")
    p = sub.add_parser("profile", help="CPU per order in-process, several apps interleaved; cProfile of one")
    p.add_argument("kinds", choices=tuple(PROFILED), nargs="*", default=["real"])
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--storage", choices=("tmpfs", "disk"), default="tmpfs")
    p.add_argument("--sort", default="tottime")
    p.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.kind, args.database, args.port)
    elif args.command == "run":
        print(json.dumps(run(args.quick, args.storage, args.client, servers=tuple(args.servers.split(","))),
                         indent=2))
    elif args.command == "layers":
        layers = asgi_layers()
        print(json.dumps({"count": len(layers), "layers": layers}, indent=2))
    else:
        profile(tuple(args.kinds), args.requests, args.top, args.storage, args.sort, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
