"""Operator CLI: `cooud serve` runs the service; `cooud migrate` prepares the database; `cooud user create`,
`cooud api-key create` and `cooud invite create` provision accounts, keys and invite codes, `cooud deposit` credits
an account (a journal entry from the deposit account) and `cooud ledger check` verifies the ledger invariants — all
printing JSON.

One writer per database: `serve` runs the trading engine and claims the database's writer guard; a second one on
the same database is refused with a clear message (exit 1) instead of trading beside the first. With
COOUD_BUS=nats://… (impl/bus/) `serve` runs API workers only (`--workers N` processes on one port) and `cooud
engine` runs the engine: a second `cooud engine` on the same database is its standby; `cooud cluster` starts
engine, standby and two workers on this machine. `deposit` goes
through the engine: its own when nothing serves the database, else the serving process's, through the operator
inbox (impl/operator.py). The other commands do not touch balances, books or orders and run beside a server.
`ledger check` reads the store only (it never restores the books), so it reports problems instead of crashing.

Both read the same environment configuration as the service (impl/config.py); flags override it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
import time

from impl.config import Config


def _config(args: argparse.Namespace) -> Config:
    overrides = {k: v for k, v in {"host": args.host, "port": args.port, "database": args.database}.items() if v}
    return Config.from_env(**overrides)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from impl.app import create_app
    from impl.bus import is_nats
    from impl.domain.engine import AnotherWriter

    config = _config(args)
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if args.workers > 1:
        if not is_nats(config.bus):
            print(json.dumps({"error": "--workers N needs COOUD_BUS=nats://… and a running `cooud engine`: with the "
                                       "in-process bus every worker would run its own engine on one database"}),
                  file=sys.stderr)
            return 1
        return _serve_workers(config, args)
    try:
        app = create_app(config)
    except AnotherWriter as exc:
        print(json.dumps({"error": str(exc)}), file=sys.stderr)
        return 1
    print(f"cooud: serving on http://{config.host}:{config.port}/v1 (database {config.database_shown})", flush=True)
    try:
        # proxy_headers=False: uvicorn would otherwise take X-Forwarded-For from any 127.0.0.1 peer and rewrite the
        # client itself; the app decides, from COOUD_TRUSTED_PROXIES only (impl/security/forwarded.py).
        uvicorn.run(app, host=config.host, port=config.port, log_level=config.log_level, lifespan="on",
                    proxy_headers=False)
    finally:
        app.services.close()
    return 0


def _serve_workers(config: Config, args: argparse.Namespace) -> int:
    """N worker processes on one port (uvicorn's multiprocess mode: the app built in each from the environment)."""
    import os

    import uvicorn

    from impl.services import build_services

    build_services(config, trading=False).close()  # migrate and seed once, not in N workers at the same time
    os.environ.update({"COOUD_HOST": config.host, "COOUD_PORT": str(config.port), "COOUD_DATABASE": config.database})
    print(f"cooud: {args.workers} workers serving on http://{config.host}:{config.port}/v1 (engine over {config.bus})",
          flush=True)
    uvicorn.run("impl.app:app_from_env", factory=True, workers=args.workers, host=config.host, port=config.port,
                log_level=config.log_level, lifespan="on", proxy_headers=False)
    return 0


def engine(args: argparse.Namespace) -> int:
    from impl.bus import engine_process, is_nats

    config = _config(args)
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if not is_nats(config.bus):
        print(json.dumps({"error": "cooud engine serves workers over NATS: set COOUD_BUS=nats://… (with the default "
                                   "in-process bus, `cooud serve` runs the engine itself)"}), file=sys.stderr)
        return 1
    try:
        return engine_process.run(config)
    except KeyboardInterrupt:
        return 0


def cluster(args: argparse.Namespace) -> int:
    from impl.bus import cluster as local_cluster

    return local_cluster.run(_config(args), args.workers)


def migrate(args: argparse.Namespace) -> int:
    from impl import demo
    from impl.store import open_store

    config = _config(args)
    store = open_store(config.database)
    applied = store.migrate()
    seeded = demo.seed_if_empty(store) if config.seed_demo else False
    store.close()
    print(json.dumps({"database": config.database_shown, "applied": applied, "seeded_demo": seeded}))
    return 0


def _services(args: argparse.Namespace):
    """Everything but the trading engine: these commands run beside a serving process."""
    return build_identity(_config(args))


def build_identity(config: Config):
    from impl.services import build_services

    return build_services(config, trading=False)


def _now() -> int:
    return time.time_ns() // 1_000_000


def user_create(args: argparse.Namespace) -> int:
    svc = _services(args)
    password = args.password or getpass.getpass("password: ")
    user = svc.identity.create_user(args.email, password, _now())
    print(json.dumps({"id": user.id, "email": user.email, "invite_status": user.invite_status}))
    return 0


def api_key_create(args: argparse.Namespace) -> int:
    svc = _services(args)
    user = svc.store.user_by("email", args.email)
    if user is None:
        print(json.dumps({"error": f"no account with email {args.email!r}"}), file=sys.stderr)
        return 1
    key, secret = svc.identity.create_api_key(user.id, args.label, args.scopes.split(","),
                                              [a for a in args.ip_allowlist.split(",") if a], args.days, _now())
    print(json.dumps({"id": key.id, "secret": secret, "user_id": user.id, "scopes": list(key.scopes),
                      "ip_allowlist": list(key.ip_allowlist), "expires_at_ms": key.expires_at_ms}))
    return 0


def invite_create(args: argparse.Namespace) -> int:
    print(json.dumps({"code": _services(args).identity.create_invite(_now())}))
    return 0


def deposit(args: argparse.Namespace) -> int:
    from impl import operator
    from impl.domain.errors import DomainError
    from impl.domain.units import to_string

    config = _config(args)
    services = build_identity(config)
    user = services.store.user_by("email", args.email)
    assets = services.store.list_assets()
    services.close()
    if user is None:
        print(json.dumps({"error": f"no account with email {args.email!r}"}), file=sys.stderr)
        return 1
    try:
        free, locked = operator.deposit(config, user.id, args.asset, args.amount, args.reference or f"cli-{_now()}")
    except (DomainError, TimeoutError) as exc:
        print(json.dumps({"error": getattr(exc, "message", str(exc))}), file=sys.stderr)
        return 1
    precision = assets[args.asset]
    print(json.dumps({"user_id": user.id, "asset": args.asset, "amount": args.amount,
                      "free": to_string(free, precision), "locked": to_string(locked, precision)}))
    return 0


def ledger_check(args: argparse.Namespace) -> int:
    from impl.store import open_store

    store = open_store(_config(args).database)
    try:
        report = store.ledger_report()
    except Exception as exc:  # e.g. not a database, or never migrated: a report, not a traceback
        print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}))
        return 1
    finally:
        store.close()
    problems = {k: v for k, v in report.items() if k != "asset_totals" and v}
    print(json.dumps({"ok": not problems, **report}, default=str))
    return 0 if not problems else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cooud", description="Cooud exchange operator CLI (prints JSON)")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func, help_text: str, parent=sub):
        p = parent.add_parser(name, help=help_text)
        p.add_argument("--host")
        p.add_argument("--port", type=int)
        p.add_argument("--database", help="SQLite file (default ./var/cooud.sqlite3) or postgresql:// URL")
        p.set_defaults(func=func)
        return p

    p = command("serve", serve, "run the API service")
    p.add_argument("--workers", type=int, default=1, help="worker processes on one port (needs COOUD_BUS=nats://…)")
    command("engine", engine, "run the trading engine for API workers over NATS (COOUD_BUS=nats://…); a second one "
                              "on the same database is its standby")
    p = command("cluster", cluster, "start engine + standby + API workers on this machine's NATS (Ctrl-C stops all)")
    p.add_argument("--workers", type=int, default=2, help="API worker processes, on consecutive ports")
    command("migrate", migrate, "apply migrations")
    users = sub.add_parser("user", help="accounts").add_subparsers(dest="action", required=True)
    p = command("create", user_create, "create an email + password account", users)
    p.add_argument("--email", required=True)
    p.add_argument("--password", help="read from the terminal when omitted")
    keys = sub.add_parser("api-key", help="API keys").add_subparsers(dest="action", required=True)
    p = command("create", api_key_create, "create an API key for an account (prints the secret once)", keys)
    p.add_argument("--email", required=True)
    p.add_argument("--scopes", default="read", help="comma-separated: read,trade,withdraw")
    p.add_argument("--label", default="cli")
    p.add_argument("--ip-allowlist", default="", help="comma-separated addresses or CIDR ranges")
    p.add_argument("--days", type=int, default=30)
    invites = sub.add_parser("invite", help="invite codes").add_subparsers(dest="action", required=True)
    command("create", invite_create, "create a single-use invite code", invites)
    p = command("deposit", deposit, "credit an account with a deposit (from the deposit system account)")
    p.add_argument("--email", required=True)
    p.add_argument("--asset", required=True)
    p.add_argument("--amount", required=True, help="decimal string, e.g. 1000.5")
    p.add_argument("--reference", help="what the deposit is about (default cli-<time>)")
    ledger = sub.add_parser("ledger", help="the ledger").add_subparsers(dest="action", required=True)
    command("check", ledger_check, "verify the ledger invariants (exit 1 when one is broken)", ledger)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
