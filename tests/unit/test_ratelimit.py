"""The rate limiter's core (impl.ratelimit) on a fake clock: exact GCRA arithmetic, atomic multi-bucket charging,
the cool-off, memory bounds, and property tests against an independent reference model written with Fractions.

The `scenario_*` functions take a store factory and are also run against `RedisStore` by
tests/contract/test_ratelimit_redis.py, so both stores are held to the same numbers.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from impl.ratelimit import Decision, MemoryStore, Rule, Store

NOW0 = 1_800_000_000_000  # a fixed epoch ms (2027), far from 0 so offsets are exercised
MINUTE = 60_000

StoreFactory = Callable[[], Store]


# ---------------------------------------------------------------------------------------------------------------
# The reference model: the documented semantics, written directly with Fractions and absolute times.


@dataclass
class RefBucket:
    tat: Fraction = Fraction(0)  # theoretical arrival time, epoch ms
    ws: int = 0  # rejection window start
    wr: int = 0  # rejected weight in the window
    cu: int = 0  # cool-off end


class Reference:
    def __init__(self) -> None:
        self.buckets: dict[str, RefBucket] = {}

    def acquire(self, buckets: Sequence[tuple[str, Rule]], weight: int, now: int) -> Decision:
        evals = []  # (kind, tat after, retry)
        for key, rule in buckets:
            b = self.buckets.setdefault(key, RefBucket())
            t = Fraction(rule.period_ms, rule.limit)
            tat = min(max(b.tat, Fraction(now)), Fraction(now + rule.period_ms))
            if b.cu > now:
                evals.append(["cool", tat, b.cu - now])
            else:
                new = tat + weight * t
                if new - now <= rule.period_ms:
                    evals.append(["ok", new, 0])
                else:
                    evals.append(["rej", tat, math.ceil(new - rule.period_ms - now)])
        allowed = all(e[0] == "ok" for e in evals)
        for (key, rule), e in zip(buckets, evals, strict=True):
            b = self.buckets[key]
            if allowed:
                b.tat = e[1]
            elif e[0] == "rej" and rule.cooloff_ms > 0:
                if b.wr == 0 or now - b.ws >= rule.period_ms:
                    b.ws, b.wr = now, 0
                b.wr += weight
                limit = rule.limit if rule.cooloff_after is None else rule.cooloff_after
                if b.wr > limit:
                    b.ws, b.wr, b.cu = 0, 0, now + rule.cooloff_ms
                    e[0], e[2] = "cool", rule.cooloff_ms

        def rem(i: int) -> int:
            rule = buckets[i][1]
            left = (rule.period_ms - (evals[i][1] - now)) / Fraction(rule.period_ms, rule.limit)
            return min(max(math.floor(left), 0), rule.limit)

        if allowed:
            best = min(range(len(buckets)), key=lambda i: (rem(i), i))
        else:
            rejecting = [i for i in range(len(buckets)) if evals[i][0] != "ok"]
            best = min(rejecting, key=lambda i: (-evals[i][2], evals[i][0] != "cool", i))
        key, rule = buckets[best]
        kind, tat, retry = evals[best]
        reset = math.ceil(tat)
        if kind == "cool":
            reset = max(reset, self.buckets[key].cu)
        return Decision(
            allowed=allowed,
            limit=rule.limit,
            remaining=0 if kind == "cool" else rem(best),
            reset_ms=reset,
            retry_after_ms=retry,
            cooling_off=kind == "cool",
            key=key,
        )


# ---------------------------------------------------------------------------------------------------------------
# Scenarios shared with the Redis contract tests: each takes a factory of fresh, empty stores.


def scenario_exact_1200_per_minute(make: StoreFactory) -> None:
    store, rule, now = make(), Rule(1200, MINUTE), NOW0  # T = 50 ms
    b = [("cred", rule)]
    for k in range(1, 1201):
        d = store.acquire(b, 1, now)
        assert d == Decision(True, 1200, 1200 - k, now + 50 * k, 0, False, "cred"), k
    d = store.acquire(b, 1, now)
    assert d == Decision(False, 1200, 0, now + MINUTE, 50, False, "cred")
    assert store.acquire(b, 1, now + 49).retry_after_ms == 1  # still one emission interval short
    d = store.acquire(b, 1, now + 50)  # retry_after honoured: exactly one unit has refilled
    assert d == Decision(True, 1200, 0, now + MINUTE + 50, 0, False, "cred")
    assert store.acquire(b, 1, now + 50).retry_after_ms == 50
    # partial refill: 1000 ms later 20 units are back
    d = store.acquire(b, 0, now + 1050)
    assert (d.allowed, d.remaining, d.reset_ms) == (True, 20, now + MINUTE + 50)
    # full recovery one period after the last charge
    d = store.acquire(b, 1, now + 50 + MINUTE)
    assert d == Decision(True, 1200, 1199, now + 50 + MINUTE + 50, 0, False, "cred")


def scenario_weights(make: StoreFactory) -> None:
    store, rule, now = make(), Rule(300, MINUTE), NOW0  # T = 200 ms
    b = [("cred", rule)]
    for k in range(1, 61):
        d = store.acquire(b, 5, now)
        assert (d.allowed, d.remaining, d.reset_ms) == (True, 300 - 5 * k, now + 1000 * k)
    d = store.acquire(b, 5, now)
    assert (d.allowed, d.retry_after_ms, d.remaining) == (False, 1000, 0)
    assert store.acquire(b, 1, now).retry_after_ms == 200
    assert store.acquire(b, 1, now + 200).allowed  # one unit refilled and spent
    d = store.acquire(b, 5, now + 200)
    assert (d.allowed, d.retry_after_ms) == (False, 1000)
    d = store.acquire(b, 5, now + 1100)  # 4.5 units back: remaining reports whole units only
    assert (d.allowed, d.remaining, d.retry_after_ms) == (False, 4, 100)
    d = store.acquire(b, 5, now + 1200)
    assert (d.allowed, d.remaining, d.reset_ms) == (True, 0, now + MINUTE + 1200)


def scenario_fractional_interval(make: StoreFactory) -> None:
    store, rule, now = make(), Rule(7, 1000), NOW0  # T = 142.857... ms: exact, no drift
    b = [("k", rule)]
    d = store.acquire(b, 1, now)
    assert (d.remaining, d.reset_ms) == (6, now + 143)  # ceil(1000/7)
    for _ in range(6):
        d = store.acquire(b, 1, now)
    assert (d.allowed, d.remaining, d.reset_ms) == (True, 0, now + 1000)
    assert store.acquire(b, 1, now).retry_after_ms == 143
    assert store.acquire(b, 1, now + 142).retry_after_ms == 1
    d = store.acquire(b, 0, now + 500)  # debt 500 ms = 3.5 intervals -> 3 whole units
    assert (d.allowed, d.remaining, d.reset_ms) == (True, 3, now + 1000)
    # 1400 single requests at exactly one per interval (rounded up) never drift into a rejection
    t = now + 1000
    for k in range(1400):
        assert store.acquire(b, 7 if k == 0 else 1, t + math.ceil(k * Fraction(1000, 7))).allowed, k


def scenario_multi_bucket_atomic(make: StoreFactory) -> None:
    store, now = make(), NOW0
    cred, ip = ("cred", Rule(10, 1000)), ("ip", Rule(3, 1000))
    for k in range(3):
        d = store.acquire([cred, ip], 1, now)
        assert (d.allowed, d.key, d.remaining, d.limit) == (True, "ip", 2 - k, 3)  # least remaining binds
    d = store.acquire([cred, ip], 1, now)
    assert (d.allowed, d.key, d.limit, d.remaining, d.retry_after_ms) == (False, "ip", 3, 0, 334)
    d = store.acquire([cred], 0, now)  # the credential bucket was charged 3, not 4
    assert (d.allowed, d.remaining) == (True, 7)
    # the credential bucket rejects alone: the IP bucket is not charged either
    for _ in range(7):
        assert store.acquire([cred], 1, now).allowed
    d = store.acquire([cred, ("ip2", Rule(3, 1000))], 1, now)
    assert (d.allowed, d.key, d.retry_after_ms) == (False, "cred", 100)
    assert store.acquire([("ip2", Rule(3, 1000))], 0, now).remaining == 3
    # both reject: the longer retry binds
    d = store.acquire([ip, cred], 1, now + 50)
    assert (d.allowed, d.key, d.retry_after_ms) == (False, "ip", 284)
    # ties when allowed: the earliest given
    d = store.acquire([("x", Rule(5, 1000)), ("y", Rule(5, 1000))], 1, now)
    assert (d.key, d.remaining) == ("x", 4)
    d = store.acquire([("y", Rule(5, 1000)), ("x", Rule(5, 1000))], 1, now)
    assert (d.key, d.remaining) == ("y", 3)


def scenario_cooloff(make: StoreFactory) -> None:
    store, now = make(), NOW0
    rule = Rule(10, 1000, cooloff_ms=MINUTE)  # cooloff_after defaults to the limit, 10
    b = [("cred", rule)]
    for _ in range(10):
        assert store.acquire(b, 1, now).allowed
    for _ in range(10):  # a whole extra budget rejected: at the threshold, not over it
        d = store.acquire(b, 1, now + 1)
        assert not d.allowed and not d.cooling_off
    d = store.acquire(b, 1, now + 2)  # one more unit trips the cool-off; this call already reports it
    assert d == Decision(False, 10, 0, now + 2 + MINUTE, MINUTE, True, "cred")
    d = store.acquire(b, 0, now + 30_002)  # even a free probe; nothing charged, the end does not move
    assert d == Decision(False, 10, 0, now + 2 + MINUTE, 30_000, True, "cred")
    assert store.acquire(b, 1, now + MINUTE + 1).retry_after_ms == 1
    assert store.acquire([("other", rule)], 1, now + 30_000).allowed  # other buckets are unaffected
    d = store.acquire(b, 1, now + 2 + MINUTE)  # over: the bucket starts full
    assert d == Decision(True, 10, 9, now + 2 + MINUTE + 100, 0, False, "cred")
    # cool-off of one bucket rejects a request touching it; its other bucket is neither charged nor counted
    ip = ("ip", Rule(100, 1000))
    for _ in range(9):
        assert store.acquire(b, 1, now + 2 + MINUTE).allowed
    for _ in range(11):
        store.acquire([b[0], ip], 1, now + 2 + MINUTE)
    d = store.acquire([b[0], ip], 1, now + 3 + MINUTE)
    assert (d.allowed, d.cooling_off, d.key, d.retry_after_ms) == (False, True, "cred", MINUTE - 1)
    d = store.acquire([ip], 0, now + 3 + MINUTE)
    assert (d.allowed, d.remaining) == (True, 100)


def scenario_cooloff_window_and_threshold(make: StoreFactory) -> None:
    store, now = make(), NOW0
    rule = Rule(10, 1000, cooloff_ms=5000, cooloff_after=4)
    b = [("k", rule)]
    for _ in range(10):
        store.acquire(b, 1, now)
    d = store.acquire(b, 4, now)  # 4 rejected units: not over the threshold
    assert (d.allowed, d.cooling_off, d.retry_after_ms) == (False, False, 400)
    d = store.acquire(b, 10, now + 999)  # 1 ms short of a full bucket, within the window opened at `now`: trips
    assert (d.cooling_off, d.retry_after_ms, d.reset_ms) == (True, 5000, now + 999 + 5000)
    # rejections in different windows do not add up
    store2 = make()
    for start in (now, now + 1000, now + 2000):
        for _ in range(10):
            assert store2.acquire(b, 1, start).allowed
        d = store2.acquire(b, 4, start)
        assert not d.allowed and not d.cooling_off
    # a window lasts exactly one period: a rejection at its end opens a new one (no admission in between here)
    store6 = make()
    r6 = [("w", Rule(1, 1000, cooloff_ms=5000, cooloff_after=2))]
    assert not store6.acquire(r6, 2, now).cooling_off
    assert not store6.acquire(r6, 2, now + 1000).cooling_off
    assert store6.acquire(r6, 2, now + 1999).cooling_off
    # cooloff_ms=0 disables the cool-off
    store3 = make()
    r0 = [("z", Rule(1, 1000, cooloff_ms=0, cooloff_after=0))]
    store3.acquire(r0, 1, now)
    for _ in range(50):
        assert not store3.acquire(r0, 1, now).cooling_off
    assert store3.acquire(r0, 1, now + 1000).allowed
    # cooloff_after=0: the first rejected unit trips
    store4 = make()
    r1 = [("z", Rule(1, 1000, cooloff_ms=2000, cooloff_after=0))]
    store4.acquire(r1, 1, now)
    assert store4.acquire(r1, 1, now).cooling_off
    # a cool-off shorter than a period resumes the bucket where it was (no refill bonus)
    store5 = make()
    r2 = [("s", Rule(10, 1000, cooloff_ms=100, cooloff_after=0))]
    for _ in range(10):
        store5.acquire(r2, 1, now)
    assert store5.acquire(r2, 1, now).cooling_off
    d = store5.acquire(r2, 0, now + 100)
    assert (d.allowed, d.remaining, d.reset_ms) == (True, 1, now + 1000)


def scenario_weight_edges(make: StoreFactory) -> None:
    store, now = make(), NOW0
    b = [("k", Rule(10, 1000, cooloff_ms=0))]
    d = store.acquire(b, 0, now)  # a probe on a fresh bucket: full, nothing charged
    assert d == Decision(True, 10, 10, now, 0, False, "k")
    d = store.acquire(b, 11, now)  # never admissible: rejected, retry (11-10)*T after full
    assert d == Decision(False, 10, 10, now, 100, False, "k")
    assert store.acquire(b, 11, now + 100_000).retry_after_ms == 100
    assert store.acquire(b, 10, now).allowed
    assert store.acquire(b, 11, now).retry_after_ms == 1100
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError):
            store.acquire(b, bad, now)
    with pytest.raises(ValueError):
        store.acquire([], 1, now)
    with pytest.raises(ValueError):
        store.acquire([("k", Rule(1, 1)), ("k", Rule(2, 1))], 1, now)
    with pytest.raises(ValueError):
        store.acquire([("k", Rule(1, MINUTE))], 2**40, now)


def scenario_clock_skew_is_bounded(make: StoreFactory) -> None:
    store, now = make(), NOW0
    b = [("k", Rule(10, 1000))]
    for _ in range(10):
        store.acquire(b, 1, now)
    d = store.acquire(b, 1, now - 5000)  # a worker 5 s behind sees an empty bucket, not a 6 s debt
    assert (d.allowed, d.remaining, d.retry_after_ms, d.reset_ms) == (False, 0, 100, now - 4000)
    d = store.acquire(b, 1, now + 300)  # a worker 300 ms ahead sees 3 units refilled
    assert (d.allowed, d.remaining) == (True, 2)


def scenario_refusal_keeps_a_just_dead_tat(make: StoreFactory) -> None:
    """A refused request charges nothing, and leaves the TAT alone even at the instant the bucket is full again.

    Found by the differential test: MemoryStore read a key whose state had just become equivalent to an absent one
    (TAT == now) as a fresh bucket, so refusing it wrote TAT 0 back; Redis kept the TAT. A caller whose clock then
    stepped back 1 ms (within the 10 s slack) saw a full bucket in memory and the 1-unit debt in Redis.
    """
    store, now = make(), NOW0
    anon = ("anon", Rule(1, 1, cooloff_ms=50, cooloff_after=3))
    buckets = [("cred", Rule(1, 1, cooloff_ms=0)), ("ip", Rule(1, 1, cooloff_ms=0)), anon]
    assert store.acquire([anon], 1, now) == Decision(True, 1, 0, now + 1, 0, False, "anon")
    # at now + 1 the bucket is full again (TAT == now): weight 2 > limit 1 is refused, nothing is charged
    assert store.acquire([anon], 2, now + 1) == Decision(False, 1, 1, now + 1, 1, False, "anon")
    # 1 ms back: the debt of the first call is still there; `anon` has the least remaining (0) and binds
    assert store.acquire(buckets, 0, now) == Decision(True, 1, 0, now + 1, 0, False, "anon")


SCENARIOS = {name.removeprefix("scenario_"): fn for name, fn in dict(globals()).items() if name.startswith("scenario_")}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_memory(name: str) -> None:
    SCENARIOS[name](MemoryStore)


# ---------------------------------------------------------------------------------------------------------------
# MemoryStore specifics


def test_rule_validation() -> None:
    assert Rule(5, 10).cooloff_threshold == 5 and Rule(5, 10, cooloff_after=7).cooloff_threshold == 7
    for args in ((0, 1000), (1, 0), (2**30, 2**20), (1, 1000, -1), (1, 1000, 10, -1)):
        with pytest.raises(ValueError):
            Rule(*args)
    with pytest.raises(TypeError):
        Rule(1.5, 1000)


def test_memory_drops_idle_buckets() -> None:
    store, now = MemoryStore(), NOW0
    rule = Rule(10, 1000, cooloff_ms=5000, cooloff_after=0)
    for i in range(1000):
        store.acquire([(f"k{i}", rule)], 1, now)
    assert len(store) == 1000
    store.acquire([("k0", rule)], 0, now)  # a probe of an existing key keeps it
    store.acquire([("fresh", rule)], 0, now)  # a probe of an absent key creates nothing
    assert len(store) == 1000
    for _ in range(10):
        store.acquire([("k1", rule)], 1, now)
    assert store.acquire([("k1", rule)], 1, now).cooling_off  # k1 now lives until its cool-off ends
    for i in range(600):  # the sweep inspects two entries per call: 1000 idle keys are gone after ~500 calls
        store.acquire([("hot", rule)], 0, now + 10_100 + i)  # dead for the 10 s slack
    assert len(store) == 1  # k1, cooling off until now + 5000
    store.acquire([("hot", rule)], 0, now + 15_000)
    assert len(store) == 0


def test_memory_cap_evicts_least_recently_used() -> None:
    store, now = MemoryStore(max_keys=3, sweep=0), NOW0
    rule = Rule(1, 1000)
    for key in ("a", "b", "c"):
        store.acquire([(key, rule)], 1, now)
    store.acquire([("a", rule)], 1, now)  # touched: now the most recent
    store.acquire([("d", rule)], 1, now)  # evicts b, the least recently used
    assert len(store) == 3
    assert store.acquire([("b", rule)], 1, now).allowed  # forgotten: starts full (documented fail-open)
    assert not store.acquire([("a", rule)], 1, now).allowed


# ---------------------------------------------------------------------------------------------------------------
# Property tests: the store equals the reference model on every call, and the reference model (hence the store)
# obeys the GCRA invariants.

RULES = st.builds(
    Rule,
    limit=st.sampled_from([1, 3, 7, 10]),
    period_ms=st.sampled_from([1000, 999, 60]),
    cooloff_ms=st.sampled_from([0, 1]),  # scaled below: 0 (off), or 1-3 periods so a cool-off ends full
    cooloff_after=st.sampled_from([None, 0, 2, 5]),
)


def _scaled(rule: Rule, factor: int) -> Rule:
    return Rule(rule.limit, rule.period_ms, rule.cooloff_ms * factor * rule.period_ms, rule.cooloff_after)


ADVANCE = st.one_of(st.just(0), st.integers(0, 60), st.integers(0, 2500))
OPS = st.lists(
    st.tuples(ADVANCE, st.integers(0, 11), st.sampled_from([(0,), (1,), (0, 1), (1, 0)])), min_size=1, max_size=80
)


def _probe(ref: Reference, buckets, weight: int, now: int) -> Decision:
    return copy.deepcopy(ref).acquire(buckets, weight, now)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=st.tuples(RULES, RULES), factors=st.tuples(st.integers(1, 3), st.integers(1, 3)), ops=OPS)
def test_property_gcra(rules, factors, ops) -> None:
    rules = tuple(_scaled(r, f) for r, f in zip(rules, factors, strict=True))
    keys = ("cred", "ip")
    store, ref, now = MemoryStore(), Reference(), NOW0
    admitted: dict[str, list[tuple[int, int]]] = {k: [] for k in keys}
    for advance, weight, which in ops:
        now += advance
        buckets = [(keys[i], rules[i]) for i in which]
        expected = ref.acquire(buckets, weight, now)
        got = store.acquire(buckets, weight, now)
        assert got == expected
        rule = dict(buckets)[got.key]
        assert 0 <= got.remaining <= got.limit and got.reset_ms >= now
        if got.allowed:
            assert got.retry_after_ms == 0 and not got.cooling_off
            for key, _ in buckets:
                admitted[key].append((now, weight))
            # `remaining` is exact: that much more is admitted at once on the binding bucket, one unit more is not
            one = [(got.key, rule)]
            assert _probe(ref, one, got.remaining, now).allowed
            if got.remaining < rule.limit:
                assert not _probe(ref, one, got.remaining + 1, now).allowed
            # `reset_ms` is exact: full then, not full a millisecond earlier
            assert _probe(ref, one, 0, got.reset_ms).remaining == rule.limit
            if got.reset_ms > now:
                assert _probe(ref, one, 0, got.reset_ms - 1).remaining < rule.limit
        else:
            assert got.retry_after_ms > 0
            if weight <= min(r.limit for _, r in buckets):
                # `retry_after_ms` is exact: the same request passes then, and not a millisecond earlier
                assert _probe(ref, buckets, weight, now + got.retry_after_ms).allowed
                assert not _probe(ref, buckets, weight, now + got.retry_after_ms - 1).allowed
    # The GCRA bound: admitted weight in any closed interval of length D is at most limit + floor(D * limit / P).
    for key, rule in zip(keys, rules, strict=True):
        events = admitted[key]
        for i in range(len(events)):
            total = 0
            for j in range(i, len(events)):
                total += events[j][1]
                span = events[j][0] - events[i][0]
                assert total <= rule.limit + span * rule.limit // rule.period_ms, (key, i, j)


@settings(max_examples=50, deadline=None)
@given(limit=st.integers(1, 50), period=st.integers(1, 5000), weights=st.lists(st.integers(1, 5), max_size=200))
def test_property_burst_then_rate(limit, period, weights) -> None:
    """Hammering at one instant admits exactly `limit` units (greedy, in order), whatever the weights."""
    store, now = MemoryStore(), NOW0
    b = [("k", Rule(limit, period, cooloff_ms=0))]
    admitted = 0
    for w in weights:
        d = store.acquire(b, w, now)
        if d.allowed:
            admitted += w
        else:
            assert admitted + w > limit
            assert d.retry_after_ms == -(-(admitted + w - limit) * period // limit)
        assert d.remaining == limit - admitted
