"""Demo liquidity (tools/demo_maker.py) against a real server started with `make run` on a fresh database.

The maker runs as `make demo` runs it (`python -m tools.demo_maker`), with the generated client and the SDK
importable from their source trees — what `make demo`'s editable install provides. Five cycles must leave a
two-sided BTC/USDT book, public trades, a ticker with a last price and 1-minute candles, with no order refused for
breaking a market rule, and a ledger that `cooud ledger check` accepts; a second run on the same database reuses the
accounts. The quote arithmetic is also checked on its own (tick, step, minimum size and notional, no crossing).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impl import demo as seeded
from tests.live import running_server
from tools.demo_maker import Rules, ladder, walk

ROOT = Path(__file__).resolve().parents[2]


def _maker(base: str, database: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "generated" / "client"), str(ROOT / "clients" / "python"), str(ROOT)]))
    return subprocess.run(
        [sys.executable, "-m", "tools.demo_maker", "--url", f"{base}/v1", "--database", str(database), "--no-serve",
         "--interval", "0.5", "--seed", "1", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.live
def test_demo_maker_makes_a_live_market(tmp_path):
    database = tmp_path / "cooud.sqlite3"
    with running_server(database, tmp_path / "server.log") as base:
        run = _maker(base, database, "--iterations", "5")
        assert run.returncode == 0, run.stdout + run.stderr
        lines = run.stdout.splitlines()
        assert len([line for line in lines if line.startswith("cycle")]) == 5, run.stdout
        refused = [line for line in lines if line.startswith("  ")]  # one line per refused request or order
        assert not refused, run.stdout
        assert "BTC/USDT 61500.00" in lines[[i for i, line in enumerate(lines) if line.startswith("cycle")][0]]

        with httpx.Client(base_url=f"{base}/v1", timeout=10) as http:
            book = http.get("/markets/BTC-USDT/orderbook").json()
            assert book["bids"] and book["asks"], book
            assert Decimal(book["bids"][0][0]) < Decimal(book["asks"][0][0])
            trades = http.get("/markets/BTC-USDT/trades").json()["data"]
            assert trades, "no public trades"
            ticker = http.get("/markets/BTC-USDT/ticker").json()
            assert ticker["last"] is not None and Decimal(ticker["volume"]) > 0, ticker
            candles = http.get("/markets/BTC-USDT/candles", params={"interval": "1m"}).json()["data"]
            assert candles and sum(c["trades"] for c in candles) == len(trades), candles
            for symbol in ("ETH-USDT", "SOL-USDT", "ETH-BTC"):
                other = http.get(f"/markets/{symbol}/orderbook").json()
                assert other["bids"] and other["asks"], other

        again = _maker(base, database, "--iterations", "1", "--markets", "BTC/USDT,ETH/USDT", "--cancel-on-exit")
        assert again.returncode == 0, again.stdout + again.stderr
        assert not [line for line in again.stdout.splitlines() if line.startswith("  ")], again.stdout
        with httpx.Client(base_url=f"{base}/v1", timeout=10) as http:
            book = http.get("/markets/BTC-USDT/orderbook").json()
            assert not book["bids"] and not book["asks"], book  # --cancel-on-exit; the taker never rests

        check = subprocess.run([str(Path(sys.executable).parent / "cooud"), "ledger", "check", "--database",
                                str(database)], capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stdout + check.stderr


def _rules(market) -> Rules:
    return Rules(market.symbol, market.base, market.quote, market.tick_size, market.step_size, market.min_size,
                 market.max_size, market.min_notional, -market.tick_size.as_tuple().exponent,
                 -market.step_size.as_tuple().exponent)


@settings(max_examples=200, deadline=None)
@given(market=st.sampled_from(seeded.MARKETS), scale=st.decimals("0.001", "100000", places=3),
       levels=st.integers(1, 10), seed=st.integers(0, 2**32))
def test_ladder_respects_the_market_rules(market, scale, levels, seed):
    rules = _rules(market)
    mid = max(rules.tick * 3, scale * rules.tick * 100)
    quotes = ladder(rules, mid, levels, random.Random(seed))
    assert len(quotes) == 2 * levels
    bids = [p for side, p, _ in quotes if side == "buy"]
    asks = [p for side, p, _ in quotes if side == "sell"]
    assert max(bids) < mid < min(asks)
    assert bids == sorted(bids, reverse=True) and asks == sorted(asks)
    for _, price, size in quotes:
        assert price % rules.tick == 0 and size % rules.step == 0
        assert rules.min_size <= size <= rules.max_size
        assert price * size >= rules.min_notional or size == rules.max_size
        assert Decimal(rules.price_text(price)) == price and Decimal(rules.size_text(size)) == size


def test_seeded_walk_and_ladder_are_reproducible():
    rules = _rules(seeded.MARKETS[0])

    def path(seed: int) -> list:
        rng, mid, out = random.Random(seed), Decimal("61500"), []
        for _ in range(20):
            mid = walk(mid, Decimal("61500"), rng)
            out.append(ladder(rules, mid, 3, rng))
        return out

    assert path(7) == path(7) and path(7) != path(8)
