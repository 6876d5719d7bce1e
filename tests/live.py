"""Real servers for tests, on 127.0.0.1 and a free port. `running_server`: a process started with the README's
run command (`make run`), with its own SQLite file; waits at most 60 s to come up and is always stopped.
`serving`: an app object served by uvicorn in a daemon thread of the test process (for tests that also reach
into the app's services)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(database: Path, log_path: Path, command: list[str] | None = None, **settings: str):
    """`settings` are extra COOUD_* environment variables (e.g. COOUD_RATE_LIMIT_STORE="redis://..."); `command`
    replaces `make run` (e.g. `python -m impl.cli serve`, the same `cooud serve` from this checkout)."""
    port = free_port()
    env = dict(os.environ, COOUD_PORT=str(port), COOUD_DATABASE=str(database), COOUD_HOST="127.0.0.1", **settings)
    if command is not None:
        env["PYTHONPATH"] = str(ROOT)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(command or ["make", "--no-print-directory", "run"], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/v1/time", timeout=1).read()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"server did not start:\n{log_path.read_text()}") from None
                    time.sleep(0.2)
            yield base
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@contextlib.contextmanager
def serving(app):
    """uvicorn on 127.0.0.1:<free port> in a daemon thread, serving `app`; stopped on exit (bounded)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_level="warning",
                                           proxy_headers=False))  # as `cooud serve`: the app decides
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("in-process server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
