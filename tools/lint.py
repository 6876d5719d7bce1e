"""Lint the hand-written contracts in ``spec/`` with Spectral and the Cooud ruleset (``.spectral.yaml``).

Usage: ``python -m tools.lint [--json FILE] [--node-modules DIR] [DOCUMENT ...]`` from the repository root.
Without documents it lints ``spec/openapi.yaml`` and, when it exists, ``spec/asyncapi.yaml``.
Exit status: 0 when no document has an error-level finding, 1 when one does, 2 when linting could not run
(``node_modules`` missing — run ``npm ci`` —, a document missing, Spectral itself failing).

What runs: the locally installed ``node_modules/.bin/spectral`` (pinned in package.json) with
``--ruleset .spectral.yaml --fail-severity error``, all documents in ONE Spectral process (its start-up
dominates the run time). The ruleset extends ``spectral:oas``, ``spectral:asyncapi`` and the OWASP ruleset
and adds the ``cooud-*`` rules, whose functions live in ``spec/lint/functions/``; nothing is fetched from
the network. Results are printed in Spectral's readable ``stylish`` format, followed by one summary line per
document. ``--json FILE`` also writes Spectral's JSON results (every severity) for machines and tests.

Invariants:
- Every document given is linted and appears in the summary, even when it has no findings.
- A document Spectral recognises as neither OpenAPI nor AsyncAPI (``unrecognized-format``, which Spectral
  itself only warns about) counts as an error: no rule would have run on it, so "clean" would be a lie.
- Warnings never fail the run; their list is part of the output so that they stay visible.

Known limits: the result of a finding in a document reached through a ``$ref`` (e.g. the AsyncAPI document
referencing ``openapi.yaml`` schemas) is reported, and counted, against the referenced file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
RULESET = REPO_ROOT / ".spectral.yaml"
DEFAULT_NODE_MODULES = REPO_ROOT / "node_modules"
DEFAULT_DOCUMENTS = (REPO_ROOT / "spec" / "openapi.yaml", REPO_ROOT / "spec" / "asyncapi.yaml")
SPECTRAL_TIMEOUT_S = 300

# Spectral's numeric severities (DiagnosticSeverity).
SEVERITY_NAMES = {0: "error", 1: "warning", 2: "info", 3: "hint"}
# Findings that make a run fail although Spectral reports them below error level.
ESCALATED_CODES = frozenset({"unrecognized-format"})


class LintSetupError(Exception):
    """Linting cannot run at all (tooling or input missing); the message says what to do."""


@dataclass
class LintReport:
    """The outcome of one Spectral run over one or more documents."""

    documents: list[Path]
    results: list[dict[str, Any]]
    stylish: str
    spectral_returncode: int
    by_document: dict[Path, Counter] = field(default_factory=dict)

    def is_error(self, result: dict[str, Any]) -> bool:
        return result.get("severity") == 0 or result.get("code") in ESCALATED_CODES

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [r for r in self.results if self.is_error(r)]

    @property
    def ok(self) -> bool:
        return not self.errors


def spectral_binary(node_modules: Path) -> Path:
    binary = node_modules / ".bin" / "spectral"
    if not binary.exists():
        raise LintSetupError(
            f"Spectral is not installed ({binary} is missing): run `npm ci` in {REPO_ROOT} "
            "to install the pinned Node tooling from package-lock.json."
        )
    return binary


def default_documents() -> list[Path]:
    """spec/openapi.yaml always; spec/asyncapi.yaml when present."""
    openapi, asyncapi = DEFAULT_DOCUMENTS
    return [openapi] + ([asyncapi] if asyncapi.exists() else [])


def run_spectral(documents: list[Path], node_modules: Path = DEFAULT_NODE_MODULES) -> LintReport:
    """Lint `documents` in one Spectral process; raise LintSetupError when that is impossible."""
    binary = spectral_binary(node_modules)
    if not RULESET.exists():
        raise LintSetupError(f"The ruleset {RULESET} is missing.")
    documents = [Path(d).resolve() for d in documents]
    missing = [str(d) for d in documents if not d.is_file()]
    if missing:
        raise LintSetupError(f"No such document: {', '.join(missing)}")

    with tempfile.TemporaryDirectory(prefix="cooud-lint-") as tmp:
        json_out = Path(tmp) / "results.json"
        cmd = [
            str(binary), "lint",
            "--ruleset", str(RULESET),
            "--fail-severity", "error",
            "--format", "stylish",
            "--format", "json", "--output.json", str(json_out),
            *map(str, documents),
        ]  # fmt: skip
        try:
            proc = subprocess.run(
                cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=SPECTRAL_TIMEOUT_S, check=False
            )
        except FileNotFoundError as exc:  # e.g. `node` not on PATH for the #!/usr/bin/env node launcher
            raise LintSetupError(f"Could not start Spectral ({exc}); is Node.js installed and on PATH?") from exc
        except subprocess.TimeoutExpired as exc:
            raise LintSetupError(f"Spectral did not finish within {SPECTRAL_TIMEOUT_S} s.") from exc
        if proc.returncode not in (0, 1) or not json_out.exists():
            raise LintSetupError(
                f"Spectral failed (exit status {proc.returncode}):\n{proc.stderr.strip() or proc.stdout.strip()}"
            )
        text = json_out.read_text(encoding="utf-8").strip()
    results = json.loads(text) if text else []

    report = LintReport(documents=documents, results=results, stylish=proc.stdout, spectral_returncode=proc.returncode)
    report.by_document = {doc: Counter() for doc in documents}
    for result in results:
        source = Path(result.get("source", "")).resolve() if result.get("source") else None
        counter = report.by_document.setdefault(source, Counter()) if source else Counter()
        counter["error" if report.is_error(result) else SEVERITY_NAMES.get(result.get("severity"), "hint")] += 1
    if proc.returncode == 1 and report.ok:
        # Spectral said "failed" but reported no error we can see: never turn that into a pass.
        raise LintSetupError(f"Spectral exited 1 without error-level results:\n{proc.stderr.strip()}")
    return report


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def format_summary(report: LintReport) -> str:
    lines = []
    for doc, counts in report.by_document.items():
        parts = [f"{counts.get(k, 0)} {k}{'s' if counts.get(k, 0) != 1 else ''}" for k in ("error", "warning", "info")]
        lines.append(f"{_display(doc)}: {', '.join(parts)}")
    escalated = [r for r in report.results if r.get("code") in ESCALATED_CODES]
    for r in escalated:
        lines.append(f"{_display(Path(r.get('source', '?')))}: counted as an error: {r.get('message')}")
    verdict = "OK (no errors)" if report.ok else f"FAILED ({len(report.errors)} error(s))"
    lines.append(f"lint: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.lint", description=__doc__.splitlines()[0])
    parser.add_argument(
        "documents", nargs="*", type=Path,
        help="documents to lint (default: spec/openapi.yaml and, if present, spec/asyncapi.yaml)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write Spectral's JSON results to this file")
    parser.add_argument(
        "--node-modules", type=Path, default=DEFAULT_NODE_MODULES,
        help="the node_modules directory holding Spectral (default: the repository's, from `npm ci`)",
    )  # fmt: skip
    args = parser.parse_args(argv)

    documents = args.documents or default_documents()
    if not args.documents and len(documents) == 1:
        print(f"{_display(DEFAULT_DOCUMENTS[1])} not present; linting {_display(documents[0])} only.")
    try:
        report = run_spectral(documents, args.node_modules)
    except LintSetupError as exc:
        print(f"lint: cannot run: {exc}", file=sys.stderr)
        return 2
    if args.json:
        args.json.write_text(json.dumps(report.results, indent=2) + "\n", encoding="utf-8")
    if report.stylish.strip():
        print(report.stylish.rstrip())
        print()
    print(format_summary(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
