"""Swagger UI load time (issue 12): how long until `/v1/ui/` is usable in a real headless browser.

`python -m tools.ui_timing` starts the service (`python -m impl.cli serve`, the same command as `cooud serve`) on
127.0.0.1 on a free port with a fresh SQLite database in a temp dir, opens `/v1/ui/` in headless Chromium N times
(default 5), each a *cold* load — a new browser process with a new, empty profile, so nothing is cached — and
reports, per load and as the median:

- **usable**: milliseconds from navigation start (`performance.timeOrigin`) until the first `.opblock` (an
  operation row of Swagger UI's list) is in the DOM with a non-empty layout box, taken in the next animation
  frame, i.e. the frame in which the operations list is painted. A script injected before the page's own
  (`Page.addScriptToEvaluateOnNewDocument`) watches the DOM with a MutationObserver and tells the harness through
  a DevTools binding (`Runtime.addBinding`), so no polling interval is added to the number and nothing talks to
  the page while it loads;
- where the time goes, from the page's Resource and Navigation Timing: **JS** (the last script — Swagger UI's
  bundle, ~1.4 MB — received, `responseEnd`), **DCL** (`DOMContentLoaded`: the scripts parsed and run), **spec**
  (the spec's response, `openapi.json`, received); from there to *usable* is Swagger UI parsing the spec
  (resolving its `$ref`s when the spec keeps them) and rendering;
- **bytes**: bytes transferred over the network (Chromium's `encodedDataLength`: headers plus the body as sent,
  i.e. compressed when the server compressed it), for the whole page once the network has been quiet for 0.5 s,
  and for the spec alone.

The browser is driven over the Chrome DevTools Protocol with the `websockets` package, which the service already
depends on: no browser-automation library is needed, only a Chromium or Chrome binary (`--browser`, else
`$COOUD_BROWSER`, else `chromium`, `chromium-browser`, `google-chrome` or `google-chrome-stable` on PATH). On
Debian/Ubuntu: `apt-get install -y chromium`.

`--server-dir DIR` runs the service from another checkout with the same Python (e.g. an old commit in a second git
worktree, for a before/after comparison); `--url URL` measures an already running server instead of starting one.
The service is stopped at the end (SIGTERM, then SIGKILL of its process group after 10 s); every browser is closed
after its load (Browser.close, SIGTERM, SIGKILL of its process group after 5 s, then its helper processes are
waited for, at most 5 s more, before its profile is removed).

Exit status: 0 when every load rendered the operations list; 1 when a load did not within `--timeout` seconds
(the page never became usable — the failure is printed with the page's console errors); 2 when no browser was
found, the service did not start or the page could not be fetched. Nothing about the timings is asserted: the
numbers are evidence from one machine (shared, noisy), not a test. Known limits: a headless browser on the same
cores as the server; the loopback network has no latency or bandwidth limit, so transfer size shows up only as
parse and render cost.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = ("no Chromium/Chrome found: install one (Debian/Ubuntu: `apt-get install -y chromium`) or pass "
                "--browser /path/to/chrome (or set COOUD_BROWSER)")

# Runs in the page before any of its scripts: records when the first operation row is laid out, in the frame that
# paints it. performance.now() counts from the navigation start of this document.
PROBE = """
(() => {
  const found = () => {
    const el = document.querySelector('.opblock');
    if (!el) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  let armed = false;
  const check = () => {
    if (armed || !found()) return;
    armed = true;
    window.__uiDomMs = performance.now();
    requestAnimationFrame(() => {
      window.__uiUsableMs = performance.now();
      observer.disconnect();
      if (window.__uiUsable) window.__uiUsable(String(window.__uiUsableMs));  // tells the harness (CDP binding)
    });
  };
  const observer = new MutationObserver(check);
  const start = () => { observer.observe(document.documentElement, {childList: true, subtree: true}); check(); };
  if (document.documentElement) start(); else document.addEventListener('readystatechange', start, {once: true});
})();
"""

RESULT_JS = """
(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const spec = resources.filter(r => r.name.includes('openapi.json'))[0];
  const scripts = resources.filter(r => r.initiatorType === 'script' || r.name.endsWith('.js'));
  return JSON.stringify({
    usable: window.__uiUsableMs ?? null, dom: window.__uiDomMs ?? null,
    scripts: scripts.length ? Math.max(...scripts.map(r => r.responseEnd)) : null,
    dcl: nav ? nav.domContentLoadedEventEnd : null, load: nav ? nav.loadEventEnd : null,
    spec: spec ? spec.responseEnd : null, opblocks: document.querySelectorAll('.opblock').length,
  });
})()
"""


def find_browser(explicit: str | None) -> str | None:
    """The browser named by --browser or $COOUD_BROWSER (only that one), else the first of BROWSERS on PATH."""
    named = explicit or os.environ.get("COOUD_BROWSER")
    for candidate in (named,) if named else BROWSERS:
        if path := shutil.which(candidate):
            return path
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- the service


@contextlib.contextmanager
def service(server_dir: Path, python: str, startup_timeout: float):
    """`python -m impl.cli serve` from `server_dir` on a free port with a temp database; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="cooud-ui-timing-") as tmp:
        port = free_port()
        env = {**os.environ, "COOUD_HOST": "127.0.0.1", "COOUD_PORT": str(port),
               "COOUD_DATABASE": str(Path(tmp) / "cooud.sqlite3"), "COOUD_LOG_LEVEL": "warning"}
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen([python, "-m", "impl.cli", "serve"], cwd=server_dir, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + startup_timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the service exited with {proc.returncode}:\n"
                                       + (Path(tmp) / "server.log").read_text(errors="replace")[-3000:])
                try:
                    with urllib.request.urlopen(f"{base}/v1/openapi.json", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the service did not answer within {startup_timeout:.0f} s")
                time.sleep(0.2)
            yield base
        finally:
            stop(proc, 10)
            log.close()


def stop(proc: subprocess.Popen, grace: float) -> None:
    """SIGTERM to the process we started, SIGKILL to its process group after `grace` seconds."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def reap_group(pgid: int, grace: float) -> None:
    """Wait until no process of the group we started (start_new_session) is left; SIGKILL it after `grace`."""
    deadline = time.monotonic() + grace
    while True:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            time.sleep(0.2)
            return
        time.sleep(0.05)


def warm_up(url: str) -> dict[str, int]:
    """One fetch of the page and the spec outside the browser, so that no load pays the server's first-request
    cost; returns the spec's size on the wire with and without gzip, for the report (empty when there is no spec
    beside the page). Raises OSError when the page itself cannot be fetched."""
    with urllib.request.urlopen(url, timeout=30) as r:
        r.read()
    sizes = {}
    for label, headers in (("spec_gzip", {"Accept-Encoding": "gzip"}), ("spec_identity", {})):
        req = urllib.request.Request(url.rsplit("/ui/", 1)[0] + "/openapi.json", headers=headers)
        with contextlib.suppress(OSError), urllib.request.urlopen(req, timeout=30) as r:
            sizes[label] = len(r.read())
    return sizes


# ---------------------------------------------------------------- the browser (Chrome DevTools Protocol)


class CDP:
    """A minimal CDP client over one page's WebSocket: commands await their answer, events are collected."""

    def __init__(self, ws):
        self.ws, self.next_id, self.pending, self.events = ws, 0, {}, []
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        async for raw in self.ws:
            msg = json.loads(raw)
            if "id" in msg:
                fut = self.pending.pop(msg["id"], None)
                if fut and not fut.done():
                    fut.set_result(msg)
            else:
                self.events.append((time.monotonic(), msg["method"], msg.get("params", {})))

    async def send(self, method: str, **params):
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        await self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        msg = await asyncio.wait_for(fut, 30)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return msg.get("result", {})


@dataclass
class Load:
    usable_ms: float | None = None
    dom_ms: float | None = None
    spec_ms: float | None = None
    scripts_ms: float | None = None
    dcl_ms: float | None = None
    load_ms: float | None = None
    opblocks: int = 0
    bytes_total: int = 0
    bytes_spec: int = 0
    requests: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def launch(browser: str, profile: str) -> subprocess.Popen:
    args = [browser, "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={profile}",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
            "--disable-gpu", "--window-size=1280,900", "about:blank"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


async def devtools_page(proc: subprocess.Popen, profile: str, timeout: float = 20) -> str:
    """The WebSocket URL of the browser's first page, once DevToolsActivePort has been written."""
    port_file = Path(profile) / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the browser exited with {proc.returncode}")
        if port_file.exists() and (lines := port_file.read_text().split()):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{lines[0]}/json/list", timeout=2) as r:
                    pages = [t for t in json.load(r) if t.get("type") == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except OSError:
                pass
        await asyncio.sleep(0.05)
    raise RuntimeError("the browser's DevTools endpoint did not come up")


async def one_load(browser: str, url: str, timeout: float) -> Load:
    import websockets

    result = Load()
    with tempfile.TemporaryDirectory(prefix="cooud-ui-profile-", ignore_cleanup_errors=True) as profile:
        proc = launch(browser, profile)
        try:
            ws_url = await devtools_page(proc, profile)
            async with websockets.connect(ws_url, max_size=None, ping_interval=None) as ws:
                cdp = CDP(ws)
                await cdp.send("Network.enable")
                await cdp.send("Network.setCacheDisabled", cacheDisabled=True)
                await cdp.send("Page.enable")
                await cdp.send("Runtime.enable")
                await cdp.send("Runtime.addBinding", name="__uiUsable")
                await cdp.send("Page.addScriptToEvaluateOnNewDocument", source=PROBE)
                await cdp.send("Page.navigate", url=url)
                # the page calls the binding when usable: wait for that event without talking to the page meanwhile
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    if any(m == "Runtime.bindingCalled" for _, m, _ in cdp.events):
                        break
                    await asyncio.sleep(0.05)
                # the rest of the page's traffic (images, fonts): wait for 0.5 s without network events, at most 5 s
                quiet_until = time.monotonic() + 5
                while time.monotonic() < quiet_until:
                    last = max((t for t, m, _ in cdp.events if m.startswith("Network.")), default=0)
                    if time.monotonic() - last > 0.5:
                        break
                    await asyncio.sleep(0.1)
                values = json.loads((await cdp.send("Runtime.evaluate", expression=RESULT_JS,
                                                    returnByValue=True))["result"]["value"])
                result.usable_ms, result.dom_ms, result.spec_ms = values["usable"], values["dom"], values["spec"]
                result.scripts_ms = values["scripts"]
                result.dcl_ms, result.load_ms, result.opblocks = values["dcl"], values["load"], values["opblocks"]
                _account(result, cdp.events)
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(cdp.send("Browser.close"), 5)
                cdp.reader.cancel()
        finally:
            stop(proc, 5)
            reap_group(proc.pid, 5)  # Chromium's helpers outlive the browser process for a moment
    return result


def _account(result: Load, events: list) -> None:
    requests: dict[str, dict] = {}
    for _, method, p in events:
        if method == "Network.requestWillBeSent":
            if p["request"]["url"].startswith("data:"):  # inline images: nothing transferred
                continue
            requests.setdefault(p["requestId"], {"url": p["request"]["url"], "bytes": 0})
        elif method == "Network.responseReceived" and p["requestId"] in requests:
            headers = {k.lower(): v for k, v in p["response"].get("headers", {}).items()}
            requests[p["requestId"]].update(
                status=p["response"]["status"], encoding=headers.get("content-encoding", ""))
        elif method == "Network.loadingFinished" and p["requestId"] in requests:
            requests[p["requestId"]]["bytes"] = int(p["encodedDataLength"])
        elif method == "Network.loadingFailed" and p["requestId"] in requests:
            requests[p["requestId"]]["failed"] = p.get("errorText", "failed")
        elif method == "Runtime.exceptionThrown":
            result.errors.append(p["exceptionDetails"].get("exception", {}).get("description")
                                 or p["exceptionDetails"].get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and p.get("type") == "error":
            result.errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
    result.requests = list(requests.values())
    result.bytes_total = sum(r["bytes"] for r in result.requests)
    result.bytes_spec = sum(r["bytes"] for r in result.requests if "openapi.json" in r["url"])


# ---------------------------------------------------------------- report


def _ms(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


def _median(values: list[float | None]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def report(url: str, loads: list[Load], sizes: dict[str, int]) -> dict:
    print(f"Swagger UI load time: {url} — {len(loads)} cold loads (new browser, empty profile each)")
    print(f"{'load':>4} {'usable ms':>10} {'JS ms':>6} {'DCL ms':>7} {'spec ms':>8} {'opblocks':>8} "
          f"{'bytes':>10} {'spec bytes':>10}")
    for i, ld in enumerate(loads, 1):
        print(f"{i:>4} {_ms(ld.usable_ms):>10} {_ms(ld.scripts_ms):>6} {_ms(ld.dcl_ms):>7} {_ms(ld.spec_ms):>8} "
              f"{ld.opblocks:>8} {ld.bytes_total:>10,} {ld.bytes_spec:>10,}")
    summary = {"url": url, "loads": len(loads),
               "usable_ms_median": _median([ld.usable_ms for ld in loads]),
               "usable_ms_min": min((ld.usable_ms for ld in loads if ld.usable_ms is not None), default=None),
               "usable_ms_max": max((ld.usable_ms for ld in loads if ld.usable_ms is not None), default=None),
               "scripts_ms_median": _median([ld.scripts_ms for ld in loads]),
               "dcl_ms_median": _median([ld.dcl_ms for ld in loads]),
               "spec_ms_median": _median([ld.spec_ms for ld in loads]),
               "bytes_total_median": _median([ld.bytes_total for ld in loads]),
               "bytes_spec_median": _median([ld.bytes_spec for ld in loads]),
               "spec_body_bytes": sizes, "rendered": sum(ld.usable_ms is not None for ld in loads)}
    print(f"median usable {_ms(summary['usable_ms_median'])} ms (min {_ms(summary['usable_ms_min'])}, "
          f"max {_ms(summary['usable_ms_max'])}); scripts received {_ms(summary['scripts_ms_median'])}, "
          f"DOMContentLoaded {_ms(summary['dcl_ms_median'])}, spec received {_ms(summary['spec_ms_median'])} ms; "
          f"{summary['bytes_total_median']:,.0f} bytes transferred, of which the spec "
          f"{summary['bytes_spec_median']:,.0f} (body {sizes.get('spec_gzip', 0):,} gzip / "
          f"{sizes.get('spec_identity', 0):,} identity)")
    first = loads[0] if loads else None
    if first:
        print("requests of load 1:")
        for r in first.requests:
            print(f"  {r.get('status', '—')!s:>4} {r['bytes']:>10,} {r.get('encoding', ''):<5} "
                  f"{r['url']}{'  FAILED ' + r['failed'] if 'failed' in r else ''}")
    return {**summary, "per_load": [{k: v for k, v in vars(ld).items() if k != "requests"} for ld in loads]}


async def measure(browser: str, url: str, runs: int, timeout: float) -> list[Load]:
    loads = []
    for _ in range(runs):
        loads.append(await one_load(browser, url, timeout))
    return loads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ui_timing", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold loads (default 5); the median is reported")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a load may take to render (default 60)")
    parser.add_argument("--browser", help="Chromium/Chrome binary (default: $COOUD_BROWSER, else chromium on PATH)")
    parser.add_argument("--server-dir", type=Path, default=REPO,
                        help="checkout to run the service from (default this one), with this Python")
    parser.add_argument("--python", default=sys.executable, help="Python that runs the service (default this one)")
    parser.add_argument("--url", help="measure this already running Swagger UI (e.g. http://127.0.0.1:8080/v1/ui/) "
                                      "instead of starting the service")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    browser = find_browser(args.browser)
    if browser is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    try:
        import websockets  # noqa: F401 - a dependency of the service; checked here for a clear message
    except ImportError:
        print("the `websockets` package is needed (pip install websockets, or install this project)", file=sys.stderr)
        return 2

    with contextlib.ExitStack() as stack:
        if args.url:
            url = args.url
        else:
            try:
                url = stack.enter_context(service(args.server_dir.resolve(), args.python, 60)) + "/v1/ui/"
            except RuntimeError as exc:
                print(f"could not start the service: {exc}", file=sys.stderr)
                return 2
        try:
            sizes = warm_up(url)
        except OSError as exc:
            print(f"could not fetch {url}: {exc}", file=sys.stderr)
            return 2
        loads = asyncio.run(measure(browser, url, args.runs, args.timeout))
    summary = report(url, loads, sizes)
    summary.update(browser=browser, server_dir=None if args.url else str(args.server_dir.resolve()))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    failed = [i for i, ld in enumerate(loads, 1) if ld.usable_ms is None]
    for i in failed:
        print(f"load {i}: the operations list did not render within {args.timeout:.0f} s; page errors: "
              f"{loads[i - 1].errors or 'none'}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
