"""`cooud cluster`: engine + standby + API workers on this machine, for anyone to try the scaled deployment.

Starts, as child processes of this one (each in its own process group): two `cooud engine` (the first to take the
database's writer guard is active, the other its standby) and `workers` × `cooud serve` on consecutive ports from
the configured one, all against COOUD_BUS (default nats://127.0.0.1:4222 when the configured bus is the in-process
one) and COOUD_DATABASE (SQLite file or, once the store supports it, a postgresql:// URL). Prints where they listen,
waits, and on Ctrl-C (or SIGTERM, or when any of them exits) stops them all (SIGTERM, then SIGKILL after 10 s).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from impl.bus import is_nats

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_NATS = "nats://127.0.0.1:4222"


def run(config, workers: int) -> int:
    bus = config.bus if is_nats(config.bus) else DEFAULT_NATS
    env = dict(os.environ, COOUD_BUS=bus, COOUD_DATABASE=config.database, COOUD_HOST=config.host,
               PYTHONPATH=str(ROOT))
    procs: list[subprocess.Popen] = []
    stop = {"now": False}
    for sig in (signal.SIGTERM, signal.SIGINT):  # SIGINT too: a shell's background job inherits it ignored
        signal.signal(sig, lambda *_: stop.update(now=True))
    try:
        _migrate(env)
        for name in ("engine", "standby"):
            procs.append(_start(["engine"], env, name))
            time.sleep(0.5)  # the first one started takes the guard: its log says "active"
        urls = []
        for i in range(workers):
            port = config.port + i
            procs.append(_start(["serve"], {**env, "COOUD_PORT": str(port)}, f"worker-{i + 1}"))
            urls.append(f"http://{config.host}:{port}/v1")
        for url in urls:
            _wait_up(url, procs)
        print(f"cooud cluster: engine + standby on {bus} (prefix {config.bus_prefix}), database {config.database}",
              flush=True)
        for i, url in enumerate(urls):
            print(f"cooud cluster: worker {i + 1} on {url}", flush=True)
        print("cooud cluster: Ctrl-C stops everything", flush=True)
        while not stop["now"] and all(p.poll() is None for p in procs):
            time.sleep(0.5)
        return 0 if stop["now"] else 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop_all(procs)


def _migrate(env: dict) -> None:
    subprocess.run([sys.executable, "-m", "impl.cli", "migrate"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def _start(args: list[str], env: dict, name: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "impl.cli", *args], cwd=ROOT, env=env, start_new_session=True)
    print(f"cooud cluster: {name} is pid {proc.pid}", flush=True)
    return proc


def _wait_up(url: str, procs: list[subprocess.Popen], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{url}/time", timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.2)


def _stop_all(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()
