"""Benchmark: what the rate limiter costs per request, with and without it, in the same run.

    python -m tools.bench --only limiter [--quick]      (or: python -m tools.bench.limiter)

Method: one process calls the whole ASGI app (impl.app.create_app: every middleware, connexion, the handler)
directly — no sockets, so the numbers are the server's CPU per request — for two requests: an anonymous
`GET /v1/time` (charged before anything else, one bucket) and an authenticated `GET /v1/account` with a bearer
token (charged after authentication, credential + IP buckets). Three limiter variants are built from the same
app code and measured in interleaved rounds (so machine noise hits all alike):
- `off`: the limiter's store replaced by one that admits everything without bookkeeping (the baseline: what a
  request costs without the limiter; the headers are still written);
- `memory`: the in-process GCRA store (the default);
- `redis`: the Redis store on 127.0.0.1:6379 (one round trip per request), when Redis answers.
Budgets are scaled up (`rate_limit_scale`) so that nothing is refused: every request takes the admitting path.
Reported: median µs per request per variant and request, the overhead over `off` in µs and as a ratio, and the
store's own `acquire` cost measured alone. Nothing is asserted.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from impl.app import create_app
from impl.config import Config
from impl.ratelimit import Decision, MemoryStore, RedisStore, Rule

REDIS = "redis://127.0.0.1:6379/0"
EMAIL, PASSWORD = "bench@example.com", "correct horse battery staple"


class AdmitAll:
    """A store that admits everything and keeps nothing: the `off` baseline."""

    blocking = False

    def acquire(self, buckets, weight, now_ms):
        _, rule = buckets[0]
        return Decision(True, rule.limit, rule.limit, now_ms, 0, False)


def _redis_ok() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_timeout=1).ping())
    except Exception:
        return False


async def _call(app, path: str, headers: list[tuple[bytes, bytes]]) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1")] + headers, "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 8080)}
    status = 0

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def _app(variant: str, workdir: Path):
    prefix = f"cooud:bench:{uuid.uuid4().hex}:"
    store = REDIS if variant == "redis" else "memory"
    app = create_app(Config(database=str(workdir / f"{variant}.sqlite3"), log_level="warning", rate_limit_store=store,
                            rate_limit_prefix=prefix, rate_limit_scale=1e4))
    if variant == "off":
        app.services.rate_limiter.store = AdmitAll()
    app.services.identity.create_user(EMAIL, PASSWORD, app.services.now_ms())
    return app, prefix


async def _token(app) -> bytes:
    session = app.services.identity.login(EMAIL, PASSWORD, None, "127.0.0.0/24", app.services.now_ms())
    return f"Bearer {session.access_token}".encode()


async def _measure(apps: dict, requests: int, rounds: int) -> dict:
    tokens = {name: await _token(app) for name, (app, _) in apps.items()}
    samples: dict[str, dict[str, list[float]]] = {name: {"anonymous": [], "authenticated": []} for name in apps}
    for _ in range(rounds):
        for name, (app, _) in apps.items():
            for kind, path, headers in (("anonymous", "/v1/time", []),
                                        ("authenticated", "/v1/account", [(b"authorization", tokens[name])])):
                started = time.perf_counter()
                for _ in range(requests):
                    status = await _call(app, path, headers)
                elapsed = time.perf_counter() - started
                if status != 200:
                    raise RuntimeError(f"{name} {path} answered {status}")
                samples[name][kind].append(elapsed / requests * 1e6)
    return {name: {kind: round(statistics.median(v), 1) for kind, v in kinds.items()}
            for name, kinds in samples.items()}


def _store_cost(store, buckets: int, n: int) -> float:
    rule = Rule(10**9, 60_000)
    keys = [(f"bench:{uuid.uuid4().hex}:{i}", rule) for i in range(buckets)]
    now = int(time.time() * 1000)
    started = time.perf_counter()
    for i in range(n):
        store.acquire(keys, 1, now + i)
    return round((time.perf_counter() - started) / n * 1e6, 1)


def run(quick: bool = False, log=print) -> dict:
    requests, rounds = (200, 3) if quick else (1000, 7)
    variants = ["off", "memory"] + (["redis"] if _redis_ok() else [])
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
        apps = {v: _app(v, Path(tmp)) for v in variants}
        log(f"limiter: {', '.join(variants)} x {rounds} rounds x {requests} requests …")
        per_request = asyncio.run(_measure(apps, requests, rounds))
        if "redis" in apps:
            import redis

            r = redis.Redis.from_url(REDIS)
            for key in r.scan_iter(f"{apps['redis'][1]}*"):
                r.delete(key)
    result: dict = {"variants": variants, "counts": {"requests": requests, "rounds": rounds},
                    "us_per_request": per_request, "overhead_us": {}, "ratios": {}}
    base = per_request["off"]
    for v in variants[1:]:
        for kind in ("anonymous", "authenticated"):
            result["overhead_us"][f"{v} {kind}"] = round(per_request[v][kind] - base[kind], 1)
            result["ratios"][f"{v}/off {kind}"] = round(per_request[v][kind] / base[kind], 3)
    n = 2000 if quick else 20000
    result["store_acquire_us"] = {"memory 1 bucket": _store_cost(MemoryStore(), 1, n),
                                  "memory 2 buckets": _store_cost(MemoryStore(), 2, n)}
    if "redis" in variants:
        store = RedisStore(REDIS, prefix=f"cooud:bench:{uuid.uuid4().hex}:")
        result["store_acquire_us"]["redis 2 buckets"] = _store_cost(store, 2, n // 10)
    return result


def table(result: dict) -> str:
    lines = [f"limiter ({result['counts']['rounds']} rounds x {result['counts']['requests']} requests, in-process "
             "ASGI): us per request"]
    for v, kinds in result["us_per_request"].items():
        lines.append(f"  {v:7} anonymous {kinds['anonymous']:8.1f}   authenticated {kinds['authenticated']:8.1f}")
    lines.append("  overhead over off: " + ", ".join(f"{k} {v:+.1f} us" for k, v in result["overhead_us"].items()))
    lines.append("  ratios: " + ", ".join(f"{k} {v}" for k, v in result["ratios"].items()))
    lines.append("  store acquire alone: " + ", ".join(f"{k} {v} us" for k, v in result["store_acquire_us"].items()))
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(table(run("--quick" in sys.argv)))
