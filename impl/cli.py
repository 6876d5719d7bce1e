"""Operator CLI: `cooud serve` runs the service; `cooud migrate` prepares the database.

Both read the same environment configuration as the service (impl/config.py); flags override it.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from impl.config import Config


def _config(args: argparse.Namespace) -> Config:
    overrides = {k: v for k, v in {"host": args.host, "port": args.port, "database": args.database}.items() if v}
    return Config.from_env(**overrides)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from impl.app import create_app

    config = _config(args)
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(config)
    print(f"cooud: serving on http://{config.host}:{config.port}/v1 (database {config.database})", flush=True)
    uvicorn.run(app, host=config.host, port=config.port, log_level=config.log_level, lifespan="on")
    return 0


def migrate(args: argparse.Namespace) -> int:
    from impl import demo
    from impl.store.sqlite import SQLiteStore

    config = _config(args)
    store = SQLiteStore(config.database)
    applied = store.migrate()
    seeded = demo.seed_if_empty(store) if config.seed_demo else False
    store.close()
    print(json.dumps({"database": config.database, "applied": applied, "seeded_demo": seeded}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cooud", description="Cooud exchange operator CLI")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, help_text in (("serve", serve, "run the API service"), ("migrate", migrate, "apply migrations")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--host")
        p.add_argument("--port", type=int)
        p.add_argument("--database", help="SQLite file (default ./var/cooud.sqlite3)")
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
