"""cooud_sdk: a small hand-written layer over the generated `cooud_exchange_client`.

`CooudClient.with_api_key(...)`, `CooudClient.login(...)` or `CooudClient.login_with_wallet(...)` returns an
object whose `.client` is the generated `AuthenticatedClient`; call the generated operation functions with it.
Signing, sessions, Idempotency-Key and retries happen in `CooudTransport`. `StreamClient` (cooud_sdk.stream) is the
asyncio client of the WebSocket stream, with reconnection and local order books. This package never imports the server
(`impl`): the signing recipe is re-implemented from spec/openapi.yaml and proved on spec/signing/vectors.json.
"""

from .auth import ApiKeyAuth, CookieAuth, Credential, SessionAuth
from .client import CooudClient
from .errors import ApiError, CooudError, SessionExpiredError
from .signing import canonical_message, canonical_message_v2, request_target, signature, signature_v2
from .siwe import siwe_message
from .stream import (
    BookNotReady,
    Reconnected,
    StreamClient,
    StreamClosedError,
    StreamError,
    StreamRequestError,
)
from .transport import CooudTransport

__all__ = [
    "ApiError",
    "ApiKeyAuth",
    "BookNotReady",
    "CookieAuth",
    "CooudClient",
    "CooudError",
    "CooudTransport",
    "Credential",
    "Reconnected",
    "SessionAuth",
    "SessionExpiredError",
    "StreamClient",
    "StreamClosedError",
    "StreamError",
    "StreamRequestError",
    "canonical_message",
    "canonical_message_v2",
    "request_target",
    "signature",
    "signature_v2",
    "siwe_message",
]
