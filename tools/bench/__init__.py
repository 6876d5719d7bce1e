"""Benchmarks: `tools.bench.engine` (the matching engine, in process), `tools.bench.http` (HTTP)
and `tools.bench.ws` (WebSocket fan-out against a bare `websockets` broadcast). They report numbers and
ratios; they never assert absolute times (a benchmark on a shared machine is evidence, not a test)."""
