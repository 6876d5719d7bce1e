"""`python -m tools.bench` (`make bench`): the matching-engine, durable-engine, HTTP and WebSocket fan-out benchmarks
in one run.

Writes `bench/results/<UTC timestamp>.json` and `bench/results/latest.json` (the same document) and prints a short
table. `--quick` is a smaller run (seconds, for a smoke check); the full run stays within a few minutes on two
cores. The HTTP part runs twice: with the databases on tmpfs (the stack's CPU cost; the headline ratios) and on
the disk (fsync-bound, smaller counts). Targets are reported, never asserted: a benchmark on a shared machine is
evidence, not a test.

Targets: engine >= 500 000 operations/s; the durable engine (tools/bench/durable.py: engine + SQLite store, every
acknowledgement after its commit) >= 30 000 orders/s on tmpfs and on disk; HTTP order placement of the real stack
>= 1.0x the FastAPI baseline and >= 0.7x the bare route, per concurrency, on tmpfs; WebSocket deliveries/s to 100
subscribers of the real gateway >= 0.85x a bare `websockets` broadcast (tools/bench/ws.py). The rate limiter's cost
per request is reported against the same app without it (tools/bench/limiter.py); it has no target.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tools.bench import durable, http, limiter, ws

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
ENGINE_TARGET = 500_000
HTTP_TARGET, HTTP_BARE_TARGET = 1.0, 0.7  # issue 12: real/FastAPI >= 1.0 and real/bare >= 0.7, per concurrency
WS_TARGET = ws.TARGET


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model or platform.processor(), "platform": platform.platform(),
            "python": sys.version.split()[0], "implementation": platform.python_implementation(),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}


def _cpu_times() -> list[int] | None:
    """The aggregate `cpu` line of /proc/stat (user nice system idle iowait irq softirq steal …), or None."""
    try:
        return [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None


def cpu_share(before: list[int] | None, after: list[int] | None) -> dict:
    """How the machine's CPU time went during the run: busy (all of it, ours and others'), idle, and steal (taken
    by the hypervisor for other guests — on a shared VM this is what makes runs differ)."""
    if not before or not after or len(before) < 8:
        return {}
    delta = [b - a for a, b in zip(before, after, strict=False)]
    total = sum(delta[:8]) or 1
    return {"busy": round((total - delta[3] - delta[4] - delta[7]) / total, 3), "idle": round(delta[3] / total, 3),
            "steal": round(delta[7] / total, 3)}


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + ("+dirty" if dirty else "") if out.returncode == 0 else None


def run_engine(quick: bool, seed: int | None) -> dict:
    from tools.bench import engine

    return engine.run(operations=20_000 if quick else 200_000, **({} if seed is None else {"seed": seed}))


def run_durable(quick: bool, seed: int | None) -> dict:
    return durable.run(operations=20_000 if quick else 100_000, **({} if seed is None else {"seed": seed}))


def _engine_rate(result: dict) -> float | None:
    """The engine's operations per second, whatever the key is called."""
    for key in ("ops_per_s", "ops_per_sec", "ops_s", "throughput", "operations_per_second"):
        if isinstance(result.get(key), int | float):
            return float(result[key])
    return None


def targets(result: dict) -> dict:
    out = {}
    rate = _engine_rate(result.get("engine") or {})
    if rate is not None:
        out["engine >= 500k ops/s"] = {"value": round(rate), "met": rate >= ENGINE_TARGET}
    for storage in ("tmpfs", "disk"):
        run = (result.get("durable") or {}).get(storage)
        if run:
            out[f"durable engine ({storage}) >= {durable.TARGET} orders/s"] = {
                "value": run["orders_per_sec"], "met": run["orders_per_sec"] >= durable.TARGET}
    ratios = (result.get("http") or {}).get("tmpfs", {}).get("ratios", {})
    for phase in ("c1", "c64"):
        for base, target in (("fastapi", HTTP_TARGET), ("bare", HTTP_BARE_TARGET)):
            ratio = ratios.get(f"real/{base} {phase}")
            if ratio is not None:
                out[f"http real/{base} {phase} >= {target}"] = {"value": ratio, "met": ratio >= target}
    ratio = (result.get("ws") or {}).get("ratios", {}).get("real/bare deliveries/s")
    if ratio is not None:
        out[f"ws real/bare deliveries/s >= {WS_TARGET}"] = {"value": ratio, "met": ratio >= WS_TARGET}
    return out


def table(result: dict) -> str:
    lines = []
    engine = result.get("engine") or {}
    if "error" in engine:
        lines.append(f"engine: {engine['error']}")
    elif engine:
        lat = engine.get("latency_us", {})
        lines.append(f"engine: {engine.get('operations')} operations, {engine.get('ops_per_sec')} ops/s; latency "
                     + ", ".join(f"{k} {v} us" for k, v in lat.items()))
    for storage in ("tmpfs", "disk"):
        run = (result.get("durable") or {}).get(storage)
        if run:
            lines.append(f"durable engine ({storage}): {run['operations']} commands, {run['orders_per_sec']} orders/s, "
                         f"ack p50 {run['ack_latency_ms']['p50']} ms p99 {run['ack_latency_ms']['p99']} ms, "
                         f"{run['batches']} batches of {run['avg_batch']} on average, commits "
                         f"{run['commit_share']:.0%} of the time")
    for storage, run in (result.get("http") or {}).items():
        lines.append(f"http ({storage}, {run['client']} client, {run['counts']['c1']} + {run['counts']['c64']} "
                     f"requests):")
        lines.append(f"  {'server':13} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'fail':>5} "
                     f"{'srv us/req':>10} {'cli us/req':>10}")
        for kind, phases in run["servers"].items():
            for phase, s in phases.items():
                lines.append(f"  {kind:13} {phase[1:]:>5} {s['rps']:8.1f} {s['p50_ms']:8.2f} {s['p99_ms']:8.2f} "
                             f"{s['failures']:5d} {s['server_cpu_us_per_req']:10.0f} "
                             f"{s['client_cpu_us_per_req']:10.0f}")
        lines.append("  ratios: " + ", ".join(f"{k} {v:.2f}" for k, v in run["ratios"].items()))
    if (result.get("ws") or {}).get("error"):
        lines.append(f"ws: {result['ws']['error']}")
    elif result.get("ws"):
        run = result["ws"]
        lines.append(f"ws ({run['counts']['clients']} subscribers, {run['client']} client, queue "
                     f"{run['queue']['frames']} frames):")
        lines.append(f"  {'server':10} {'deliveries/s':>12} {'srv us/dlv':>10} {'cli us/dlv':>10} {'missing':>7}  "
                     "latency p50 / p99 ms (server us/delivery) per rate")
        for kind, s in run["servers"].items():
            t = s["throughput"]
            lat = "  ".join(f"{r}/s: {q['p50_ms']} / {q['p99_ms']} ({q['server_cpu_us_per_delivery']})"
                            for r, q in s["latency"].items())
            lines.append(f"  {kind:10} {t['deliveries_per_s']:12d} {t['server_cpu_us_per_delivery']:10.1f} "
                         f"{t['client_cpu_us_per_delivery']:10.1f} {t['missing']:7d}  {lat}")
        lines.append("  ratios: " + ", ".join(f"{k} {v}" for k, v in run["ratios"].items()))
    if result.get("limiter"):
        lines.append(limiter.table(result["limiter"]))
    for name, t in result.get("targets", {}).items():
        verdict = "met" if t["met"] else "NOT met"
        if "stretch_met" in t:
            verdict += ", stretch " + ("met" if t["stretch_met"] else "not met")
        lines.append(f"target {name}: {t['value']} — {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small run (smoke check)")
    parser.add_argument("--only", choices=("engine", "durable", "http", "ws", "limiter"), help="run one part only")
    parser.add_argument("--no-disk", action="store_true", help="skip the fsync-bound HTTP run on the disk")
    parser.add_argument("--client", choices=tuple(http.CLIENTS), default="raw", help="HTTP load generator")
    parser.add_argument("--servers", default=",".join(http.SERVERS),
                        help=f"HTTP servers, comma-separated, of {', '.join(http.FACTORIES)} (default: %(default)s)")
    parser.add_argument("--seed", type=int, help="workload seed (default: each benchmark's own)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results directory (default bench/results)")
    args = parser.parse_args(argv)

    started, cpu_before = time.perf_counter(), _cpu_times()
    now = datetime.now(UTC)
    result: dict = {"started_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "quick": args.quick, "git": git_commit(),
                    "machine": machine()}
    log = lambda line: print(line, flush=True)  # noqa: E731
    if args.only in (None, "engine"):
        log("engine: running …")
        result["engine"] = run_engine(args.quick, args.seed)
    if args.only in (None, "durable"):
        log("durable engine: running …")
        result["durable"] = run_durable(args.quick, args.seed)
    if args.only in (None, "http"):
        seed = 7 if args.seed is None else args.seed
        servers = tuple(args.servers.split(","))
        result["http"] = {"tmpfs": http.run(args.quick, "tmpfs", args.client, seed, servers, log=log)}
        if not args.no_disk:
            counts = {"warmup": 10, "c1": 50, "c64": 200} if args.quick else None
            result["http"]["disk"] = http.run(args.quick, "disk", args.client, seed, servers, counts, log=log)
    if args.only in (None, "ws"):
        try:
            result["ws"] = ws.run(args.quick, log=log)
        except Exception as exc:  # a benchmark that cannot run is reported, not fatal to the others
            result["ws"] = {"error": f"{type(exc).__name__}: {exc}"}
            log(f"ws: {result['ws']['error']}")
    if args.only in (None, "limiter"):
        result["limiter"] = limiter.run(args.quick, log=log)
    result["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["machine"]["cpu_during_run"] = cpu_share(cpu_before, _cpu_times())
    result["targets"] = targets(result)
    result["seconds"] = round(time.perf_counter() - started, 1)

    args.out.mkdir(parents=True, exist_ok=True)
    document = json.dumps(result, indent=2) + "\n"
    path = args.out / f"{now.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(document)
    (args.out / "latest.json").write_text(document)
    print()
    print(table(result))
    m = result["machine"]
    print(f"machine: {m['cpus']} x {m['cpu_model']}, Python {m['python']}; load average {m['loadavg_at_start'][0]} "
          f"-> {m['loadavg_at_end'][0]}; CPU during the run {m['cpu_during_run']}")
    print(f"\nwritten: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} (and latest.json), "
          f"{result['seconds']} s")
    failures = sum(s["failures"] for run in result.get("http", {}).values() for p in run["servers"].values()
                   for s in p.values())
    ws_result = result.get("ws") or {}
    failures += 1 if "error" in ws_result else ws.failures(ws_result)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
