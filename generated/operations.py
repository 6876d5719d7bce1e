# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
"""Operation table and error catalogue, derived from spec/openapi.yaml.

impl/ reads these at start-up: who may call what, what it costs, whether it needs an Idempotency-Key,
and which error codes exist with their HTTP status. There is no second table in code."""

from __future__ import annotations

from dataclasses import dataclass

API_VERSION = '1.0.0'
BASE_PATH = '/v1'


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    tag: str
    permission: str
    security: tuple[tuple[str, ...], ...]
    rate_limit_pool: str
    rate_limit_weight: int
    idempotency_required: bool
    request_content_types: tuple[str, ...]
    errors: tuple[str, ...]
    deprecated: bool
    sunset: str | None


@dataclass(frozen=True)
class ErrorCode:
    status: int
    retryable: bool
    description: str


OPERATIONS: dict[str, Operation] = {
    'getServerTime': Operation(operation_id='getServerTime', method='GET', path='/time', tag='system', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'internal_error'), deprecated=False, sunset=None),
    'getVersion': Operation(operation_id='getVersion', method='GET', path='/version', tag='system', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'internal_error'), deprecated=False, sunset=None),
    'listMarkets': Operation(operation_id='listMarkets', method='GET', path='/markets', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'internal_error'), deprecated=False, sunset=None),
    'getMarket': Operation(operation_id='getMarket', method='GET', path='/markets/{symbol}', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'market_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'internal_error'), deprecated=False, sunset=None),
    'getTicker': Operation(operation_id='getTicker', method='GET', path='/markets/{symbol}/ticker', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'market_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'internal_error'), deprecated=False, sunset=None),
    'getOrderBook': Operation(operation_id='getOrderBook', method='GET', path='/markets/{symbol}/orderbook', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=2, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'market_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'internal_error'), deprecated=False, sunset=None),
    'listMarketTrades': Operation(operation_id='listMarketTrades', method='GET', path='/markets/{symbol}/trades', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'market_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'internal_error'), deprecated=False, sunset=None),
    'getCandles': Operation(operation_id='getCandles', method='GET', path='/markets/{symbol}/candles', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=2, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'market_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'internal_error'), deprecated=False, sunset=None),
}

ERROR_CATALOGUE: dict[str, ErrorCode] = {
    'invalid_request': ErrorCode(status=400, retryable=False,
        description=('The body or parameters did not validate against this document (wrong type, pattern, range, '
 'unknown parameter or field).')),
    'malformed_body': ErrorCode(status=400, retryable=False,
        description='The request body could not be decoded — not UTF-8, or not well-formed JSON.'),
    'unauthenticated': ErrorCode(status=401, retryable=False,
        description='Credentials are missing or invalid.'),
    'forbidden': ErrorCode(status=403, retryable=False,
        description='The credential is valid but lacks the permission this operation requires.'),
    'not_found': ErrorCode(status=404, retryable=False,
        description='No resource exists at this path.'),
    'market_not_found': ErrorCode(status=404, retryable=False,
        description='The symbol in the path is not a listed market.'),
    'method_not_allowed': ErrorCode(status=405, retryable=False,
        description=('The path exists but does not support this HTTP method; the `Allow` header lists the methods it '
 'does support.')),
    'idempotency_in_flight': ErrorCode(status=409, retryable=True,
        description=('A request with the same Idempotency-Key is still being processed. Retry with the same key after '
 'a short back-off.')),
    'payload_too_large': ErrorCode(status=413, retryable=False,
        description='The request body is larger than the 1 MiB limit.'),
    'unsupported_media_type': ErrorCode(status=415, retryable=False,
        description="The request body's Content-Type is not one this operation accepts, or the operation takes no body."),
    'business_rule_violation': ErrorCode(status=422, retryable=False,
        description=('The request is well-formed but violates a platform rule; a more specific code is used where one '
 'exists.')),
    'insufficient_balance': ErrorCode(status=422, retryable=False,
        description='The account does not have enough free balance of the asset for this request.'),
    'rate_limited': ErrorCode(status=429, retryable=True,
        description='The rate-limit budget is exhausted; retry after the number of seconds in `Retry-After`.'),
    'internal_error': ErrorCode(status=500, retryable=True,
        description=('A bug on our side. Nothing has been applied unless the response to a retry with the same '
 'Idempotency-Key says so; quote the request_id when reporting it.')),
    'service_unavailable': ErrorCode(status=503, retryable=True,
        description=('The service is temporarily unable to handle the request (starting up, shutting down or '
 'overloaded).')),
}
