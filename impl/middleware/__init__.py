"""ASGI middleware of the request pipeline: request context (outermost) and body policy (after routing)."""
