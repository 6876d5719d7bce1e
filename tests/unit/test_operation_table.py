"""The spec, the generated operation table and impl/ agree: every operation has a handler, every handler an
operation, and every error code the domain can raise is catalogued."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import impl.api
import impl.domain.errors as domain_errors
from generated.operations import ERROR_CATALOGUE, OPERATIONS
from impl.app import handler_name

HELPER_MODULES = {"answers", "context", "wire"}


def test_every_operation_has_a_handler():
    # async for quick in-memory work; sync (run in a worker thread by connexion) where a handler waits on a commit
    for op_id in OPERATIONS:
        module, func = handler_name(op_id).rsplit(".", 1)
        assert inspect.isfunction(getattr(importlib.import_module(module), func)), op_id


def test_every_handler_has_an_operation():
    expected = {handler_name(op_id) for op_id in OPERATIONS}
    for info in pkgutil.iter_modules(impl.api.__path__):
        if info.name in HELPER_MODULES:
            continue
        module = importlib.import_module(f"impl.api.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if func.__module__ == module.__name__ and not name.startswith("_"):
                assert f"{module.__name__}.{name}" in expected, f"handler without an operation: {name}"


def test_domain_error_codes_are_catalogued():
    classes = [c for _, c in inspect.getmembers(domain_errors, inspect.isclass) if issubclass(c, Exception)]
    assert len(classes) >= 4
    for cls in classes:
        assert cls.code in ERROR_CATALOGUE, cls


def test_codes_of_rejected_orders_are_catalogued():
    import re

    from impl.config import REPO_ROOT

    raised = set()
    for source in (REPO_ROOT / "impl" / "domain").glob("*.py"):
        text = source.read_text()
        raised |= set(re.findall(r'(?:OrderRejected|_rule)\(\s*"([a-z_]+)"', text))
        raised |= set(re.findall(r'_multiple\([^)]*?"(invalid_[a-z_]+)"', text))
    assert {"insufficient_balance", "invalid_tick_size", "order_not_open"} <= raised
    assert raised <= set(ERROR_CATALOGUE), raised - set(ERROR_CATALOGUE)


def test_operations_list_only_catalogued_codes_with_documented_statuses():
    import yaml

    from impl.config import REPO_ROOT

    doc = yaml.safe_load((REPO_ROOT / "spec" / "openapi.yaml").read_text())
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for code in op["x-cooud-errors"]:
                assert code in ERROR_CATALOGUE, (path, method, code)
                assert str(ERROR_CATALOGUE[code].status) in op["responses"], (path, method, code)
