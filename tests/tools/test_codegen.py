"""The generator is deterministic, marks every file, and its drift check catches hand edits."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.codegen import drift, generate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "generated"
    generate(out)
    return out


def test_committed_tree_is_what_the_spec_generates(fresh):
    assert drift(fresh, ROOT / "generated") == []


def test_generation_is_deterministic(fresh, tmp_path):
    again = tmp_path / "again"
    generate(again)
    assert drift(fresh, again) == []


def test_every_generated_file_is_marked(fresh):
    files = [p for p in fresh.rglob("*") if p.is_file()]
    assert len(files) > 30
    for path in files:
        first = path.read_text().splitlines()[0]
        assert "generated from spec/" in first and "do not edit" in first, path


def test_hand_edit_fails_the_check(fresh, tmp_path):
    copy = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", copy, ignore=shutil.ignore_patterns("__pycache__"))
    ticker = copy / "client" / "cooud_exchange_client" / "models" / "ticker.py"
    ticker.write_text(ticker.read_text().replace("symbol: str", "symbol: str  # tweaked", 1))
    proc = subprocess.run([sys.executable, "-m", "tools.codegen", "--check", "--out", str(copy)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "models/ticker.py" in proc.stderr and "tweaked" in proc.stderr


def test_missing_and_stray_files_are_drift(fresh, tmp_path):
    copy = tmp_path / "generated"
    shutil.copytree(fresh, copy)
    (copy / "operations.py").unlink()
    (copy / "models" / "extra.py").write_text("x = 1\n")
    problems = "\n".join(drift(fresh, copy))
    assert "missing: generated/operations.py" in problems
    assert "not generated" in problems and "models/extra.py" in problems
