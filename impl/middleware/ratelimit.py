"""Rate limits over HTTP: which budgets a request counts in, when it is charged, and the headers it gets.

Budgets come from the spec (`x-cooud-rate-limits`, through generated/operations.py `RATE_LIMITS`), weights and
pools from each operation's `x-cooud-rate-limit` (the operation table). The arithmetic and the stores are
impl/ratelimit/ (GCRA, in-process or Redis).

Who pays (spec/openapi.yaml, "Rate limits"):
- an authenticated request: its credential's bucket of the operation's pool AND its client IP's bucket of that
  pool, atomically (both pay or neither does);
- an anonymous one — a public operation, a path or method that is no operation, a request without credentials,
  or one whose credentials were rejected — its client IP's single anonymous bucket.

When (so that every request is charged exactly once, and before the work it would buy), by the edge
(impl/edge/pipeline.py):
- `Admission.begin`, right after routing, charges anonymous requests at once; a refusal is answered 429 without
  reading the body;
- a request that presents credentials to an operation that takes them is charged after authentication
  (`Admission.charge`), against the authenticated credential — never against an unverified claim, so nobody can
  spend someone else's budget;
- one that never got there (its credentials were rejected, or an earlier step refused it) is charged to the
  anonymous bucket when it is answered (`Admission.finish`); if that bucket is empty the answer is replaced by
  the 429, so failed credentials cannot be guessed faster than the anonymous budget allows.
Every response then carries X-RateLimit-Limit/-Remaining/-Reset of the binding budget (and Retry-After on 429).

The store is called on the event loop when it is in memory (a dict under a lock: a thread hop would cost more) and
off it (impl/blocking.py) when it says it blocks (`blocking`: the Redis store's network round trip).
"""

from __future__ import annotations

import math

from starlette.types import Scope

from generated.operations import RATE_LIMITS, RateLimits
from impl.blocking import run_blocking
from impl.errors import ApiError
from impl.ratelimit import Decision, MemoryStore, RedisStore, Rule, Store


class RateLimiter:
    """The budgets of one deployment: `scale` multiplies every budget (1 in production; see Config)."""

    def __init__(self, store: Store, now_ms, limits: RateLimits = RATE_LIMITS, scale: float = 1.0) -> None:
        self.store = store
        self.now_ms = now_ms
        window_ms = limits.window_s * 1000
        cooloff_ms = limits.cooloff_s * 1000

        def rule(limit: int) -> Rule:  # within the store's exact-arithmetic range (limit x window <= 2^46)
            return Rule(min(max(1, int(limit * scale)), (1 << 46) // window_ms), window_ms, cooloff_ms)

        self._anonymous = rule(limits.anonymous_per_ip)
        self._credential = {pool: rule(n) for pool, n in limits.per_credential.items()}
        self._ip = {pool: rule(n) for pool, n in limits.per_ip.items()}

    @classmethod
    def from_config(cls, config, now_ms) -> RateLimiter:
        url = config.rate_limit_store
        store = MemoryStore() if url == "memory" else RedisStore(url, prefix=config.rate_limit_prefix)
        return cls(store, now_ms, scale=config.rate_limit_scale)

    async def anonymous(self, ip: str, weight: int) -> Decision:
        return await self._acquire([(f"a:{ip}", self._anonymous)], weight)

    def authenticated(self, credential: str, ip: str, pool: str, weight: int) -> Decision:
        """Charge the credential's and the IP's bucket of `pool` together. Synchronous: the edge calls it from the
        worker thread that authenticated the request, where a blocking store (Redis) may block."""
        return self.store.acquire([(f"c:{credential}:{pool}", self._credential[pool]),
                                   (f"i:{ip}:{pool}", self._ip[pool])], weight, self.now_ms())

    async def _acquire(self, buckets: list[tuple[str, Rule]], weight: int) -> Decision:
        store = self.store  # read per call: a benchmark swaps it
        if getattr(store, "blocking", True):  # a store that does not say is assumed to do I/O
            return await run_blocking(store.acquire, buckets, weight, self.now_ms())
        return store.acquire(buckets, weight, self.now_ms())


class Admission:
    """One request's rate-limit state (see the module docstring for who pays and when)."""

    def __init__(self, limiter: RateLimiter, scope: Scope, op, deferred: bool) -> None:
        self.limiter = limiter
        self.ip = scope.get("cooud.client_ip") or scope.get("cooud.network") or "unknown"
        self.weight = op.rate_limit_weight if op is not None else 1
        self.deferred = deferred  # credentials presented to an operation that takes them: charged after auth
        self.decision: Decision | None = None

    async def begin(self) -> ApiError | None:
        """Charge an anonymous request now; the refusal to raise, if its budget is empty."""
        if not self.deferred:
            self.decision = await self.limiter.anonymous(self.ip, self.weight)
            if not self.decision.allowed:
                return refusal(self.decision)
        return None

    def charge(self, principal, pool: str) -> ApiError | None:
        """Charge an authenticated request to its credential and IP (in the worker thread that authenticated it);
        the refusal to raise, if refused."""
        credential = f"key:{principal.key_id}" if principal.key_id else f"session:{principal.session_id}"
        self.decision = self.limiter.authenticated(credential, self.ip, pool, self.weight)
        return None if self.decision.allowed else refusal(self.decision)

    async def finish(self) -> Decision:
        """The decision the response reports; a request never charged is charged as anonymous now."""
        if self.decision is None:
            self.decision = await self.limiter.anonymous(self.ip, self.weight)
        return self.decision


# The maximum of X-RateLimit-Limit/-Remaining in the spec (and in the released 1.0.0 contract: widening it would
# break clients generated from it). Production budgets are at most a few thousand; only a deployment that scales
# them (COOUD_RATE_LIMIT_SCALE >= 834, tests and benchmarks) goes past it, and reporting the bound is conservative:
# a client pacing itself by these headers then sends less than it may, never more.
HEADER_MAX = 1_000_000


def limit_headers(decision: Decision) -> list[tuple[bytes, bytes]]:
    """X-RateLimit-Limit/-Remaining/-Reset of the binding budget (Limit and Remaining at most HEADER_MAX), and
    Retry-After when refused."""
    out = [(b"x-ratelimit-limit", str(min(decision.limit, HEADER_MAX)).encode()),
           (b"x-ratelimit-remaining", str(min(decision.remaining, HEADER_MAX)).encode()),
           (b"x-ratelimit-reset", str(math.ceil(decision.reset_ms / 1000)).encode())]
    if not decision.allowed:
        out.append((b"retry-after", str(max(1, math.ceil(decision.retry_after_ms / 1000))).encode()))
    return out


def refusal(decision: Decision) -> ApiError:
    """The 429 of a refused decision (its X-RateLimit-* and Retry-After headers are stamped with every answer)."""
    seconds = max(1, math.ceil(decision.retry_after_ms / 1000))
    if decision.cooling_off:
        return ApiError("rate_limit_cooloff", f"Too many requests while rate-limited: this budget is closed for a "
                        f"cool-off; retry in {seconds} s.")
    return ApiError("rate_limited", f"Rate limit exceeded ({decision.limit} per minute for this budget); retry in "
                    f"{seconds} s.")
