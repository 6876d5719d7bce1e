"""The one routing structure: request path and method to a compiled operation and its path parameters.

Built once from the compiled operations. Concrete paths are a dict lookup; templated ones are tried in the
order OpenAPI requires — fewer templated segments first, so `/orders/preview` is the path `/orders/preview`
(which supports only POST: `PATCH /v1/orders/preview` is a 405), never `/orders/{order_id}` with `order_id =
"preview"`. A path that matches but not with this method gives the path's whole method set for the 405's `Allow`
header; HEAD is allowed wherever GET is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PARAM = re.compile(r"\{([^}/]+)\}")


class Router:
    def __init__(self, operations: Iterable, base_path: str) -> None:
        by_path: dict[str, dict] = {}
        for compiled in operations:
            by_path.setdefault(base_path + compiled.op.path, {})[compiled.op.method] = compiled
        self._static: dict[str, dict] = {}
        templated = []
        for template, methods in by_path.items():
            if "GET" in methods:
                methods = {**methods, "HEAD": methods["GET"]}
            parts = _PARAM.split(template)  # odd positions are parameter names
            if len(parts) == 1:
                self._static[template] = methods
                continue
            regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
            templated.append((len(parts) // 2, re.compile(regex), methods))
        templated.sort(key=lambda entry: entry[0])
        self._templated = [(regex, methods) for _, regex, methods in templated]

    def match(self, path: str) -> tuple[dict | None, dict[str, str]]:
        """(method -> compiled operation, path parameters) of the path, or (None, {}) when no template matches."""
        methods = self._static.get(path)
        if methods is not None:
            return methods, {}
        for regex, methods in self._templated:
            found = regex.fullmatch(path)
            if found:
                return methods, found.groupdict()
        return None, {}


def allow_header(methods) -> str:
    return ", ".join(sorted(methods))
