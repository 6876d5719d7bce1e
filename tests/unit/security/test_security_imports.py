"""The security modules stay plain: no web framework, database driver or generated code gets imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CODE = """
import sys
import impl.security, impl.security.passwords, impl.security.totp, impl.security.tokens
import impl.security.siwe, impl.security.signing, impl.security.secrets
banned = [m for m in sys.modules if m.split(".")[0] in
          {"starlette", "connexion", "uvicorn", "sqlite3", "_sqlite3", "psycopg", "psycopg2", "generated", "httpx"}]
print(",".join(sorted(banned)))
"""


def test_no_framework_driver_or_generated_imports():
    out = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
