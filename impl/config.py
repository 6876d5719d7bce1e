"""Service configuration, read from the environment with sane defaults.

Every setting has a default that runs the embedded service (SQLite under ./var, 127.0.0.1:8080); nothing here
needs a server to be installed. Variables: COOUD_HOST, COOUD_PORT, COOUD_DATABASE (a SQLite file path, default
var/cooud.sqlite3; or a `postgresql://` / `postgres://` URL for the PostgreSQL store of the scaled deployment —
impl/store `open_store`), COOUD_SPEC_DIR,
COOUD_MAX_BODY_BYTES, COOUD_VALIDATE_RESPONSES, COOUD_SEED_DEMO, COOUD_LOG_LEVEL,
COOUD_CORS_ORIGINS (comma-separated origins allowed to call credentialed operations from a browser),
COOUD_MASTER_KEY_FILE (default: master.key beside a SQLite database, var/master.key for a PostgreSQL URL; created
on first start with mode 0600; API key secrets, the JWT signing key and sealed TOTP seeds all derive from it, so every
process of one deployment must read the same key), COOUD_INVITE_GATING, COOUD_SIWE_DOMAIN,
COOUD_SIWE_URI, COOUD_SIWE_CHAIN_ID (what wallet sign-in messages must name; default this server, chain 1),
COOUD_LOGIN_MAX_FAILURES / COOUD_LOGIN_WINDOW_S (failed-password throttling: 5 attempts per 15 minutes per email),
COOUD_TRUSTED_PROXIES (comma-separated IPs/CIDR ranges whose X-Forwarded-For is believed; default none, so the
peer is the client — impl/security/forwarded.py),
COOUD_REPLAY_GUARD ("memory", the default: each process remembers the signatures it accepted; or a redis:// URL
shared by every worker, so a signed request replayed on another worker is refused; Redis unreachable refuses signed
requests with 503 service_unavailable rather than accept them unchecked — impl/store/redis_replay.py) and
COOUD_REPLAY_GUARD_PREFIX (its key prefix, default "cooud:rg:").
Scale-out (impl/bus/): COOUD_BUS ("memory": the engine in this process, the default; or a nats:// URL: commands go
to a `cooud engine` process over NATS JetStream), COOUD_BUS_PREFIX (prefixes every stream, subject and durable
name; default "cooud"), COOUD_ENGINE_GROUP (the market group an engine serves; default "main", every market).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from impl.security.forwarded import Network, parse_trusted
from impl.store import is_postgres_url

REPO_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str) -> bool:
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8080
    database: str = str(REPO_ROOT / "var" / "cooud.sqlite3")
    spec_dir: Path = field(default=REPO_ROOT / "spec")
    max_body_bytes: int = 1024 * 1024
    validate_responses: bool = False
    seed_demo: bool = True
    log_level: str = "info"
    cors_origins: frozenset[str] = frozenset()
    master_key_file: str = ""  # default: master.key beside a SQLite database, var/master.key for a URL
    invite_gating: bool = False
    siwe_domain: str = ""  # default: host:port
    siwe_uri: str = ""  # default: http://host:port
    siwe_chain_id: int = 1
    # Rate limits (budgets from the spec's x-cooud-rate-limits): "memory" (one process) or a redis:// URL shared by
    # several worker processes; `rate_limit_scale` multiplies every budget (1 in production; test suites that
    # send thousands of requests from one address raise it, with the limiter and its headers still on).
    rate_limit_store: str = "memory"
    rate_limit_prefix: str = "cooud:rl:"
    rate_limit_scale: float = 1.0
    # Signature replay guard (impl/domain/ports.py ReplayGuard): "memory" (one process) or a redis:// URL shared by
    # every worker; its keys start with the prefix.
    replay_guard: str = "memory"
    replay_guard_prefix: str = "cooud:rg:"
    # Failed-password throttling (impl/domain/identity.py): this many sign-in attempts per email without a session
    # opened, within a window of this many seconds opened by the first of them; then 429 login_throttled.
    login_max_failures: int = 5
    login_window_s: int = 900
    # The bus between API workers and the engine (impl/bus/__init__.py).
    bus: str = "memory"
    bus_prefix: str = "cooud"
    engine_group: str = "main"
    # Peers whose X-Forwarded-For is believed (impl/security/forwarded.py); empty: the TCP peer is the client.
    trusted_proxies: tuple[Network, ...] = ()
    # WebSocket stream (spec/asyncapi.yaml states the production values; tests shorten the timers).
    ws_heartbeat_s: float = 15.0
    ws_idle_s: float = 300.0
    ws_snapshot_s: float = 60.0
    ws_throttle_s: float = 1.0  # ticker and candle frames: at most one per channel per this many seconds
    ws_queue_frames: int = 4096  # send queue bound per connection, in frames ...
    ws_queue_bytes: int = 8 * 1024 * 1024  # ... and in bytes; past either the connection is a slow consumer
    ws_close_timeout_s: float = 5.0  # how long a slow consumer gets to take its close frame
    ws_max_frame_bytes: int = 16 * 1024  # larger client frames get an error frame
    ws_max_channels: int = 256  # subscriptions per connection
    ws_max_connections: int = 8  # authenticated connections per credential
    ws_recheck_s: float = 1.0  # how often every authenticated connection's credential is checked again
    purge_interval_s: float = 60.0  # how often expired sessions, refresh tokens, nonces and listen keys are deleted

    @property
    def master_key_path(self) -> str:
        if self.master_key_file:
            return self.master_key_file
        if is_postgres_url(self.database):  # nothing is "beside" a server: one file every process shares
            return str(REPO_ROOT / "var" / "master.key")
        return str(Path(self.database).parent / "master.key")

    @property
    def database_shown(self) -> str:
        """The database as it may be printed or logged: a URL's password masked."""
        parts = urlsplit(self.database)
        if parts.scheme and parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
            return urlunsplit(parts._replace(netloc=netloc))
        return self.database

    @property
    def siwe_expected_domain(self) -> str:
        return self.siwe_domain or f"{self.host}:{self.port}"

    @property
    def siwe_expected_uri(self) -> str:
        return self.siwe_uri or f"http://{self.host}:{self.port}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Config:
        env = os.environ if env is None else env
        values: dict = {}
        readers = {
            "host": ("COOUD_HOST", str),
            "port": ("COOUD_PORT", int),
            "database": ("COOUD_DATABASE", str),
            "spec_dir": ("COOUD_SPEC_DIR", Path),
            "max_body_bytes": ("COOUD_MAX_BODY_BYTES", int),
            "validate_responses": ("COOUD_VALIDATE_RESPONSES", _bool),
            "seed_demo": ("COOUD_SEED_DEMO", _bool),
            "log_level": ("COOUD_LOG_LEVEL", str),
            "master_key_file": ("COOUD_MASTER_KEY_FILE", str),
            "invite_gating": ("COOUD_INVITE_GATING", _bool),
            "siwe_domain": ("COOUD_SIWE_DOMAIN", str),
            "siwe_uri": ("COOUD_SIWE_URI", str),
            "siwe_chain_id": ("COOUD_SIWE_CHAIN_ID", int),
            "rate_limit_store": ("COOUD_RATE_LIMIT_STORE", str),
            "rate_limit_prefix": ("COOUD_RATE_LIMIT_PREFIX", str),
            "rate_limit_scale": ("COOUD_RATE_LIMIT_SCALE", float),
            "trusted_proxies": ("COOUD_TRUSTED_PROXIES", parse_trusted),
            "replay_guard": ("COOUD_REPLAY_GUARD", str),
            "replay_guard_prefix": ("COOUD_REPLAY_GUARD_PREFIX", str),
            "login_max_failures": ("COOUD_LOGIN_MAX_FAILURES", int),
            "login_window_s": ("COOUD_LOGIN_WINDOW_S", int),
            "bus": ("COOUD_BUS", str),
            "bus_prefix": ("COOUD_BUS_PREFIX", str),
            "engine_group": ("COOUD_ENGINE_GROUP", str),
            "cors_origins": ("COOUD_CORS_ORIGINS", lambda v: frozenset(o.strip() for o in v.split(",") if o.strip())),
        }
        for name, (var, parse) in readers.items():
            if var in env and env[var] != "":
                try:
                    values[name] = parse(env[var])
                except ValueError as exc:
                    raise ValueError(f"{var}: {exc}") from None
        values.update(overrides)
        return cls(**values)
