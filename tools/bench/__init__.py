"""Benchmarks: `tools.bench.engine` (the matching engine, in process) and the HTTP benchmark. They report numbers and
ratios; they never assert absolute times (a benchmark on a shared machine is evidence, not a test)."""
