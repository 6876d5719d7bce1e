"""The signature replay guard shared by every worker of a deployment: one Redis key per accepted signature.

`RedisReplayGuard` implements the port `impl.domain.ports.ReplayGuard` (the in-process default is
`impl.security.signing.MemoryReplayGuard`). Accepting a signed request is one atomic command,
`SET <prefix><key id>:<signature> 1 NX EX <window_s>`: exactly one of any number of workers that receive the same
signed request (concurrently or within the window) sets the key and accepts it; every other gets
`signature_replayed`. Redis expires the key after the window (`window_s`, 61 s: the 2 x 30 s a timestamp is
acceptable plus one), on the Redis server's clock — the workers' clocks only decide the timestamp skew check, so
they need to agree with Redis's within a second or so (NTP).

Fails closed: when Redis cannot be reached or answers with an error (a timeout included, `socket_timeout_s`),
the request is refused with `service_unavailable` (HTTP 503, retryable) instead of being accepted unchecked —
accepting it would let a captured request be replayed on every worker while Redis is down.

Called from the worker thread that authenticates the request (impl/edge/pipeline.py `_admit` and the stream's
`auth` run in `run_blocking`), never on the event loop: the Redis call is a synchronous network round trip.
`prefix` separates deployments (and tests) sharing one Redis (`COOUD_REPLAY_GUARD_PREFIX`, default "cooud:rg:").
"""

from __future__ import annotations

import logging
from typing import Any

from impl.security import AuthError
from impl.security.signing import replayed

log = logging.getLogger("cooud.auth")
WINDOW_S = 61


class RedisReplayGuard:
    def __init__(self, url_or_client: str | Any, prefix: str = "cooud:rg:", window_s: int = WINDOW_S,
                 socket_timeout_s: float = 2.0) -> None:
        import redis  # a runtime dependency, imported only when a Redis guard is configured

        self._errors = redis.exceptions.RedisError
        if isinstance(url_or_client, str):
            self.client = redis.Redis.from_url(url_or_client, socket_timeout=socket_timeout_s,
                                               socket_connect_timeout=socket_timeout_s)
        else:
            self.client = url_or_client
        self.prefix = prefix
        self.window_s = window_s

    def check_and_remember(self, key_id: str, signature: str, now_s: int) -> None:
        """Remember (key_id, signature) for `window_s` seconds of Redis time (`now_s` is not needed: Redis keeps
        the time); AuthError("signature_replayed") if already there, ("service_unavailable") if Redis fails."""
        try:
            fresh = self.client.set(f"{self.prefix}{key_id}:{signature}", b"1", nx=True, ex=self.window_s)
        except self._errors as exc:
            log.error("replay guard: Redis failed (%s); refusing the signed request", exc)
            raise AuthError("service_unavailable",
                            "Signed requests cannot be checked for replay right now; retry shortly.") from None
        if not fresh:
            raise replayed()

    def close(self) -> None:
        self.client.close()
