"""Match request paths against the spec's path templates (from the generated operation table).

Used where connexion's own routing does not help (or has not run yet: the rate limiter charges a request before
it): the `Allow` header of a 405 must list every method of the
matched path (connexion's router reports only one route's methods), and concrete paths match before templated
ones, as OpenAPI requires (`/orders/preview` before `/orders/{order_id}`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from generated.operations import Operation

_PARAM = re.compile(r"\{([^}/]+)\}")


class PathIndex:
    def __init__(self, operations: Iterable[Operation], base_path: str) -> None:
        by_path: dict[str, dict[str, Operation]] = {}
        for op in operations:
            by_path.setdefault(op.path, {})[op.method] = op
        self._entries: list[tuple[re.Pattern, frozenset[str], dict[str, Operation]]] = []
        for template, ops in by_path.items():
            parts = _PARAM.split(base_path + template)  # odd positions are parameter names
            regex = "^" + "".join(re.escape(p) if i % 2 == 0 else "[^/]+" for i, p in enumerate(parts)) + "$"
            if "GET" in ops:
                ops = {**ops, "HEAD": ops["GET"]}
            self._entries.append((re.compile(regex), frozenset(ops), ops))
        # concrete first: fewer templated segments win
        self._entries.sort(key=lambda entry: entry[0].pattern.count("[^/]+"))

    def allowed_methods(self, path: str) -> frozenset[str] | None:
        """Methods the path supports, or None when no operation's template matches it."""
        for regex, allowed, _ in self._entries:
            if regex.match(path):
                return allowed
        return None

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation a request would reach (HEAD reaches GET's), or None for no path or no such method."""
        for regex, _, ops in self._entries:
            if regex.match(path):
                return ops.get(method)
        return None
