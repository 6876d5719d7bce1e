"""Connexion's handler chain for each operation, built once at start-up instead of on every request.

Connexion 3.3's `AsyncOperation.fn` builds a `StarletteDecorator` on every request, and that decorator's wrapper
builds the sync-to-async, parameter and response decorators around the handler again on every call — including
`inspect.signature` of the handler. Nothing in that chain depends on the request: the decorators keep only the
framework, the jsonifier and `pythonic_params`, and read the request and the routed operation from connexion's
context variables when called. So `CachedAsyncApi` (installed by the app factory as the `api_cls` of connexion's
innermost app) makes each operation's chain once; requests run exactly the same code through it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator


class _OnceDecorator(StarletteDecorator):
    def __call__(self, function: Callable) -> Callable:
        decorated = self.decorate(function)  # connexion does this inside the wrapper, per request

        @functools.wraps(function)
        async def wrapper(*args, **kwargs):
            request = self.framework.get_request(uri_parser=self.uri_parser, scope=scope, receive=receive)
            return await decorated(request)

        return wrapper


class _CachedOperation(AsyncOperation):
    @functools.cached_property
    def fn(self) -> Callable:
        return _OnceDecorator(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)


class CachedAsyncApi(AsyncApi):
    def make_operation(self, operation) -> AsyncOperation:
        return _CachedOperation.from_operation(operation, pythonic_params=self.pythonic_params,
                                               jsonifier=self.jsonifier)
