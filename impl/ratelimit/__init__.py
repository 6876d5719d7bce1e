"""Rate limiting core (issue 6): GCRA budgets per bucket, checked and charged atomically across a request's buckets,
with a cool-off for clients that keep pushing while limited. Framework-free: the HTTP middleware maps `Decision`s
to headers and 429s; this package knows nothing of requests.

Interface
    `Rule(limit, period_ms, cooloff_ms=900_000, cooloff_after=None)`: `limit` weight units per `period_ms`.
    `Store.acquire(buckets, weight, now_ms) -> Decision` with `buckets` a sequence of distinct `(key, Rule)` pairs
    (e.g. the request pool's per-credential and per-IP buckets). Stores: `MemoryStore()` (one process) and
    `RedisStore(url_or_client, prefix="cooud:rl:")` (shared by all workers). Both are thread-safe. `Store.blocking`
    says whether `acquire` does I/O (Redis: a network round trip), so that async callers run it off the event loop.

Algorithm: GCRA (the generic cell rate algorithm, a leaky bucket kept as one timestamp per bucket, O(1) per call)
    Emission interval T = period_ms / limit, burst = limit: a full bucket admits `limit` weight at once and then
    refills one unit every T. With TAT the bucket's theoretical arrival time (<= now means full):
        new_tat = max(TAT, now) + weight * T;  allowed  <=>  new_tat - now <= period_ms;  if allowed TAT := new_tat.
        remaining      = floor((period_ms - (max(TAT', now) - now)) / T), clamped to [0, limit]  (TAT' after the call)
        reset_ms       = ceil(max(TAT', now))                                  (the bucket is full again)
        retry_after_ms = ceil(new_tat - period_ms - now)  when rejected       (then new_tat - now' <= period_ms)
    Exact integers, no floats: a bucket's debt max(TAT - now, 0) is kept in units of 1/limit ms, where T is exactly
    `period_ms` units and a whole period `period_ms * limit`; TAT is stored as `t + f/limit` ms (`0 <= f < limit`).
    Every product stays <= 2^46 (`Rule` and `acquire` raise ValueError otherwise), so the Redis Lua script, whose
    numbers are doubles, computes bit-for-bit what Python does. `weight == 0` is a free probe (allowed unless a
    cool-off is in force; it reports the current headroom). `weight > limit` can never be admitted: it is rejected
    with the formula's `retry_after_ms`, i.e. (weight - limit) * T after the bucket would be full (positive, so a
    client obeying it never spins; it still will not pass) and it counts toward the cool-off like any rejection.
    Changing a key's rule keeps its TAT (to within 1 ms); a debt above the new period is clamped to an empty bucket.

Invariants (property-tested in tests/unit/test_ratelimit.py)
    - Admitted weight in any closed interval of length D ms is at most `limit + floor(D * limit / period_ms)`.
    - After an admitted call, `remaining` more weight at the same instant is admitted and `remaining + 1` is not
      (when <= limit); at `reset_ms` the bucket is full; after `retry_after_ms` the same request is admitted
      (weight <= limit, nothing else charged and no cool-off in between).

Atomicity across buckets: the call is admitted only if every bucket admits `weight`; then every bucket is charged.
    If any bucket rejects, none is charged, but the weight counts toward the cool-off of each bucket whose own
    budget rejected it (not of buckets that would have admitted it, nor of those already cooling off). The Decision
    describes the binding bucket: when admitted, the one with the least `remaining` (ties: the earliest in
    `buckets`); when rejected, the rejecting one with the longest `retry_after_ms` (ties: a cooling-off one, then
    the earliest). `Decision.key` names it.

Cool-off: per bucket, rejected weight is summed in a window of one period that opens at the first rejection after the
    previous window ended. When the sum exceeds `cooloff_after` (default `limit`: a client that sent a whole extra
    budget while limited) the bucket is cooling off until now + `cooloff_ms`: every call touching it is rejected
    with `cooling_off=True`, `remaining=0` and `retry_after_ms` = time to the end, charging nothing and not extending
    it. The tripping call itself already gets that Decision. The TAT is left alone, and since it is never more than
    one period ahead, a cool-off of at least one period ends with a full bucket (a shorter one resumes where the
    bucket was: never a refill bonus). `cooloff_ms=0` disables the cool-off. Known limit: a fixed window, so a
    client can split a burst across two windows and send up to about 2 x `cooloff_after` rejected weight in one
    period without tripping; a sustained excess above `cooloff_after` per period always trips within two periods.

Clocks: the caller passes `now_ms` (epoch ms); stores never read a clock, so tests drive both with a fake one and
    `RedisStore` never uses the Redis server's time. Workers sharing Redis need synchronised clocks (NTP): a worker
    whose clock is d ms off sees each bucket as if d ms earlier/later, which shifts the budget it grants by at most
    d ms' worth of refill (d / T units); a debt that looks larger than a period is clamped to an empty bucket.

Memory: a key equivalent to an absent one (TAT, rejection window and cool-off all in the past) is dropped —
    at once when the caller's own write leaves it so, otherwise `ttl_slack_ms` (default 10 s, for clocks that step
    back) after that moment: `MemoryStore` by an O(1) clock sweep plus a `max_keys` LRU cap (see
    `impl/ratelimit/memory.py`), `RedisStore` by `PEXPIRE`. Idle keys therefore cost nothing after period + 10 s.
    Until it is dropped, both stores read a key's stored state (never a fresh one), so a refused request writes
    its TAT back unchanged even when it is already in the past, and a caller whose clock then steps back within
    the slack sees the same debt from either store.

Known limits: keys of one call must be on one Redis node (Cluster: common hash tag); Redis errors propagate (the
    caller decides fail-open or fail-closed); `MemoryStore` budgets are per process.
"""

from .memory import MemoryStore
from .model import MAX_PRODUCT, Decision, Rule, Store
from .redis_store import RedisStore

__all__ = ["MAX_PRODUCT", "Decision", "MemoryStore", "RedisStore", "Rule", "Store"]
