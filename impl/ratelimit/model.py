"""The rate limiter's vocabulary (`Rule`, `Decision`, `Store`) and its one decision function, `decide`.

`decide` is pure: it takes the stored state of every bucket of one request, the weight and the caller's clock, and
returns the `Decision` and the states to write back. `MemoryStore` calls it under a lock; `RedisStore` runs a Lua
transliteration of it (`impl/ratelimit/redis_store.py`) inside Redis. The two must stay line-for-line equivalent;
`tests/contract/test_ratelimit_redis.py` checks that with a differential property test.

All arithmetic is on Python ints (and on Lua doubles that never exceed 2^53, see `MAX_PRODUCT`); the package
docstring explains the units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

# Every product `x * period_ms` the algorithm forms (limit·period, weight·period, a debt) stays at or below
# 2^46 + 2^46 < 2^53, so the Lua script (whose numbers are IEEE doubles) computes exactly what Python does.
MAX_PRODUCT = 1 << 46


@dataclass(frozen=True)
class Rule:
    """One budget: `limit` weight units per `period_ms`, burst `limit`.

    `cooloff_after` is the rejected weight within one period (counted from the first rejection of the window) whose
    excess trips a cool-off of `cooloff_ms`; `None` means `limit`. `cooloff_ms == 0` disables the cool-off.
    """

    limit: int
    period_ms: int
    cooloff_ms: int = 900_000  # 15 minutes
    cooloff_after: int | None = None  # rejected weight within one period that trips the cool-off; None = limit

    def __post_init__(self) -> None:
        for name in ("limit", "period_ms", "cooloff_ms"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"Rule.{name} must be an int, got {value!r}")
        if self.limit < 1 or self.period_ms < 1:
            raise ValueError(f"Rule needs limit >= 1 and period_ms >= 1, got {self.limit}/{self.period_ms}")
        if self.limit * self.period_ms > MAX_PRODUCT:
            raise ValueError(f"Rule limit*period_ms must be <= 2^46 for exact arithmetic, got {self}")
        if not 0 <= self.cooloff_ms <= MAX_PRODUCT:
            raise ValueError(f"Rule.cooloff_ms must be in [0, 2^46], got {self.cooloff_ms}")
        if self.cooloff_after is not None:
            if not isinstance(self.cooloff_after, int) or isinstance(self.cooloff_after, bool):
                raise TypeError(f"Rule.cooloff_after must be an int or None, got {self.cooloff_after!r}")
            if not 0 <= self.cooloff_after <= MAX_PRODUCT:
                raise ValueError(f"Rule.cooloff_after must be in [0, 2^46], got {self.cooloff_after}")

    @property
    def cooloff_threshold(self) -> int:
        """Rejected weight within one period that may be reached without tripping; one unit more trips."""
        return self.limit if self.cooloff_after is None else self.cooloff_after


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int  # the binding bucket's limit
    remaining: int  # whole weight units still available right after this request (0..limit)
    reset_ms: int  # epoch ms when the binding bucket is full again (remaining == limit)
    retry_after_ms: int  # 0 when allowed; else how long until this request's weight would be allowed
    cooling_off: bool  # rejected because a cool-off is in force (then retry_after_ms = until it ends)
    key: str = ""  # the binding bucket's key, as given to `acquire` (for logs and tests)


class Store(Protocol):
    blocking: bool  # True when `acquire` does I/O (a network round trip): async callers run it off the event loop

    def acquire(self, buckets: Sequence[tuple[str, Rule]], weight: int, now_ms: int) -> Decision: ...


class State(NamedTuple):
    """One bucket's stored state; all fields are ints and all-zero is the same as an absent key.

    `t`, `f`: the theoretical arrival time (TAT) as `t + f/limit` epoch ms (`0 <= f < limit`).
    `ws`, `wr`: the rejection window: its start (epoch ms) and the rejected weight counted in it (0 = no window).
    `cu`: the end of the cool-off (epoch ms; in force while `now < cu`).
    """

    t: int = 0
    f: int = 0
    ws: int = 0
    wr: int = 0
    cu: int = 0


EMPTY = State()

OK, REJECTED, COOLING = 0, 1, 2


def expiry(state: State, rule: Rule) -> int:
    """The epoch ms from which `state` is equivalent to an absent key (full bucket, no window, no cool-off)."""
    return max(
        state.t + (1 if state.f > 0 else 0),
        state.cu,
        state.ws + rule.period_ms if state.wr > 0 else 0,
    )


def check_request(buckets: Sequence[tuple[str, Rule]], weight: int, now_ms: int) -> None:
    """Reject malformed calls (programming errors) before any state is touched."""
    if not buckets:
        raise ValueError("acquire needs at least one bucket")
    if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
        raise ValueError(f"weight must be a non-negative int, got {weight!r}")
    if not isinstance(now_ms, int) or isinstance(now_ms, bool) or not 0 <= now_ms <= MAX_PRODUCT * 64:
        raise ValueError(f"now_ms must be an int epoch in ms, got {now_ms!r}")
    keys = set()
    for key, rule in buckets:
        if weight * rule.period_ms > MAX_PRODUCT:
            raise ValueError(f"weight*period_ms must be <= 2^46, got {weight}*{rule.period_ms}")
        if key in keys:
            raise ValueError(f"bucket key {key!r} given twice")
        keys.add(key)


def decide(
    buckets: Sequence[tuple[str, Rule]], states: Sequence[State], weight: int, now: int
) -> tuple[Decision, list[State | None]]:
    """The whole multi-bucket decision. Returns the Decision and, per bucket, the state to store (None: unchanged).

    Units: a bucket's debt `d` is `max(TAT - now, 0)` in units of 1/limit ms, so one weight unit costs exactly
    `period_ms` (the emission interval T = period_ms/limit ms, scaled by limit) and a full period is
    `period_ms * limit`. `redis_store.LUA` is a transliteration of this function; keep them in step.
    """
    n = len(buckets)
    kinds = [OK] * n
    debts = [0] * n
    retries = [0] * n
    allowed = True
    for i in range(n):
        rule = buckets[i][1]
        limit, period = rule.limit, rule.period_ms
        t, f, _ws, _wr, cu = states[i]
        full = period * limit
        d = 0
        if t >= now:
            d = min((t - now) * limit + f, full)
        if cu > now:
            kinds[i], debts[i], retries[i] = COOLING, d, cu - now
            allowed = False
        else:
            nd = d + weight * period
            if nd <= full:
                debts[i] = nd
            else:
                kinds[i], debts[i], retries[i] = REJECTED, d, -((full - nd) // limit)  # ceil((nd - full) / limit)
                allowed = False

    writes: list[State | None] = [None] * n
    if allowed:
        for i in range(n):
            rule = buckets[i][1]
            _t, _f, ws, wr, _cu = states[i]
            if wr > 0 and now - ws >= rule.period_ms:
                ws, wr = 0, 0
            q, r = divmod(debts[i], rule.limit)
            writes[i] = State(now + q, r, ws, wr, 0)
    else:
        for i in range(n):
            if kinds[i] != REJECTED:
                continue
            rule = buckets[i][1]
            st = states[i]
            ws, wr, cu = st.ws, st.wr, 0
            if rule.cooloff_ms > 0:
                if wr == 0 or now - ws >= rule.period_ms:
                    ws, wr = now, 0
                wr += weight
                if wr > rule.cooloff_threshold:
                    ws, wr, cu = 0, 0, now + rule.cooloff_ms
                    kinds[i], retries[i] = COOLING, rule.cooloff_ms
            writes[i] = State(st.t, st.f, ws, wr, cu)

    # The binding bucket. Allowed: least remaining, ties to the earliest given. Rejected: among the rejecting
    # buckets the longest retry, ties to a cooling-off one, then to the earliest given.
    best = -1
    best_rem = 0
    for i in range(n):
        rule = buckets[i][1]
        if allowed:
            rem = (rule.period_ms * rule.limit - debts[i]) // rule.period_ms
            if best < 0 or rem < best_rem:
                best, best_rem = i, rem
        elif kinds[i] != OK:
            if (
                best < 0
                or retries[i] > retries[best]
                or (retries[i] == retries[best] and kinds[i] == COOLING and kinds[best] != COOLING)
            ):
                best = i
    rule = buckets[best][1]
    limit = rule.limit
    reset = now - (-debts[best] // limit)  # now + ceil(debt / limit)
    if kinds[best] == COOLING:
        remaining = 0
        cool_end = writes[best].cu if writes[best] is not None else states[best].cu
        reset = max(reset, cool_end)
    else:
        remaining = min(max((rule.period_ms * limit - debts[best]) // rule.period_ms, 0), limit)
    return (
        Decision(
            allowed=allowed,
            limit=limit,
            remaining=remaining,
            reset_ms=reset,
            retry_after_ms=retries[best],
            cooling_off=kinds[best] == COOLING,
            key=buckets[best][0],
        ),
        writes,
    )
