"""The one way async code runs blocking work — store reads and writes (SQLite under the store lock, fsync at
commit), a Redis round trip, argon2 — without blocking the event loop: `await run_blocking(fn, *args)`.

Where it is used: the middlewares (credential lookups, idempotency reserve/complete/release, the Redis rate-limit
store) and the WebSocket gateway's login. Handlers that do blocking work are plain `def` functions instead:
connexion runs those in a worker thread itself (starlette's `run_in_threadpool`). Pure in-memory work (the
in-process rate-limit store, building a response) stays on the loop: a thread hop (~50–100 µs) costs more.

Semantics: `fn(*args, **kwargs)` runs in the loop's default executor (asyncio's thread pool, the one
`asyncio.to_thread` uses; cheaper per call than anyio's `to_thread` plus the shielding below) with the caller's
context variables, and its result or exception comes back to the caller. Once started it is never abandoned: a
cancellation of the caller that arrives meanwhile waits for `fn` to finish, the caller still gets its result, and
the cancellation is delivered at the caller's next `await` — exactly what happened when such work ran on the
loop, and what keeps e.g. a reserved Idempotency-Key from being left `in_flight` with nobody to release it.

Known limits: the default executor has min(32, CPUs + 4) threads; more concurrent blocking calls queue for one
(SQLite work serialises on the store's lock anyway). A cancelled caller is held up for as long as its work runs.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def run_blocking(fn: Callable[..., T], /, *args, **kwargs) -> T:
    """`fn(*args, **kwargs)` in a worker thread; see the module docstring for cancellation."""
    context = contextvars.copy_context()
    work = asyncio.get_running_loop().run_in_executor(None, functools.partial(context.run, fn, *args, **kwargs))
    cancelled = 0
    try:
        while True:
            try:
                return await asyncio.shield(work)
            except asyncio.CancelledError:
                if work.cancelled():  # the executor was shut down under us: nothing left to wait for
                    raise
                cancelled += 1  # the caller was cancelled, not the work: finish first, deliver it afterwards
                asyncio.current_task().uncancel()
    finally:
        for _ in range(cancelled):  # as many requests as were put off (asyncio.timeout and TaskGroup count them)
            asyncio.current_task().cancel()
