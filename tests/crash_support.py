"""A real server process that a test can SIGKILL: started like tests/live.py (`make run`, 127.0.0.1, a free port,
its own SQLite file), but a handle rather than a context manager, so that a test can kill it in the middle of
its work and start another over the same database. `make` and the server run in their own process group
(`start_new_session`), and `kill()` sends SIGKILL to that whole group: the server gets no chance to flush,
close or finish a request. Bounded: waits at most 60 s to come up; `stop()` is always safe to call.

`CRASH_AT_SCRIPT` is a server (`python -c`) that dies on its own (`os._exit`, as abrupt as SIGKILL: no finally
block, no flush, no answer) at a chosen point of placing the order whose client_order_id is `crash-here`:
`COOUD_CRASH_AT=before_commit` (inside the request, before the command reaches the engine), `engine_before_commit`
(the engine has applied the batch holding that order — and whatever else queued with it — but not committed it)
or `after_commit` (right after the batch was durably committed, before the response and the idempotency record
are written). It makes the window that a random SIGKILL only hits by chance deterministic."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.live import ROOT, free_port


class ServerProcess:
    def __init__(self, database: Path, log_path: Path, extra_env: dict[str, str] | None = None,
                 command: list[str] | None = None) -> None:
        # A store URL (postgresql://…) is kept as written: a Path would fold its '//'.
        self.database = database if "://" in str(database) else Path(database)
        self.log_path, self.extra_env = Path(log_path), extra_env or {}
        self.command = command or ["make", "--no-print-directory", "run"]
        self.proc: subprocess.Popen | None = None
        self.base = ""

    def start(self) -> str:
        port = free_port()
        env = dict(os.environ, COOUD_PORT=str(port), COOUD_DATABASE=str(self.database), COOUD_HOST="127.0.0.1",
                   **self.extra_env)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/v1/time", timeout=1).read()
                return self.base
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"server did not start:\n{self.log_path.read_text()}") from None
                time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the server's process group (a crash: nothing runs after this)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._reap()

    def stop(self) -> None:
        """A clean stop (SIGTERM, then SIGKILL after 15 s)."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reap()

    def _reap(self) -> None:
        if self.proc is not None:
            self.proc.wait(timeout=15)


CRASH_AT_SCRIPT = """
import os
import uvicorn
from impl.app import create_app
from impl.config import Config

config = Config.from_env()
app = create_app(config)
trading, store, point = app.services.trading, app.services.store, os.environ["COOUD_CRASH_AT"]
real_execute, real_write = trading.execute, store.write_trading


def marked(command):
    order = getattr(command, "order", None)
    return getattr(order, "client_order_id", None) == "crash-here"


async def execute(command):
    if not marked(command):
        return await real_execute(command)
    if point == "before_commit":
        os._exit(137)
    await real_execute(command)
    os._exit(137)


def write_trading(batch):
    # The engine has applied the batch (the marked order among others) but nothing of it is committed yet.
    if point == "engine_before_commit" and any(o.client_order_id == "crash-here" for o in batch.orders.values()):
        os._exit(137)
    real_write(batch)


trading.execute = execute
store.write_trading = write_trading
uvicorn.run(app, host=config.host, port=config.port, log_level="warning")
"""
