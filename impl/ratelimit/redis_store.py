"""The shared store: every bucket is a Redis hash (`t f ws wr cu`, see `model.State`) under `prefix + key`, and one
Lua script makes the whole multi-bucket decision atomically (Redis runs a script to completion before any other
command), so any number of worker processes and threads share one budget per key.

`LUA` is a transliteration of `model.decide`: Lua numbers are doubles, and `model.MAX_PRODUCT` keeps every
intermediate value below 2^53, so both compute the same integers. The script uses the caller's `now_ms` (an
argument), never the Redis clock, so both stores can run on a fake clock; workers' clocks must be synchronised (NTP).
A key is written with `PEXPIRE` until the moment it becomes equivalent to an absent key (full bucket, no
rejection window, no cool-off) plus `ttl_slack_ms` (default 10 s), and deleted at once if that moment has passed on
the caller's clock, so idle buckets cost no memory. The slack is there because Redis expires keys on its own clock:
without it a worker whose clock is behind (or a test's frozen clock) would find a key gone while, by its own `now`,
the bucket still holds debt. Keeping a key longer is harmless: a state in the past is read as a full bucket.

Known limits: all keys of one call must live on one node (Redis Cluster: give them a common hash tag in the prefix);
if Redis is unreachable `acquire` raises the client's `redis.exceptions.RedisError` — failing open or closed is the
caller's policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import Decision, Rule, check_request

LUA = r"""
-- KEYS: the buckets' keys. ARGV: now_ms, weight, ttl_slack_ms,
-- then per bucket: limit, period_ms, cooloff_ms, cooloff_threshold.
-- Returns {allowed, limit, remaining, reset_ms, retry_after_ms, cooling_off, binding index (0-based)}.
local now = tonumber(ARGV[1])
local w = tonumber(ARGV[2])
local slack = tonumber(ARGV[3])
local n = #KEYS

local function divmod(a, b) -- a >= 0, b > 0, a < 2^53: exact floor division with a fix-up for rounding
  local q = math.floor(a / b)
  local r = a - q * b
  if r < 0 then q = q - 1; r = r + b elseif r >= b then q = q + 1; r = r - b end
  return q, r
end
local function ceildiv(a, b)
  local q, r = divmod(a, b)
  if r > 0 then q = q + 1 end
  return q
end
local function int(x) return string.format('%d', x) end

local L, P, CM, CA, T, F, WS, WR, CU = {}, {}, {}, {}, {}, {}, {}, {}, {}
local kind, debt, retry = {}, {}, {}
local allowed = true
for i = 1, n do
  local b = 3 + (i - 1) * 4
  L[i] = tonumber(ARGV[b + 1]); P[i] = tonumber(ARGV[b + 2])
  CM[i] = tonumber(ARGV[b + 3]); CA[i] = tonumber(ARGV[b + 4])
  local h = redis.call('HMGET', KEYS[i], 't', 'f', 'ws', 'wr', 'cu')
  T[i] = tonumber(h[1]) or 0; F[i] = tonumber(h[2]) or 0
  WS[i] = tonumber(h[3]) or 0; WR[i] = tonumber(h[4]) or 0; CU[i] = tonumber(h[5]) or 0
  local full = P[i] * L[i]
  local d = 0
  if T[i] >= now then
    d = (T[i] - now) * L[i] + F[i]
    if d > full then d = full end
  end
  if CU[i] > now then
    kind[i] = 2; debt[i] = d; retry[i] = CU[i] - now
    allowed = false
  else
    local nd = d + w * P[i]
    if nd <= full then
      kind[i] = 0; debt[i] = nd; retry[i] = 0
    else
      kind[i] = 1; debt[i] = d; retry[i] = ceildiv(nd - full, L[i])
      allowed = false
    end
  end
end

local function save(i, t, f, ws, wr, cu)
  local until_ms = t
  if f > 0 then until_ms = t + 1 end
  if cu > until_ms then until_ms = cu end
  if wr > 0 and ws + P[i] > until_ms then until_ms = ws + P[i] end
  if until_ms <= now then
    redis.call('DEL', KEYS[i])
  else
    redis.call('HSET', KEYS[i], 't', int(t), 'f', int(f), 'ws', int(ws), 'wr', int(wr), 'cu', int(cu))
    redis.call('PEXPIRE', KEYS[i], int(until_ms - now + slack))
  end
end

local newcu = {}
if allowed then
  for i = 1, n do
    local ws, wr = WS[i], WR[i]
    if wr > 0 and now - ws >= P[i] then ws = 0; wr = 0 end
    local q, r = divmod(debt[i], L[i])
    save(i, now + q, r, ws, wr, 0)
  end
else
  for i = 1, n do
    if kind[i] == 1 then
      local ws, wr, cu = WS[i], WR[i], 0
      if CM[i] > 0 then
        if wr == 0 or now - ws >= P[i] then ws = now; wr = 0 end
        wr = wr + w
        if wr > CA[i] then
          ws = 0; wr = 0; cu = now + CM[i]
          kind[i] = 2; retry[i] = CM[i]; newcu[i] = cu
        end
      end
      save(i, T[i], F[i], ws, wr, cu)
    end
  end
end

local best = 0
local best_rem = 0
for i = 1, n do
  if allowed then
    local rem = divmod(P[i] * L[i] - debt[i], P[i])
    if best == 0 or rem < best_rem then best = i; best_rem = rem end
  elseif kind[i] ~= 0 then
    if best == 0 or retry[i] > retry[best]
        or (retry[i] == retry[best] and kind[i] == 2 and kind[best] ~= 2) then
      best = i
    end
  end
end
local limit = L[best]
local reset = now + ceildiv(debt[best], limit)
local remaining
if kind[best] == 2 then
  remaining = 0
  local cool_end = newcu[best] or CU[best]
  if cool_end > reset then reset = cool_end end
else
  remaining = divmod(P[best] * limit - debt[best], P[best])
  if remaining < 0 then remaining = 0 end
  if remaining > limit then remaining = limit end
end
local cooling = 0
if kind[best] == 2 then cooling = 1 end
local ok = 0
if allowed then ok = 1 end
return {ok, limit, remaining, reset, retry[best], cooling, best - 1}
"""


class RedisStore:
    """`Store` over Redis. `url_or_client`: a `redis://` URL or a `redis.Redis` client (thread-safe, pooled)."""

    blocking = True  # a synchronous network round trip: async callers run `acquire` off the event loop

    def __init__(self, url_or_client: str | Any, prefix: str = "cooud:rl:", ttl_slack_ms: int = 10_000) -> None:
        if not isinstance(ttl_slack_ms, int) or not 0 <= ttl_slack_ms <= 86_400_000:
            raise ValueError(f"ttl_slack_ms must be an int in [0, 1 day], got {ttl_slack_ms!r}")
        if isinstance(url_or_client, str):
            import redis  # a runtime dependency, imported only when a Redis store is configured

            self.client = redis.Redis.from_url(url_or_client)
        else:
            self.client = url_or_client
        self.prefix = prefix
        self.ttl_slack_ms = ttl_slack_ms
        self._script = self.client.register_script(LUA)  # EVALSHA, falling back to EVAL on NOSCRIPT

    def acquire(self, buckets: Sequence[tuple[str, Rule]], weight: int, now_ms: int) -> Decision:
        check_request(buckets, weight, now_ms)
        keys = [self.prefix + key for key, _rule in buckets]
        args: list[int] = [now_ms, weight, self.ttl_slack_ms]
        for _key, rule in buckets:
            args += (rule.limit, rule.period_ms, rule.cooloff_ms, rule.cooloff_threshold)
        ok, limit, remaining, reset, retry, cooling, best = self._script(keys=keys, args=args)
        return Decision(
            allowed=ok == 1,
            limit=int(limit),
            remaining=int(remaining),
            reset_ms=int(reset),
            retry_after_ms=int(retry),
            cooling_off=cooling == 1,
            key=buckets[int(best)][0],
        )
