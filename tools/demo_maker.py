"""Demo liquidity: a small market maker and an occasional taker against a local Cooud service.

`python -m tools.demo_maker` (what `make demo` runs):

1. Makes sure a service answers `GET /v1/time` at `--url` (default `http://127.0.0.1:$COOUD_PORT/v1`, port 8080).
   If nothing answers and the URL is on this machine, it starts `cooud serve` in the background on that port and
   database (log: `demo-server.log` beside the database) and stops it again on exit. A service that was already
   running is left alone.
2. Provisions two accounts on the service's database (`--database`, default `$COOUD_DATABASE` or
   `var/cooud.sqlite3`) with the same domain calls the operator CLI makes (`cooud user create`, `cooud deposit`,
   `cooud api-key create`): `demo-maker@example.com` and `demo-taker@example.com`, created only when missing
   (random passwords, never shown), topped up to fixed balances, and given one fresh `read,trade` API key each —
   the keys this tool created on an earlier run (label `demo-maker`) are deleted first, so keys do not pile up.
3. Loops until Ctrl-C, SIGTERM, `--iterations` or `--duration`: for every demo market it cancels the maker's orders
   (`DELETE /v1/orders?symbol=…`) and quotes a ladder of post-only bids and asks (one `POST /v1/orders/batch`)
   around a mid price that random-walks, then with probability `--taker-probability` (always on the first cycle)
   the taker sends a small market order or a crossing IOC limit order, so public trades and candles print.
   One line per cycle: each market's mid and the number of taker orders that traded so far.

Everything on the wire goes through the generated client (`cooud_exchange_client`) with the SDK (`cooud_sdk`)
signing requests; prices and sizes follow each market's tick size, step size, minimum size and minimum notional as
`GET /v1/markets` publishes them, so the service never has to round or reject a quote for its rules.

Invariants: the maker's quotes never cross (best bid < mid < best ask, `post_only`), the taker never rests an order
(market or IOC), and every mutation carries a fresh Idempotency-Key. `--seed` makes the price walk, ladders and
taker decisions reproducible.

Known limits: one demo maker per service — a second one would delete the first one's API keys and cancel its
quotes. Provisioning writes to the database directly, so it must be the database of the service at `--url` (the
tool checks this and stops with a message if the key is refused). The quotes are left resting on exit (the next
run cancels them first) unless `--cancel-on-exit` is given. Needs `cooud_exchange_client` and `cooud_sdk`
installed (`make demo` does it).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKER_EMAIL = "demo-maker@example.com"
TAKER_EMAIL = "demo-taker@example.com"
KEY_LABEL = "demo-maker"
DEFAULT_MARKETS = ("BTC/USDT", "ETH/USDT", "SOL/USDT", "ETH/BTC")
# Where a market's mid starts when it has no last price yet (or an implausible one, > 10x away).
DEFAULT_MIDS = {"BTC/USDT": Decimal("61500"), "ETH/USDT": Decimal("3000"), "SOL/USDT": Decimal("150"),
                "ETH/BTC": Decimal("0.0488")}
# Balances each demo account is topped up to, per asset (an asset not listed here: FALLBACK_TARGET).
DEPOSIT_TARGETS = {"USDT": Decimal("2000000"), "BTC": Decimal("30"), "ETH": Decimal("600"), "SOL": Decimal("10000")}
FALLBACK_TARGET = Decimal("100000")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_CONSECUTIVE_FAILURES = 5


# -- trading rules and quote arithmetic (pure) ---------------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    symbol: str
    base: str
    quote: str
    tick: Decimal
    step: Decimal
    min_size: Decimal
    max_size: Decimal
    min_notional: Decimal
    price_precision: int
    size_precision: int

    @property
    def path_symbol(self) -> str:
        return self.symbol.replace("/", "-")

    @classmethod
    def of(cls, market) -> Rules:
        """From the generated client's `Market` (decimal strings on the wire)."""
        return cls(market.symbol, market.base, market.quote, Decimal(market.tick_size), Decimal(market.step_size),
                   Decimal(market.min_size), Decimal(market.max_size), Decimal(market.min_notional),
                   market.price_precision, market.size_precision)

    def floor_price(self, value: Decimal) -> Decimal:
        return max(self.tick, (value / self.tick).to_integral_value(ROUND_FLOOR) * self.tick)

    def ceil_price(self, value: Decimal) -> Decimal:
        return max(self.tick, (value / self.tick).to_integral_value(ROUND_CEILING) * self.tick)

    def size_for(self, notional: Decimal, price: Decimal) -> Decimal:
        """The smallest size on the step grid worth at least `notional` at `price`, within the size limits."""
        size = (notional / price / self.step).to_integral_value(ROUND_CEILING) * self.step
        size = max(size, self.min_size)
        if size * price < self.min_notional:
            size = (self.min_notional / price / self.step).to_integral_value(ROUND_CEILING) * self.step
        return min(size, self.max_size)

    def price_text(self, value: Decimal) -> str:
        return f"{value:.{self.price_precision}f}"

    def size_text(self, value: Decimal) -> str:
        return f"{value:.{self.size_precision}f}"


def ladder(rules: Rules, mid: Decimal, levels: int, rng: random.Random,
           spread_bps: Decimal = Decimal(5)) -> list[tuple[str, Decimal, Decimal]]:
    """`levels` bids and `levels` asks around `mid`: (side, price, size), best first on each side. The gap from mid
    to the best quote and between levels is `spread_bps` of mid but at least one tick; bids round down and asks up
    to the tick, so best bid < mid < best ask. Each level is worth 20–60 × the minimum notional, deeper ones more."""
    gap = max(rules.tick, mid * spread_bps / 10_000)
    quotes: list[tuple[str, Decimal, Decimal]] = []
    for i in range(levels):
        depth = 1 + Decimal(i) / 2
        for side, price in (("buy", rules.floor_price(mid - gap * (i + 1))),
                            ("sell", rules.ceil_price(mid + gap * (i + 1)))):
            notional = rules.min_notional * Decimal(rng.randint(20, 60)) * depth
            quotes.append((side, price, rules.size_for(notional, price)))
    return quotes


def walk(mid: Decimal, anchor: Decimal, rng: random.Random, volatility: float = 0.0015) -> Decimal:
    """One step of a geometric random walk with a weak pull back to `anchor` (so hours of demo stay plausible)."""
    drift = -0.002 * math.log(float(mid / anchor))
    return mid * Decimal(str(math.exp(drift + rng.gauss(0.0, volatility))))


# -- the service: find it, or start one ----------------------------------------------------------------------------

def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/time", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def start_server(url: str, database: str, log_path: Path, timeout: float = 60.0) -> subprocess.Popen:
    """`cooud serve` on the port of `url` (127.0.0.1) over `database`, in its own session (so Ctrl-C reaches only
    this tool, which then stops it); waits until it answers `GET /v1/time`."""
    port = urllib.parse.urlsplit(url).port or 80
    env = dict(os.environ, COOUD_HOST="127.0.0.1", COOUD_PORT=str(port), COOUD_DATABASE=database)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "impl.cli", "serve"], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    while not _answers(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_server(proc)
            tail = log_path.read_text(errors="replace")[-2000:]
            raise SystemExit(f"demo: the service did not start on port {port}; its log ({log_path}):\n{tail}")
        time.sleep(0.2)
    return proc


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- accounts, funds and keys (the operator CLI's domain calls, on the service's database) -------------------------

def _now() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class Credentials:
    email: str
    key_id: str
    secret: str


def provision(database: str, assets: set[str]) -> dict[str, Credentials]:
    """Create the two demo accounts when missing, top their `assets` up to DEPOSIT_TARGETS and give each one fresh
    read+trade API key (deleting the keys an earlier run created). Idempotent apart from the new key."""
    from impl.config import Config
    from impl.services import build_services

    config = Config.from_env(database=database)
    svc = build_services(config, trading=False)  # deposits go through the engine (impl/operator.py)
    try:
        out = {}
        for email in (MAKER_EMAIL, TAKER_EMAIL):
            user = svc.store.user_by("email", email)
            if user is None:
                user = svc.identity.create_user(email, secrets.token_urlsafe(24), _now())
            if user.invite_status == "required":  # COOUD_INVITE_GATING=true: trading needs a redeemed invite
                svc.identity.redeem_invite(user.id, svc.identity.create_invite(_now()), _now())
            _top_up(config, svc.store, user.id, assets)
            for key in svc.store.api_keys(user.id, 1000, None):
                if key.label == KEY_LABEL:
                    svc.identity.delete_api_key(user.id, key.id)
            key, secret = svc.identity.create_api_key(user.id, KEY_LABEL, ["read", "trade"], [], 7, _now())
            out[email] = Credentials(email, key.id, secret)
        return out
    finally:
        svc.store.close()


def top_up(database: str, assets: set[str]) -> None:
    """Bring both demo accounts back to their target balances (after an `insufficient_balance`)."""
    from impl.config import Config
    from impl.services import build_services

    config = Config.from_env(database=database)
    svc = build_services(config, trading=False)
    try:
        for email in (MAKER_EMAIL, TAKER_EMAIL):
            user = svc.store.user_by("email", email)
            if user is not None:
                _top_up(config, svc.store, user.id, assets)
    finally:
        svc.store.close()


def _top_up(config, store, user_id: str, assets: set[str]) -> None:
    """Deposits through the engine that owns the database: the running service's, through its operator inbox."""
    from impl import operator
    from impl.domain.units import to_string, to_units

    held = {asset: free + locked for asset, (free, locked) in store.balances_of(user_id).items()}
    precisions = store.list_assets()
    for asset in sorted(assets):
        precision = precisions[asset]
        missing = to_units(DEPOSIT_TARGETS.get(asset, FALLBACK_TARGET), precision) - held.get(asset, 0)
        if missing > 0:
            operator.deposit(config, user_id, asset, to_string(missing, precision), f"demo-maker-{_now()}")


# -- the loop ------------------------------------------------------------------------------------------------------

class Demo:
    def __init__(self, maker, taker, markets: list[Rules], mids: dict[str, Decimal], args: argparse.Namespace,
                 rng: random.Random, out=print) -> None:
        self.maker, self.taker = maker, taker
        self.markets, self.mids, self.anchors = markets, dict(mids), dict(mids)
        self.args, self.rng, self.out = args, rng, out
        self.trades = 0
        self.needs_funds = False

    def _check(self, response, status: int, what: str):
        if response.status_code == status:
            return response.parsed
        parsed = response.parsed
        error = getattr(parsed, "error", None)
        code = error.code if error is not None else f"HTTP {int(response.status_code)}"
        if code == "insufficient_balance":
            self.needs_funds = True
        self.out(f"  {what}: {code}{': ' + error.message if error is not None else ''}")
        return None

    def quote(self, rules: Rules) -> tuple[Decimal | None, Decimal | None]:
        """Cancel the maker's orders in `rules.symbol` and place a fresh ladder; returns (best bid, best ask)."""
        from cooud_exchange_client.api.orders import cancel_all_orders, place_order_batch
        from cooud_exchange_client.models import BatchPlaceRequest, OrderRequest, OrderType, Side, TimeInForce

        self._check(cancel_all_orders.sync_detailed(client=self.maker.client, symbol=rules.path_symbol,
                                                    idempotency_key=str(uuid.uuid4())), 200, "cancel all")
        quotes = ladder(rules, self.mids[rules.symbol], self.args.levels, self.rng)
        body = BatchPlaceRequest(orders=[
            OrderRequest(symbol=rules.symbol, side=Side(side), type_=OrderType.LIMIT, price=rules.price_text(price),
                         size=rules.size_text(size), tif=TimeInForce.GTC, post_only=True)
            for side, price, size in quotes])
        result = self._check(place_order_batch.sync_detailed(client=self.maker.client, body=body,
                                                             idempotency_key=str(uuid.uuid4())), 200, "quote")
        best = {"buy": None, "sell": None}
        for (side, price, _), item in zip(quotes, result.data if result else [], strict=False):
            if item.status == 201 and best[side] is None:
                best[side] = price
            elif item.status != 201:
                code = item.error.code if item.error else item.status
                if code == "insufficient_balance":
                    self.needs_funds = True
                self.out(f"  quote {rules.symbol} {side} {rules.price_text(price)}: {code}")
        return best["buy"], best["sell"]

    def take(self, rules: Rules, bid: Decimal | None, ask: Decimal | None) -> None:
        """One small taker order: a market order, or an IOC limit order priced through the maker's best quote."""
        from cooud_exchange_client.api.orders import place_order
        from cooud_exchange_client.models import Order, OrderRequest, OrderType, Side, TimeInForce

        side = self.rng.choice(("buy", "sell"))
        mid = self.mids[rules.symbol]
        size = rules.size_for(rules.min_notional * Decimal(self.rng.randint(2, 12)), mid)
        through = ask if side == "buy" else bid
        if self.rng.random() < 0.5 or through is None:
            body = OrderRequest(symbol=rules.symbol, side=Side(side), type_=OrderType.MARKET,
                                size=rules.size_text(size))
        else:
            slip = Decimal(1) + Decimal(self.rng.randint(0, 10)) / 10_000
            price = rules.ceil_price(through * slip) if side == "buy" else rules.floor_price(through / slip)
            size = rules.size_for(size * mid, price)
            body = OrderRequest(symbol=rules.symbol, side=Side(side), type_=OrderType.LIMIT,
                                price=rules.price_text(price), size=rules.size_text(size), tif=TimeInForce.IOC)
        order = self._check(place_order.sync_detailed(client=self.taker.client, body=body,
                                                      idempotency_key=str(uuid.uuid4())), 201, f"take {rules.symbol}")
        if isinstance(order, Order) and Decimal(order.filled) > 0:
            self.trades += 1

    def cycle(self, n: int) -> None:
        for rules in self.markets:
            if n > 1:
                self.mids[rules.symbol] = walk(self.mids[rules.symbol], self.anchors[rules.symbol], self.rng)
            bid, ask = self.quote(rules)
            if n == 1 or self.rng.random() < self.args.taker_probability:
                self.take(rules, bid, ask)
        mids = "  ".join(f"{r.symbol} {r.price_text(self.mids[r.symbol])}" for r in self.markets)
        self.out(f"cycle {n:>4}  {mids}  trades {self.trades}")

    def cancel_all(self) -> None:
        from cooud_exchange_client.api.orders import cancel_all_orders

        for rules in self.markets:
            self._check(cancel_all_orders.sync_detailed(client=self.maker.client, symbol=rules.path_symbol,
                                                        idempotency_key=str(uuid.uuid4())), 200, "cancel all")


def starting_mids(public, markets: list[Rules]) -> dict[str, Decimal]:
    """The last traded price where there is a plausible one (so a restart continues), else DEFAULT_MIDS."""
    from cooud_exchange_client.api.markets import get_ticker
    from cooud_exchange_client.models import Ticker

    mids = {}
    for rules in markets:
        ticker = get_ticker.sync(rules.path_symbol, client=public)
        last = Decimal(ticker.last) if isinstance(ticker, Ticker) and ticker.last else None
        default = DEFAULT_MIDS.get(rules.symbol)
        if last and (default is None or default / 10 < last < default * 10):
            mids[rules.symbol] = last
        elif default is not None:
            mids[rules.symbol] = default
        else:
            raise SystemExit(f"demo: {rules.symbol} has no last price and no default mid; leave it out of --markets")
    return mids


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    port = os.environ.get("COOUD_PORT") or "8080"
    p = argparse.ArgumentParser(prog="python -m tools.demo_maker", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default=f"http://127.0.0.1:{port}/v1",
                   help="the service's base URL (default http://127.0.0.1:$COOUD_PORT/v1, port 8080)")
    p.add_argument("--database", default=None,
                   help="the service's SQLite file or postgresql:// URL (default $COOUD_DATABASE or var/cooud.sqlite3)")
    p.add_argument("--markets", default=",".join(DEFAULT_MARKETS), help="comma-separated symbols (BTC/USDT,...)")
    p.add_argument("--levels", type=int, default=3, help="quotes per side and market (1-10)")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between cycles")
    p.add_argument("--taker-probability", type=float, default=0.5, help="chance of a taker order per market+cycle")
    p.add_argument("--iterations", type=int, default=None, help="stop after this many cycles")
    p.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    p.add_argument("--seed", type=int, default=None, help="seed of the price walk and the taker (reproducible)")
    p.add_argument("--no-serve", action="store_true", help="never start a service; fail if none answers")
    p.add_argument("--cancel-on-exit", action="store_true", help="cancel the maker's quotes when stopping")
    args = p.parse_args(argv)
    if not 1 <= args.levels <= 10:
        p.error("--levels must be between 1 and 10 (a ladder is one batch of at most 20 orders)")
    args.url = args.url.rstrip("/")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from impl.config import Config
    from impl.store import is_postgres_url

    database = args.database or Config.from_env().database
    url = is_postgres_url(database)
    database = database if url else str(Path(database).resolve())
    try:
        from cooud_exchange_client import Client
        from cooud_exchange_client.api.account import get_account
        from cooud_exchange_client.api.markets import list_markets
        from cooud_exchange_client.models import MarketList
        from cooud_sdk import CooudClient
    except ImportError as exc:
        print(f"demo: {exc.name} is not installed; run `make demo` (it installs generated/client and clients/python)",
              file=sys.stderr)
        return 1

    stop = threading.Event()

    def on_signal(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt  # a second Ctrl-C: stop now
        print("demo: stopping after this cycle (Ctrl-C again to stop at once)", flush=True)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = None
    try:
        if not _answers(args.url):
            host = urllib.parse.urlsplit(args.url).hostname
            if args.no_serve or host not in LOOPBACK:
                print(f"demo: nothing answers {args.url}/time; start the service (`make run`)", file=sys.stderr)
                return 1
            log_path = (ROOT / "var" if url else Path(database).parent) / "demo-server.log"
            print(f"demo: starting the service on {args.url} (database {Config(database=database).database_shown},"
                  f" log {log_path})", flush=True)
            server = start_server(args.url, database, log_path)
        elif not url and not Path(database).exists():
            print(f"demo: {args.url} is up but {database} does not exist; pass the service's --database",
                  file=sys.stderr)
            return 1

        public = Client(base_url=args.url)
        listed = list_markets.sync(client=public)
        if not isinstance(listed, MarketList):
            print(f"demo: GET {args.url}/markets failed: {listed}", file=sys.stderr)
            return 1
        by_symbol = {m.symbol: m for m in listed.data}
        wanted = [s.strip() for s in args.markets.split(",") if s.strip()]
        missing = [s for s in wanted if s not in by_symbol or by_symbol[s].status.value != "trading"]
        if missing:
            print(f"demo: not trading on this service: {', '.join(missing)}", file=sys.stderr)
            return 1
        markets = [Rules.of(by_symbol[s]) for s in wanted]
        assets = {a for r in markets for a in (r.base, r.quote)}

        creds = provision(database, assets)
        maker = CooudClient.with_api_key(args.url, creds[MAKER_EMAIL].key_id, creds[MAKER_EMAIL].secret)
        taker = CooudClient.with_api_key(args.url, creds[TAKER_EMAIL].key_id, creds[TAKER_EMAIL].secret)
        with maker, taker:
            if get_account.sync_detailed(client=maker.client).status_code != 200:
                print(f"demo: {args.url} refused the demo key made in {database}: is that the service's database? "
                      "(pass --database)", file=sys.stderr)
                return 1
            rng = random.Random(args.seed)
            demo = Demo(maker, taker, markets, starting_mids(public, markets), args, rng,
                        out=lambda line: print(line, flush=True))
            print(f"demo: maker {MAKER_EMAIL} and taker {TAKER_EMAIL} on {', '.join(wanted)}; Ctrl-C stops",
                  flush=True)
            return run(demo, args, stop, database, assets)
    finally:
        if server is not None:
            print("demo: stopping the service it started", flush=True)
            stop_server(server)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run(demo: Demo, args: argparse.Namespace, stop: threading.Event, database: str, assets: set[str]) -> int:
    import httpx

    started, n, failures = time.monotonic(), 0, 0
    try:
        while not stop.is_set():
            n += 1
            began = time.monotonic()
            try:
                demo.cycle(n)
                failures = 0
            except httpx.HTTPError as exc:
                failures += 1
                print(f"cycle {n:>4}  service unreachable ({type(exc).__name__}: {exc})", flush=True)
                if failures >= MAX_CONSECUTIVE_FAILURES:
                    print(f"demo: giving up after {failures} failed cycles", file=sys.stderr)
                    return 1
            if demo.needs_funds:
                top_up(database, assets)
                demo.needs_funds = False
            if args.iterations is not None and n >= args.iterations:
                break
            if args.duration is not None and time.monotonic() - started >= args.duration:
                break
            stop.wait(max(0.0, args.interval - (time.monotonic() - began)))
    finally:
        if args.cancel_on_exit:
            with contextlib.suppress(httpx.HTTPError):
                demo.cancel_all()
        print(f"demo: stopped after {n} cycles, {demo.trades} taker orders traded", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the second Ctrl-C; `main` has already stopped a service it started
        sys.exit(130)
