"""Body policy, applied after routing and before security, from the operation's requestBody in the spec.

- An operation that declares no request body refuses a non-empty one: `415 unsupported_media_type`.
- A body whose Content-Type the operation does not declare: `415 unsupported_media_type`.
- A JSON body that is not UTF-8 or not well-formed JSON: `400 malformed_body` (connexion itself would answer
  a non-UTF-8 body with a 500).
Schema validation of a well-formed body stays connexion's job.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from generated.operations import BASE_PATH
from impl.errors import ApiError
from impl.middleware import header, routed_operation


class BodyPolicyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        op = routed_operation(scope)
        if op is not None:
            content_type = header(scope, b"content-type")
            media_type = content_type.split(";", 1)[0].strip().lower() if content_type is not None else None
            if content_type is not None and media_type in op.request_content_types:
                # Media types are case-insensitive, but connexion looks the body schema up by exact string: pass
                # it the canonical lower-case type, or an `Application/JSON` body would skip validation.
                _canonical_content_type(scope, media_type + content_type[len(content_type.split(";", 1)[0]):])
            check(op.method, op.path, op.request_content_types, media_type, scope.get("cooud.raw_body", b""))
        await self.app(scope, receive, send)


def _canonical_content_type(scope: Scope, value: str) -> None:
    scope["headers"] = [(k, value.encode("latin-1") if k.lower() == b"content-type" else v)
                        for k, v in scope["headers"]]


def check(method: str, path: str, accepted: tuple[str, ...], media_type: str | None, body: bytes) -> None:
    if not body:
        return
    if not accepted:
        raise ApiError("unsupported_media_type", f"{method} {BASE_PATH}{path} takes no request body.")
    if media_type not in accepted:
        raise ApiError(
            "unsupported_media_type",
            f"Content-Type {media_type or '(none)'!r} is not accepted; send {', '.join(accepted)}.",
        )
    if media_type == "application/json":
        try:
            json.loads(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise ApiError("malformed_body", "The request body is not valid UTF-8.") from None
        except ValueError as exc:
            raise ApiError("malformed_body", f"The request body is not well-formed JSON: {exc}.") from None
