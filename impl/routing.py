"""Match request paths against the spec's path templates (from the generated operation table).

Used where connexion's own routing does not help: the `Allow` header of a 405 must list every method of the
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
        methods: dict[str, set[str]] = {}
        for op in operations:
            methods.setdefault(op.path, set()).add(op.method)
        self._entries: list[tuple[re.Pattern, frozenset[str]]] = []
        for template, allowed in methods.items():
            parts = _PARAM.split(base_path + template)  # odd positions are parameter names
            regex = "^" + "".join(re.escape(p) if i % 2 == 0 else "[^/]+" for i, p in enumerate(parts)) + "$"
            if "GET" in allowed:
                allowed = allowed | {"HEAD"}
            self._entries.append((re.compile(regex), frozenset(allowed)))
        # concrete first: fewer templated segments win
        self._entries.sort(key=lambda entry: entry[0].pattern.count("[^/]+"))

    def allowed_methods(self, path: str) -> frozenset[str] | None:
        """Methods the path supports, or None when no operation's template matches it."""
        for regex, allowed in self._entries:
            if regex.match(path):
                return allowed
        return None
