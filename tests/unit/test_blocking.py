"""impl/blocking.py `run_blocking`: the work runs in a worker thread while the loop keeps running (proven by order:
the work waits for something only the loop can do), results, exceptions and context variables come through, and
a cancellation that arrives while the work runs waits for it, still hands over its result and is delivered at the
caller's next await."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from impl.blocking import run_blocking

TIMEOUT = 30  # s: only a broken run waits this long
request_id = contextvars.ContextVar("request_id", default=None)


def test_the_loop_runs_while_the_work_blocks():
    async def main():
        loop_ran = threading.Event()

        def work() -> str:
            assert loop_ran.wait(TIMEOUT), "the loop never ran while the work was blocked"
            return threading.current_thread().name

        async def other() -> None:
            loop_ran.set()

        worker_name, _ = await asyncio.gather(run_blocking(work), other())
        assert worker_name != threading.current_thread().name

    asyncio.run(main())


def test_result_exception_arguments_and_context_come_through():
    def work(a, b, *, c):
        if c == "boom":
            raise LookupError(request_id.get())
        return a + b, request_id.get()

    async def main():
        request_id.set("req_1")
        assert await run_blocking(work, 1, 2, c=None) == (3, "req_1")
        with pytest.raises(LookupError, match="req_1"):
            await run_blocking(work, 1, 2, c="boom")

    asyncio.run(main())


def test_a_cancellation_waits_for_the_work_and_is_delivered_at_the_next_await():
    started, finish = threading.Event(), threading.Event()
    log = []

    def work() -> str:
        started.set()
        assert finish.wait(TIMEOUT)
        log.append("work done")
        return "result"

    async def caller() -> None:
        result = await run_blocking(work)
        log.append(f"got {result}")
        try:
            await asyncio.sleep(0)
        except asyncio.CancelledError:
            log.append(f"cancelled at the next await ({asyncio.current_task().cancelling()} requests)")
            raise
        log.append("not cancelled")

    async def main() -> None:
        task = asyncio.create_task(caller())
        while not started.is_set():
            await asyncio.sleep(0)
        task.cancel()
        task.cancel()  # a second request: both are kept (asyncio.timeout and TaskGroup count them)
        await asyncio.sleep(0)
        assert not task.done()  # still waiting for the work
        finish.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()

    asyncio.run(main())
    assert log == ["work done", "got result", "cancelled at the next await (2 requests)"]
