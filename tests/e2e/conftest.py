"""Fixtures of the end-to-end tests: `client_package`, the generated client (`cooud_exchange_client`, from
generated/client) imported from a pip-installed copy of it.

It is installed rather than imported from the source tree so that the tests use what a user of the package gets:
generated/client must build with its own pyproject.toml (its build backend and file list, nothing else of this
checkout) and work on its own (`--no-deps`: its dependencies are the test environment's). The source tree is not on
`sys.path` anyway.

`pip install` is slow (seconds), so it runs once a session (`_client_install`); each module that asks for
`client_package` gets it on `sys.path` and in `sys.modules` for that module only, and afterwards `sys.path` and
`sys.modules` are as they were (a module that installs a client of its own, as test_sdk.py does, is not affected,
nor does it affect this one).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "cooud_exchange_client"


def _loaded() -> list[str]:
    return [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]


@pytest.fixture(scope="session")
def _client_install(tmp_path_factory) -> Path:
    """generated/client pip-installed (once) into a directory of its own, which is returned."""
    target = tmp_path_factory.mktemp("client-install")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--target", str(target), str(ROOT / "generated" / "client")],
        check=True, timeout=300,
    )
    return target


@pytest.fixture(scope="module")
def client_package(_client_install):
    """The installed `cooud_exchange_client` package, importable by that name for the module's tests."""
    target = str(_client_install)
    saved = {name: sys.modules.pop(name) for name in _loaded()}  # any other copy, put back afterwards
    sys.path.insert(0, target)
    try:
        package = importlib.import_module(PACKAGE)
        assert target in package.__file__  # the installed copy, not the source tree
        yield package
    finally:
        sys.path.remove(target)
        for name in _loaded():
            del sys.modules[name]
        sys.modules.update(saved)
