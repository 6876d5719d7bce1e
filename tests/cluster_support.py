"""A scaled deployment on this machine for tests: `cooud engine` processes and `cooud serve` workers over the real NATS
(COOUD_BUS=nats://127.0.0.1:4222 unless COOUD_TEST_NATS says otherwise) on one database (a SQLite file or a fresh
PostgreSQL database), each run with its own subject/stream prefix (so runs never collide); the prefix's JetStream
streams (commands and events) are deleted at the end — an event stream left behind keeps its storage reserved, and a
few dozen exhaust the server's JetStream storage. Processes are real (`python -m impl.cli …` from this checkout,
127.0.0.1 only, own process groups) so a test can SIGKILL or SIGSTOP them; every wait is bounded and everything is
stopped on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlsplit

import httpx
import pytest

from impl.config import Config
from impl.services import build_services
from tests.crash_support import ServerProcess
from tests.live import ROOT, free_port

# `cooud engine` that dies (os._exit: no reply, no ack, nothing flushed) right after the commit of the order whose
# client_order_id is "crash-here": its successor gets that command again and must answer it from the stored result.
CRASH_AFTER_COMMIT_ENGINE = """
import os, sys
from impl.bus import engine_process

answer = engine_process.EngineProcess._answer


async def _answer(self, msg, command, wait):
    if getattr(getattr(command, "order", None), "client_order_id", None) == "crash-here" and \
            not isinstance(wait, bytes):
        await wait  # the batch holding it is committed
        os._exit(137)
    await answer(self, msg, command, wait)


engine_process.EngineProcess._answer = _answer
from impl.cli import main
sys.exit(main(["engine"]))
"""
NATS_URL = os.environ.get("COOUD_TEST_NATS", "nats://127.0.0.1:4222")
PASSWORD = "correct horse battery staple"


def require_nats() -> None:
    """Skip (with the reason) only when this machine's NATS is unreachable."""
    parsed = urlparse(NATS_URL)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 4222), timeout=2).close()
    except OSError as exc:
        pytest.skip(f"NATS is unreachable at {NATS_URL}: {exc}")


def provision(database: str, deposits: dict[str, dict[str, str]]) -> dict[str, str]:
    """Accounts (email -> {asset: amount}) with deposits, written before any engine runs; returns email -> user id.
    The deployment's master key is beside a SQLite file, else `master_key_of(database)`."""
    services = build_services(Config(database=str(database), master_key_file=master_key_of(database)))
    ids = {}
    try:
        for email, amounts in deposits.items():
            user = services.identity.create_user(email, PASSWORD, services.now_ms())
            for asset, amount in amounts.items():
                services.trading.deposit(user.id, asset, amount, f"cluster-test-{email}-{asset}")
            ids[email] = user.id
    finally:
        services.close()
    return ids


def master_key_of(database: str) -> str:
    """One master key per test deployment (for a URL database the default would be the checkout's var/master.key)."""
    if "://" not in database:
        return ""
    return str(Path(tempfile.gettempdir()) / f"cooud-test-{urlsplit(database).path.strip('/')}.key")


@contextlib.contextmanager
def read_store(database):
    """The deployment's store, opened as any process of it would (through the store ports only, not its files)."""
    services = build_services(Config(database=str(database), master_key_file=master_key_of(database)), trading=False)
    try:
        yield services.store
    finally:
        services.close()


def stored_order_ids(database, accounts) -> list[str]:
    """Every order of the accounts in the store (ids, duplicates kept)."""
    with read_store(database) as store:
        return [o.id for account in accounts for o in store.list_orders(account, {}, 1_000_000, None)]


def open_orders_of_store(database) -> dict[str, list]:
    """The store's open orders per market as the engine's `resting` query writes its books."""
    with read_store(database) as store:
        books: dict[str, list] = {}
        for o in store.open_orders():
            books.setdefault(o.symbol, []).append([o.id, o.account, o.side, o.price, o.remaining, o.seq])
        return books


def login(base: str, email: str) -> dict:
    r = httpx.post(f"{base}/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


class EngineProcess:
    """`cooud engine` as a process that a test can kill, stop or continue."""

    def __init__(self, env: dict, log_path: Path, command: list[str] | None = None) -> None:
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(command or [sys.executable, "-m", "impl.cli", "engine"], cwd=ROOT, env=env,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def active(self) -> bool:
        return "cooud engine: active" in self.log_path.read_text()

    def wait_active(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.active:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"engine did not become active:\n{self.log_path.read_text()}")
            time.sleep(0.05)

    def signal(self, sig: int) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)

    def kill(self) -> None:
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGKILL)
        self.proc.wait(timeout=15)

    def stop(self) -> None:
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


class Cluster:
    """Engines and workers of one test: `engine()` / `worker()` start one more; `close()` stops all."""

    def __init__(self, root: Path, database: str, nats_url: str = NATS_URL) -> None:
        self.root = root
        self.nats_url = nats_url
        self.database = database
        self.prefix = f"t{uuid.uuid4().hex[:12]}"
        self.env = dict(os.environ, COOUD_DATABASE=str(self.database), COOUD_HOST="127.0.0.1", COOUD_BUS=nats_url,
                        COOUD_BUS_PREFIX=self.prefix, COOUD_RATE_LIMIT_SCALE="1000", COOUD_LOG_LEVEL="warning",
                        COOUD_MASTER_KEY_FILE=master_key_of(database))
        self.engines: list[EngineProcess] = []
        self.workers: list[ServerProcess] = []

    def engine(self, command: list[str] | None = None) -> EngineProcess:
        engine = EngineProcess(self.env, self.root / f"engine-{len(self.engines) + 1}.log", command)
        self.engines.append(engine)
        return engine

    def worker(self) -> ServerProcess:
        worker = ServerProcess(self.database, self.root / f"worker-{len(self.workers) + 1}.log",
                               extra_env={k: v for k, v in self.env.items()
                                          if k.startswith(("COOUD_BUS", "COOUD_MASTER_KEY_FILE"))} |
                               {"COOUD_RATE_LIMIT_SCALE": "1000"},
                               command=[sys.executable, "-m", "impl.cli", "serve"])
        worker.start()
        self.workers.append(worker)
        return worker

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        for engine in self.engines:
            engine.stop()
        asyncio.run(self._delete_streams())

    def queued_commands(self) -> int:
        """Commands in the group's stream not yet acked by an engine (a published command stays until then)."""
        return asyncio.run(self._js_info(lambda js: js.stream_info(f"{self.prefix}_CMD_main"))).state.messages

    def unacked_commands(self) -> int:
        """Commands delivered to an engine and not acked yet."""
        info = asyncio.run(self._js_info(lambda js: js.consumer_info(f"{self.prefix}_CMD_main",
                                                                     f"{self.prefix}_engine_main")))
        return info.num_ack_pending

    async def _js_info(self, ask):
        import nats

        nc = await nats.connect(self.nats_url, connect_timeout=2, max_reconnect_attempts=1)
        try:
            return await ask(nc.jetstream())
        finally:
            await nc.close()

    async def _delete_streams(self) -> None:
        import nats

        with contextlib.suppress(Exception):
            nc = await nats.connect(self.nats_url, connect_timeout=2, max_reconnect_attempts=1)
            try:
                for stream in (f"{self.prefix}_CMD_main", f"{self.prefix}_EVT_main"):  # commands and events
                    with contextlib.suppress(Exception):
                        await nc.jetstream().delete_stream(stream)
            finally:
                await nc.close()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-4000:]}" for p in sorted(self.root.glob("*.log")))


@contextlib.contextmanager
def new_database(root: Path, kind: str):
    """The database of one test: a SQLite file of its own, or a fresh PostgreSQL database (tests/pg_support.py: it
    skips when the server is unreachable) dropped afterwards."""
    if kind == "sqlite":
        yield str(root / "cooud.sqlite3")
        return
    from tests.pg_support import fresh_database

    with fresh_database() as url:
        try:
            yield url
        finally:
            Path(master_key_of(url)).unlink(missing_ok=True)


@contextlib.contextmanager
def cluster(root: Path, database: str, nats_url: str = NATS_URL):
    c = Cluster(root, database, nats_url)
    try:
        yield c
    finally:
        c.close()


class PrivateNats:
    """A NATS server of the test's own (JetStream on, its store in `store_dir`, 127.0.0.1:<free port>) that a test
    can stop and start again on the same port and store — a NATS restart without touching the machine's NATS."""

    def __init__(self, store_dir: Path, log_path: Path) -> None:
        self.binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
        if not Path(self.binary).exists():
            pytest.skip("nats-server is not installed (needed to restart a NATS of the test's own)")
        self.store_dir, self.log_path = store_dir, log_path
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([self.binary, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd",
                                          str(self.store_dir)], stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nats-server did not start:\n{self.log_path.read_text()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
