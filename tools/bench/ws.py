"""WebSocket fan-out benchmark: deliveries per second to 100 local subscribers of `trades.BTC/USDT` and
publish→receive latency, for the real gateway (`/v1/ws` of `create_app`, under uvicorn) and a bare `websockets`
broadcast server, measured in the same run. Target: real ≥ 0.85x bare in deliveries per second.

Servers: each its own process (tools/bench/ws_server.py, which says how each is built and how it publishes),
both running for the whole benchmark, each with its own 100 subscribers connected the whole time, idle while the
other is measured. Publishing happens inside the server process, in a thread, on command of this process over a
control socket; each frame carries its publish time (CLOCK_MONOTONIC, shared by all processes on Linux).

Load side: this process (uvloop), 100 WebSocket clients per server on 127.0.0.1. The clients are a minimal
RFC 6455 client over raw asyncio protocols (HTTP upgrade, masked client frames, pong on ping, close codes): a
trade frame is counted and its publish time read from its bytes, without a JSON decode, so that a client costs
about 1–2 µs of CPU per frame — the clients share the two cores with the server, and the cheaper they are, the
more of the machine the servers get. The `websockets` client costs several times more (`--client websockets`
measures with it).

Phases, each split into rounds in which the servers take turns (rotating order), after a warm-up:
- throughput: N messages published as fast as the server delivers them, closed loop: at most `window` messages
  are in flight (published but not yet received by every client, counted over all clients), topped up in
  batches. The gateway's per-connection queue bound (Config.ws_queue_frames / ws_queue_bytes, the defaults) is
  far above the window, so no subscriber can become a slow consumer; close frames are counted (a 4008 would
  show there) and a delivery that never arrives counts as missing. deliveries/s = frames received by all
  clients / time from the first publish to the last frame received. Server CPU per delivery from /proc; frames
  per client read (raw client only) shows how much the server's writes were coalesced on the way.
- latency: messages published at a fixed rate (200/s by default); publish→receive per delivery, p50/p99.

Ratios: real/bare for deliveries per second (the target), bare/real for latencies and CPU per delivery.
`python -m tools.bench.ws profile` runs the throughput phase once against the real server with cProfile enabled
on its event loop's thread and prints where the loop's time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tools.bench.http import _cpu_seconds, _event_loop_runner, _free_port, _pct, child_server

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ("real", "bare")
ALL_SERVERS = ("real", "bare", "real-eager")  # real-eager: measurement only, the proposal (tools/bench/ws_server.py)
CHANNEL = "trades.BTC/USDT"
TARGET = 0.85
FULL = {"clients": 100, "warmup": 300, "messages": 8000, "rounds": 4, "window": 400, "batch": 50,
        "rates": (50, 200), "latency_seconds": 6.0}
QUICK = {"clients": 100, "warmup": 100, "messages": 1200, "rounds": 2, "window": 400, "batch": 50,
         "rates": (50, 200), "latency_seconds": 2.0}
WAIT_S = 60.0  # the longest a phase waits for its frames before counting the rest as missing


# -- the load side: a minimal WebSocket client ---------------------------------------------------------------------
class Stats:
    """Frames received by all the clients of one server, and the thresholds a phase waits for."""

    def __init__(self) -> None:
        self.total = 0
        self.reads = 0  # socket reads that carried at least one trade frame (frames per read = batching)
        self.last_ns = 0
        self.latencies: list[int] | None = None  # ns, while a latency phase records
        self.closes: list[int | None] = []  # close codes received (4008 = slow consumer)
        self._goal = 0
        self._waiter: asyncio.Future | None = None

    def arrived(self, count: int, now_ns: int) -> None:
        self.total += count
        self.reads += 1
        self.last_ns = now_ns
        if self._waiter is not None and self.total >= self._goal and not self._waiter.done():
            self._waiter.set_result(None)

    async def reach(self, goal: int, timeout: float) -> bool:
        if self.total >= goal:
            return True
        self._goal, self._waiter = goal, asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(self._waiter, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            self._waiter = None


def _frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (RFC 6455 §5.2; clients must mask)."""
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + n.to_bytes(2, "big"))
    key = int.from_bytes((mask * (n // 4 + 1))[:n], "big") if n else 0
    body = (int.from_bytes(payload, "big") ^ key).to_bytes(n, "big") if n else b""
    return head + mask + body


TRADE_PREFIX = b'{"op":"trade"'
ID_MARK = b'"id":"trd_'


class RawClient(asyncio.Protocol):
    """Upgrades to WebSocket, subscribes to CHANNEL and counts trade frames (reading the publish time from the id)."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port, self.stats = port, stats
        self.buf = bytearray()
        self.upgraded = False
        self.transport: asyncio.Transport | None = None
        self.subscribed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(f"GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                        .encode())

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        pos = 0
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                self._fail(f"upgrade refused: {bytes(buf[:end])!r}")
                return
            self.upgraded, pos = True, end + 4
            self.transport.write(_frame(1, json.dumps({"op": "subscribe", "id": "s", "args": [CHANNEL]}).encode()))
        trades, latencies, now = 0, self.stats.latencies, time.monotonic_ns()
        size = len(buf)
        while size - pos >= 2:
            opcode, n, off = buf[pos] & 0x0F, buf[pos + 1] & 0x7F, pos + 2
            if n == 126:
                if size - pos < 4:
                    break
                n, off = int.from_bytes(buf[pos + 2:pos + 4], "big"), pos + 4
            elif n == 127:
                if size - pos < 10:
                    break
                n, off = int.from_bytes(buf[pos + 2:pos + 10], "big"), pos + 10
            if size - off < n:
                break
            pos = off + n
            if opcode == 1:
                if buf.startswith(TRADE_PREFIX, off):
                    trades += 1
                    if latencies is not None:
                        i = buf.find(ID_MARK, off, pos) + len(ID_MARK)
                        latencies.append(now - int(buf[i:i + 26]))
                elif not self.subscribed.done() and buf.startswith(b'{"op":"subscribe"', off):
                    self.subscribed.set_result(None)
            elif opcode == 9:  # ping: answer, or the server closes us after its ping timeout
                self.transport.write(_frame(10, bytes(buf[off:pos])))
            elif opcode == 8:
                self.stats.closes.append(int.from_bytes(buf[off:off + 2], "big") if n >= 2 else None)
                self.transport.close()
        del buf[:pos]
        if trades:
            self.stats.arrived(trades, now)

    def _fail(self, why: str) -> None:
        if not self.subscribed.done():
            self.subscribed.set_exception(RuntimeError(why))
        self.transport.close()

    def connection_lost(self, exc) -> None:
        if not self.subscribed.done():
            self.subscribed.set_exception(RuntimeError(f"connection lost before subscribing: {exc}"))

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_frame(8, (1000).to_bytes(2, "big")))
            self.transport.close()


async def open_raw(port: int, stats: Stats) -> RawClient:
    _, client = await asyncio.get_running_loop().create_connection(lambda: RawClient(port, stats), "127.0.0.1", port)
    await asyncio.wait_for(client.subscribed, 30)
    return client


class LibClient:
    """The same client with the `websockets` library (asyncio client API): a recv loop and a JSON decode per frame."""

    def __init__(self, ws, stats: Stats) -> None:
        self.ws, self.stats = ws, stats
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        from websockets.exceptions import ConnectionClosed

        stats = self.stats
        try:
            async for message in self.ws:
                frame = json.loads(message)
                if frame.get("op") == "trade":
                    now = time.monotonic_ns()
                    if stats.latencies is not None:
                        stats.latencies.append(now - int(frame["data"]["id"][4:]))
                    stats.arrived(1, now)
        except ConnectionClosed:
            pass
        if self.ws.close_code not in (None, 1000):
            stats.closes.append(self.ws.close_code)

    def close(self) -> None:
        self.task.cancel()
        asyncio.get_running_loop().create_task(self.ws.close())


async def open_lib(port: int, stats: Stats) -> LibClient:
    from websockets.asyncio.client import connect

    ws = await connect(f"ws://127.0.0.1:{port}/v1/ws", compression=None, max_queue=None)
    await ws.send(json.dumps({"op": "subscribe", "id": "s", "args": [CHANNEL]}))
    while json.loads(await asyncio.wait_for(ws.recv(), 30)).get("op") != "subscribe":
        pass
    return LibClient(ws, stats)


CLIENTS = {"raw": open_raw, "websockets": open_lib}


# -- servers -------------------------------------------------------------------------------------------------------
class Target:
    """One server process, its control connection and its subscribers."""

    def __init__(self, kind: str, port: int, control_port: int, proc: subprocess.Popen) -> None:
        self.kind, self.port, self.control_port, self.proc = kind, port, control_port, proc
        self.stats = Stats()
        self.clients: list = []
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self, clients: int, client: str) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.control_port)
        for _ in range(clients):  # one by one: 100 simultaneous upgrades would only measure the accept backlog
            self.clients.append(await CLIENTS[client](self.port, self.stats))

    async def command(self, line: str, reply: bool = True) -> str | None:
        self.writer.write(line.encode() + b"\n")
        await self.writer.drain()
        if not reply:
            return None
        return (await asyncio.wait_for(self.reader.readline(), 120)).decode().strip()

    async def close(self) -> None:
        for c in self.clients:
            c.close()
        if self.writer is not None:
            self.writer.close()
        await asyncio.sleep(0.2)


@contextlib.contextmanager
def server_process(kind: str, workdir: Path):
    """The server `kind` as a child process on free ports of 127.0.0.1; yields (port, control port, process).
    Always stopped (SIGTERM, then SIGKILL after 15 s)."""
    port, control_port = _free_port(), _free_port()
    args = ["tools.bench.ws_server", kind, str(port), str(control_port), str(workdir)]
    with child_server(kind, args, (control_port, port), workdir / f"{kind}.log") as proc:
        yield port, control_port, proc


# -- phases --------------------------------------------------------------------------------------------------------
class Acc:
    def __init__(self) -> None:
        self.expected = self.received = 0
        self.seconds = self.server_cpu_s = self.client_cpu_s = 0.0
        self.latencies: list[int] = []
        self.late = 0
        self.reads = 0


async def throughput(t: Target, messages: int, window: int, batch: int, acc: Acc) -> None:
    """Publish `messages` keeping at most `window` messages in flight; wait for every delivery (or WAIT_S)."""
    n_clients = len(t.clients)
    base, reads = t.stats.total, t.stats.reads
    cpu0, ccpu0 = _cpu_seconds(t.proc.pid), time.process_time()
    started = time.monotonic_ns()
    published = 0
    while published < messages:
        k = min(batch, messages - published)
        # top up once the slowest-on-average client is within window - k messages
        if not await t.stats.reach(base + (published + k - window) * n_clients, WAIT_S):
            break
        await t.command(f"pub {k}", reply=False)
        published += k
    complete = await t.stats.reach(base + messages * n_clients, WAIT_S)
    end = t.stats.last_ns if complete else time.monotonic_ns()
    acc.seconds += (end - started) / 1e9
    acc.server_cpu_s += _cpu_seconds(t.proc.pid) - cpu0
    acc.client_cpu_s += time.process_time() - ccpu0
    acc.expected += messages * n_clients
    acc.received += t.stats.total - base
    acc.reads += t.stats.reads - reads


async def latency(t: Target, messages: int, rate: float, acc: Acc) -> None:
    n_clients = len(t.clients)
    base = t.stats.total
    cpu0 = _cpu_seconds(t.proc.pid)
    t.stats.latencies = acc.latencies
    try:
        reply = await t.command(f"rate {messages} {rate}")
        acc.late += int(reply.split()[1]) if reply and reply.startswith("done") else 0
        await t.stats.reach(base + messages * n_clients, WAIT_S)
    finally:
        t.stats.latencies = None
    acc.server_cpu_s += _cpu_seconds(t.proc.pid) - cpu0
    acc.expected += messages * n_clients
    acc.received += t.stats.total - base


def _summary_throughput(acc: Acc) -> dict:
    received = max(acc.received, 1)
    return {"deliveries": acc.received, "missing": acc.expected - acc.received, "seconds": round(acc.seconds, 3),
            "deliveries_per_s": round(acc.received / acc.seconds) if acc.seconds else 0,
            "server_cpu_us_per_delivery": round(acc.server_cpu_s * 1e6 / received, 2),
            "client_cpu_us_per_delivery": round(acc.client_cpu_s * 1e6 / received, 2),
            "frames_per_client_read": round(received / max(acc.reads, 1), 2)}


def _summary_latency(acc: Acc, rate: float) -> dict:
    lat = sorted(acc.latencies)
    return {"rate_per_s": rate, "deliveries": acc.received, "missing": acc.expected - acc.received,
            "published_late": acc.late,
            "server_cpu_us_per_delivery": round(acc.server_cpu_s * 1e6 / max(acc.received, 1), 2),
            **{f"{name}_ms": round(_pct(lat, p) / 1e6, 3) if lat else None
               for name, p in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))}}


def run(quick: bool = False, client: str = "raw", counts: dict | None = None, servers: tuple[str, ...] = SERVERS,
        log: Callable[[str], None] = print) -> dict:
    """The whole benchmark; returns a JSON-able dict (per-server throughput and latency, ratios, settings)."""
    from impl.config import Config

    c = {**(QUICK if quick else FULL), **(counts or {})}
    defaults = Config()
    log(f"ws: {', '.join(servers)}, {c['clients']} subscribers each ({client} client); throughput {c['messages']} "
        f"messages (window {c['window']}, batch {c['batch']}), latency {c['latency_seconds']} s at each of "
        f"{', '.join(map(str, c['rates']))} msg/s, "
        f"{c['rounds']} rounds; gateway queue {defaults.ws_queue_frames} frames / {defaults.ws_queue_bytes} bytes")
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix="cooud-bench-ws-", dir="/dev/shm" if os.path.isdir("/dev/shm")
                                        else None))
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        procs = {kind: stack.enter_context(server_process(kind, workdir)) for kind in servers}
        runner = stack.enter_context(_event_loop_runner())
        targets = {kind: Target(kind, *procs[kind]) for kind in servers}
        stack.callback(lambda: runner.run(_close_all(targets.values())))
        for t in targets.values():
            runner.run(t.connect(c["clients"], client))
        for t in targets.values():  # warm-up, not reported
            runner.run(throughput(t, c["warmup"], c["window"], c["batch"], Acc()))
        tp = {kind: Acc() for kind in servers}
        lat = {(kind, rate): Acc() for kind in servers for rate in c["rates"]}
        per_round = -(-c["messages"] // c["rounds"])
        for r in range(c["rounds"]):
            order = servers[r % len(servers):] + servers[:r % len(servers)]
            for kind in order:
                runner.run(throughput(targets[kind], per_round, c["window"], c["batch"], tp[kind]))
            for rate in c["rates"]:
                per = max(1, round(rate * c["latency_seconds"] / c["rounds"]))
                for kind in order:
                    runner.run(latency(targets[kind], per, rate, lat[kind, rate]))
        result: dict = {"client": client, "counts": c, "queue": {"frames": defaults.ws_queue_frames,
                                                                "bytes": defaults.ws_queue_bytes}, "servers": {}}
        for kind in servers:
            result["servers"][kind] = {"throughput": _summary_throughput(tp[kind]),
                                       "latency": {str(rate): _summary_latency(lat[kind, rate], rate)
                                                   for rate in c["rates"]},
                                       "close_codes": targets[kind].stats.closes}
            s = result["servers"][kind]
            log(f"  {kind:10} {s['throughput']['deliveries_per_s']:8d} deliveries/s  server "
                f"{s['throughput']['server_cpu_us_per_delivery']:.1f} us/delivery  client "
                f"{s['throughput']['client_cpu_us_per_delivery']:.1f} us  frames/read "
                f"{s['throughput']['frames_per_client_read']}  missing {s['throughput']['missing']}  "
                f"closes {s['close_codes']}")
            for rate, q in s["latency"].items():
                log(f"  {kind:10} {rate:>4} msg/s: p50 {q['p50_ms']} ms  p99 {q['p99_ms']} ms  server "
                    f"{q['server_cpu_us_per_delivery']} us/delivery  missing {q['missing']}  "
                    f"late {q['published_late']}")
    result["ratios"] = ratios(result["servers"])
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


async def _close_all(targets) -> None:
    await asyncio.gather(*(t.close() for t in targets))


def ratios(servers: dict) -> dict:
    """Each other server against `bare`: deliveries/s (x/bare; the target is on `real`), and bare/x for server CPU
    per delivery and for latencies (so that, for every ratio, above 1 means x does better)."""
    out: dict = {}
    bare = servers.get("bare")
    if bare is None:
        return out
    for kind, x in servers.items():
        if kind == "bare":
            continue
        out[f"{kind}/bare deliveries/s"] = _ratio(x["throughput"]["deliveries_per_s"],
                                                  bare["throughput"]["deliveries_per_s"])
        out[f"bare/{kind} server cpu per delivery"] = _ratio(bare["throughput"]["server_cpu_us_per_delivery"],
                                                             x["throughput"]["server_cpu_us_per_delivery"])
        for rate, q in x["latency"].items():
            b = bare["latency"].get(rate, {})
            out[f"bare/{kind} server cpu per delivery at {rate}/s"] = _ratio(b.get("server_cpu_us_per_delivery"),
                                                                           q["server_cpu_us_per_delivery"])
            for p in ("p50", "p99"):
                out[f"bare/{kind} latency {p} at {rate}/s"] = _ratio(b.get(f"{p}_ms"), q[f"{p}_ms"])
    return out


def _ratio(a, b) -> float | None:
    return round(a / b, 3) if a and b else None


def failures(result: dict) -> int:
    """Deliveries that never arrived plus connections closed by a server (none is expected)."""
    return sum(s["throughput"]["missing"] + sum(q["missing"] for q in s["latency"].values()) + len(s["close_codes"])
               for s in result.get("servers", {}).values())


# -- profile -------------------------------------------------------------------------------------------------------
COMPONENTS = (  # (label, substring of the file path) for own time by component; the first match wins
    ("impl/ws (hub, connection)", "/impl/ws/"),
    ("uvicorn websockets-sansio protocol", "uvicorn/protocols/websockets"),
    ("uvicorn (other)", "/uvicorn/"),
    ("websockets (frames, protocol)", "/websockets/"),
    ("starlette", "/starlette/"),
    ("impl (other: middleware, app)", "/impl/"),
    ("json", "/json/"),
    ("asyncio", "/asyncio/"),
    ("tools/bench", "/tools/bench/"),
)


def _component(filename: str, function: str) -> str:
    for label, mark in COMPONENTS:
        if mark in filename:
            return label
    if filename == "~":
        if "json" in function or "encode" in function:
            return "json (C)"
        return "builtins (C: transport writes, deque, event, …)"
    return "other"


def profile(kinds: tuple[str, ...] = ("real",), messages: int = 2000, clients: int = 100, top: int = 30,
            timer: str = "cpu", rate: float | None = None, log: Callable[[str], None] = print) -> dict:
    """The throughput phase (or, with `rate`, a latency phase: `messages` at `rate` per second) once per server
    with cProfile on the server's event-loop thread."""
    out = {}
    with contextlib.ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix="cooud-bench-ws-prof-"))
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        runner = stack.enter_context(_event_loop_runner())
        for kind in kinds:
            t = Target(kind, *stack.enter_context(server_process(kind, workdir)))
            runner.run(t.connect(clients, "raw"))
            runner.run(throughput(t, 300, 400, 50, Acc()))
            acc = Acc()
            path = workdir / f"{kind}.prof"
            runner.run(t.command(f"profile on {timer}"))
            if rate:
                runner.run(latency(t, messages, rate, acc))
            else:
                runner.run(throughput(t, messages, 400, 50, acc))
            runner.run(t.command(f"profile off {path}"))
            runner.run(t.close())
            stats = pstats.Stats(str(path))
            deliveries = max(acc.received, 1)
            total = sum(v[2] for v in stats.stats.values())
            by_component: dict[str, float] = {}
            for (filename, _line, function), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
                label = _component(filename, function)
                by_component[label] = by_component.get(label, 0.0) + tt
            log(f"{kind}: {acc.received} deliveries, profiled loop thread {total:.2f} s ({timer}) = "
                f"{total * 1e6 / deliveries:.1f} us per delivery (cProfile inflates small calls; read proportions)")
            log("  own time by component:")
            for label, tt in sorted(by_component.items(), key=lambda kv: -kv[1]):
                log(f"    {label:48} {tt * 1e6 / deliveries:7.2f} us/delivery  {100 * tt / total:5.1f} %")
            rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]
            log(f"  top {top} functions by own time (us per delivery own / cumulative, calls per delivery):")
            for (filename, line, function), (_cc, nc, tt, ct, _callers) in rows:
                where = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
                log(f"    {tt * 1e6 / deliveries:6.2f} {ct * 1e6 / deliveries:7.2f} {nc / deliveries:6.2f}  "
                    f"{function} ({where}:{line})")
            out[kind] = {"deliveries": acc.received, "us_per_delivery": round(total * 1e6 / deliveries, 2),
                         "by_component_us": {k: round(v * 1e6 / deliveries, 2) for k, v in by_component.items()}}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.ws", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    r = sub.add_parser("run", help="the benchmark (default)")
    r.add_argument("--quick", action="store_true")
    r.add_argument("--client", choices=tuple(CLIENTS), default="raw")
    r.add_argument("--servers", default=",".join(SERVERS), help="comma-separated, of real, bare, real-eager")
    p = sub.add_parser("profile", help="cProfile of the server's event loop during one throughput phase")
    p.add_argument("kinds", nargs="*", default=["real"], choices=ALL_SERVERS)
    p.add_argument("--messages", type=int, default=2000)
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--timer", choices=("cpu", "wall"), default="cpu",
                   help="cProfile timer: the loop thread's CPU time (default) or the wall clock")
    p.add_argument("--rate", type=float, help="profile a fixed-rate (latency) phase of --messages at this rate")
    args = parser.parse_args(argv)
    if args.command == "profile":
        profile(tuple(args.kinds), args.messages, top=args.top, timer=args.timer, rate=args.rate)
        return 0
    result = run(getattr(args, "quick", False), getattr(args, "client", "raw"),
                 servers=tuple(getattr(args, "servers", ",".join(SERVERS)).split(",")))
    print(json.dumps(result["ratios"], indent=2))
    return 1 if failures(result) else 0


if __name__ == "__main__":
    sys.exit(main())
