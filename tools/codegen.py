"""Generate everything derivable from spec/ into generated/ — the one command (`make generate`).

Produces, deterministically (same spec in, byte-identical files out):
  generated/models/rest.py     pydantic models of spec/openapi.yaml       (datamodel-code-generator)
  generated/models/stream.py   pydantic models of spec/asyncapi.yaml      (datamodel-code-generator)
  generated/operations.py      the operation table and error catalogue that impl/ reads at start-up
  generated/client/            the typed client package, installable with pip (openapi-python-client), with the
                               stream's message models as cooud_exchange_client/stream_models.py
  generated/docs/asyncapi.html the stream contract as one self-contained HTML page (tools/asyncapi_html.py),
                               which the server serves; data, not a package
Every generated file starts with a "generated from spec/... — do not edit" line.

`--check` regenerates into a temporary directory and fails, listing the differences, if generated/ is not
exactly what the spec produces (drift: a hand edit, or a spec change without regeneration).
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import os
import pprint
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from tools import asyncapi_html

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec"
OUT = ROOT / "generated"
BIN = Path(sys.executable).parent
MUTATING = {"post", "put", "patch", "delete"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def header(source: str, comment: str = "#") -> str:
    text = f"generated from {source} by tools/codegen.py — do not edit; change the spec and run `make generate`"
    return f"<!-- {text} -->\n" if comment == "<!--" else f"{comment} {text}\n"


def _run(cmd: list[str], cwd: Path | None = None) -> None:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", RUFF_NO_CACHE="true")
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"codegen: {' '.join(cmd[:2])} failed:\n{proc.stdout}\n{proc.stderr}")


def _models(spec: Path, kind: str, target: Path) -> None:
    _run([
        str(BIN / "datamodel-codegen"), "--input", str(spec), "--input-file-type", kind, "--output", str(target),
        "--disable-timestamp", "--strict-nullable", "--output-model-type", "pydantic_v2.BaseModel",
        "--use-annotated", "--field-constraints", "--target-python-version", "3.11", "--use-double-quotes",
    ])
    body = target.read_text()
    # datamodel-codegen names the input by its absolute path in some modes; keep output machine-independent.
    body = body.replace(str(spec), spec.name)
    target.write_text(header(f"spec/{spec.name}") + body)


def operation_table(doc: dict) -> str:
    """Render the operation table module from the OpenAPI document."""
    ops = {}
    for path, item in doc["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            security = op.get("security", doc.get("security", []))
            idem = op.get("x-cooud-idempotency", {})
            body = op.get("requestBody")
            ops[op["operationId"]] = {
                "operation_id": op["operationId"],
                "method": method.upper(),
                "path": path,
                "tag": op["tags"][0],
                "permission": op["x-cooud-permission"],
                "security": tuple(tuple(sorted(req)) for req in security),
                "rate_limit_pool": op["x-cooud-rate-limit"]["pool"],
                "rate_limit_weight": op["x-cooud-rate-limit"]["weight"],
                "idempotency_required": method in MUTATING and "exempt" not in idem,
                "request_content_types": tuple(sorted(body["content"])) if body else (),
                "errors": tuple(op["x-cooud-errors"]),
                "deprecated": bool(op.get("deprecated", False)),
                "deprecated_at": op.get("x-cooud-deprecated-at"),
                "sunset": op.get("x-cooud-sunset"),
            }
    catalogue = {
        code: {"status": e["status"], "retryable": e["retryable"], "description": e["description"].strip()}
        for code, e in doc["x-cooud-error-catalogue"].items()
    }
    base_path = "/" + doc["servers"][0]["url"].split("://", 1)[1].split("/", 1)[1]
    parts = [
        header("spec/openapi.yaml"),
        '"""Operation table and error catalogue, derived from spec/openapi.yaml.\n\n'
        "impl/ reads these at start-up: who may call what, what it costs, whether it needs an Idempotency-Key,\n"
        'and which error codes exist with their HTTP status. There is no second table in code."""\n\n',
        "from __future__ import annotations\n\n",
        "from dataclasses import dataclass\n\n",
        f"API_VERSION = {doc['info']['version']!r}\n",
        f"BASE_PATH = {base_path!r}\n\n\n",
        "@dataclass(frozen=True)\nclass Operation:\n",
        "    operation_id: str\n    method: str\n    path: str\n    tag: str\n    permission: str\n",
        "    security: tuple[tuple[str, ...], ...]\n    rate_limit_pool: str\n    rate_limit_weight: int\n",
        "    idempotency_required: bool\n    request_content_types: tuple[str, ...]\n    errors: tuple[str, ...]\n",
        "    deprecated: bool\n    deprecated_at: str | None\n    sunset: str | None\n\n\n",
        "@dataclass(frozen=True)\nclass ErrorCode:\n    status: int\n    retryable: bool\n    description: str\n\n\n",
        "@dataclass(frozen=True)\nclass RateLimits:\n    window_s: int\n    cooloff_s: int\n",
        "    anonymous_per_ip: int\n    per_credential: dict[str, int]\n    per_ip: dict[str, int]\n\n\n",
        "OPERATIONS: dict[str, Operation] = {\n",
    ]
    for op_id, fields in ops.items():
        args = ", ".join(f"{k}={v!r}" for k, v in fields.items())
        parts.append(f"    {op_id!r}: Operation({args}),\n")
    parts.append("}\n\n")
    limits = doc["x-cooud-rate-limits"]
    pools = limits["pools"]
    parts += [
        "# The budgets of x-cooud-rate-limits: weight units per window; per_credential/per_ip by pool.\n",
        f"RATE_LIMITS = RateLimits(window_s={limits['window_s']!r}, cooloff_s={limits['cooloff_s']!r}, "
        f"anonymous_per_ip={limits['anonymous_per_ip']!r},\n",
        f"    per_credential={ {p: v['per_credential'] for p, v in pools.items()}!r},\n",
        f"    per_ip={ {p: v['per_ip'] for p, v in pools.items()}!r})\n\n",
    ]
    parts.append("ERROR_CATALOGUE: dict[str, ErrorCode] = {\n")
    for code, e in catalogue.items():
        parts.append(f"    {code!r}: ErrorCode(status={e['status']!r}, retryable={e['retryable']!r},\n")
        parts.append(f"        description={pprint.pformat(e['description'], width=100)}),\n")
    parts.append("}\n")
    return "".join(parts)


CLIENT_CONFIG = """\
project_name_override: cooud-exchange-client
package_name_override: cooud_exchange_client
post_hooks:
  - "ruff check . --fix-only --quiet --no-cache"
  - "ruff format . --quiet --no-cache"
"""


def _client(target: Path, stream_models: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "client.yaml"
        config.write_text(CLIENT_CONFIG)
        _run([str(BIN / "openapi-python-client"), "generate", "--path", str(SPEC / "openapi.yaml"),
              "--config", str(config), "--output-path", str(target), "--overwrite"])
    for path in sorted(target.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text()
        if path.suffix == ".md":
            path.write_text(header("spec/openapi.yaml", "<!--") + text)
        else:  # .py, .toml, .gitignore, py.typed all take '#' comments
            path.write_text(header("spec/openapi.yaml") + text)
    if stream_models is not None:
        # The stream's typed messages ship with the client (the SDK's stream runtime parses frames with them);
        # they are pydantic models, so the package gains that dependency.
        shutil.copyfile(stream_models, target / "cooud_exchange_client" / "stream_models.py")
        project = target / "pyproject.toml"
        text = project.read_text()
        anchor = 'attrs = ">=22.2.0"\n'
        if anchor not in text:
            raise SystemExit("codegen: generated client pyproject.toml changed shape; update tools/codegen.py")
        project.write_text(text.replace(anchor, anchor + 'pydantic = { version = ">=2,<3", extras = ["email"] }\n'))


def generate(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "models").mkdir(parents=True)
    (out / "__init__.py").write_text(header("spec/") + '"""Code generated from spec/. Never edit by hand."""\n')
    (out / "models" / "__init__.py").write_text(header("spec/"))
    _models(SPEC / "openapi.yaml", "openapi", out / "models" / "rest.py")
    if (SPEC / "asyncapi.yaml").exists():
        _models(SPEC / "asyncapi.yaml", "asyncapi", out / "models" / "stream.py")
        (out / "docs").mkdir()
        page = header("spec/asyncapi.yaml", "<!--") + asyncapi_html.render_file(SPEC / "asyncapi.yaml")
        (out / "docs" / "asyncapi.html").write_text(page, encoding="utf-8")
    doc = yaml.safe_load((SPEC / "openapi.yaml").read_text())
    (out / "operations.py").write_text(operation_table(doc))
    stream = out / "models" / "stream.py"
    _client(out / "client", stream if stream.exists() else None)


def drift(expected: Path, actual: Path) -> list[str]:
    """Differences between a fresh generation (`expected`) and the committed tree (`actual`)."""
    problems: list[str] = []

    def files(root: Path) -> set[str]:
        return {
            str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
        }

    want, have = files(expected), files(actual) if actual.exists() else set()
    problems += [f"missing: generated/{f}" for f in sorted(want - have)]
    problems += [f"not generated (remove it or change the generator): generated/{f}" for f in sorted(have - want)]
    for rel in sorted(want & have):
        if not filecmp.cmp(expected / rel, actual / rel, shallow=False):
            diff = difflib.unified_diff(
                (actual / rel).read_text().splitlines(), (expected / rel).read_text().splitlines(),
                f"generated/{rel} (committed)", f"generated/{rel} (from spec)", lineterm="", n=1,
            )
            problems.append("\n".join(list(diff)[:40]))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if generated/ differs from a fresh generation")
    parser.add_argument("--out", type=Path, default=OUT, help="output directory (default: generated/)")
    args = parser.parse_args(argv)
    if not args.check:
        generate(args.out)
        print(f"codegen: wrote {args.out}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "generated"
        generate(fresh)
        problems = drift(fresh, args.out)
    if problems:
        print("codegen: generated/ has drifted from spec/ — run `make generate` and commit:", file=sys.stderr)
        for p in problems:
            print(p, file=sys.stderr)
        return 1
    print("codegen: generated/ matches spec/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
