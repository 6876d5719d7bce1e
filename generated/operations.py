# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
"""Operation table and error catalogue, derived from spec/openapi.yaml.

impl/ reads these at start-up: who may call what, what it costs, whether it needs an Idempotency-Key,
and which error codes exist with their HTTP status. There is no second table in code."""

from __future__ import annotations

from dataclasses import dataclass

API_VERSION = '1.4.0'
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
    deprecated_at: str | None
    sunset: str | None


@dataclass(frozen=True)
class ErrorCode:
    status: int
    retryable: bool
    description: str


@dataclass(frozen=True)
class RateLimits:
    window_s: int
    cooloff_s: int
    anonymous_per_ip: int
    per_credential: dict[str, int]
    per_ip: dict[str, int]


OPERATIONS: dict[str, Operation] = {
    'getServerTime': Operation(operation_id='getServerTime', method='GET', path='/time', tag='system', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'getVersion': Operation(operation_id='getVersion', method='GET', path='/version', tag='system', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'listMarkets': Operation(operation_id='listMarkets', method='GET', path='/markets', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'getMarket': Operation(operation_id='getMarket', method='GET', path='/markets/{symbol}', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'market_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'getTicker': Operation(operation_id='getTicker', method='GET', path='/markets/{symbol}/ticker', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'market_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'getOrderBook': Operation(operation_id='getOrderBook', method='GET', path='/markets/{symbol}/orderbook', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=2, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'market_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'listMarketTrades': Operation(operation_id='listMarketTrades', method='GET', path='/markets/{symbol}/trades', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'market_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'getCandles': Operation(operation_id='getCandles', method='GET', path='/markets/{symbol}/candles', tag='markets', permission='public', security=(), rate_limit_pool='public', rate_limit_weight=2, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'market_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'login': Operation(operation_id='login', method='POST', path='/auth/login', tag='auth', permission='public', security=(), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'invalid_credentials', 'totp_required', 'totp_invalid', 'login_throttled', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'refreshSession': Operation(operation_id='refreshSession', method='POST', path='/auth/refresh', tag='auth', permission='public', security=(), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'refresh_token_invalid', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'logout': Operation(operation_id='logout', method='POST', path='/auth/logout', tag='auth', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'enrollTotp': Operation(operation_id='enrollTotp', method='POST', path='/auth/2fa/enroll', tag='auth', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'totp_already_enabled', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'confirmTotp': Operation(operation_id='confirmTotp', method='POST', path='/auth/2fa/confirm', tag='auth', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'totp_invalid', 'totp_not_enrolled', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'createSiweNonce': Operation(operation_id='createSiweNonce', method='POST', path='/auth/siwe/nonce', tag='auth', permission='public', security=(), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'verifySiwe': Operation(operation_id='verifySiwe', method='POST', path='/auth/siwe/verify', tag='auth', permission='public', security=(), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'siwe_invalid_message', 'siwe_invalid_signature', 'siwe_domain_mismatch', 'siwe_uri_mismatch', 'siwe_chain_mismatch', 'siwe_expired', 'siwe_not_yet_valid', 'siwe_nonce_invalid', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'redeemInvite': Operation(operation_id='redeemInvite', method='POST', path='/auth/redeem-invite', tag='auth', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invite_invalid', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'getAccount': Operation(operation_id='getAccount', method='GET', path='/account', tag='account', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'listApiKeys': Operation(operation_id='listApiKeys', method='GET', path='/account/api-keys', tag='api-keys', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'session_required', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'createApiKey': Operation(operation_id='createApiKey', method='POST', path='/account/api-keys', tag='api-keys', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'session_required', 'api_key_allowlist_required', 'api_key_limit_reached', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'deleteAllApiKeys': Operation(operation_id='deleteAllApiKeys', method='DELETE', path='/account/api-keys', tag='api-keys', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'session_required', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'getApiKey': Operation(operation_id='getApiKey', method='GET', path='/account/api-keys/{key_id}', tag='api-keys', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'session_required', 'api_key_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'deleteApiKey': Operation(operation_id='deleteApiKey', method='DELETE', path='/account/api-keys/{key_id}', tag='api-keys', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'session_required', 'api_key_not_found', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'updateApiKey': Operation(operation_id='updateApiKey', method='PATCH', path='/account/api-keys/{key_id}', tag='api-keys', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'session_required', 'api_key_not_found', 'api_key_allowlist_required', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'rotateApiKey': Operation(operation_id='rotateApiKey', method='POST', path='/account/api-keys/{key_id}/rotate', tag='api-keys', permission='session', security=(('bearerAuth',), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'session_required', 'api_key_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'listBalances': Operation(operation_id='listBalances', method='GET', path='/wallet/balances', tag='wallet', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'listOrders': Operation(operation_id='listOrders', method='GET', path='/orders', tag='orders', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'placeOrder': Operation(operation_id='placeOrder', method='POST', path='/orders', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'unknown_market', 'market_halted', 'invalid_tick_size', 'invalid_step_size', 'size_too_small', 'size_too_large', 'notional_too_small', 'price_out_of_range', 'post_only_would_take', 'duplicate_client_order_id', 'insufficient_balance', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'cancelAllOrders': Operation(operation_id='cancelAllOrders', method='DELETE', path='/orders', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=5, idempotency_required=True, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'unknown_market', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'replaceQuotes': Operation(operation_id='replaceQuotes', method='PUT', path='/quotes/{symbol}', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=5, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'unknown_market', 'market_halted', 'invalid_tick_size', 'invalid_step_size', 'size_too_small', 'size_too_large', 'notional_too_small', 'price_out_of_range', 'post_only_would_take', 'insufficient_balance', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'previewOrder': Operation(operation_id='previewOrder', method='POST', path='/orders/preview', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'unknown_market', 'market_halted', 'invalid_tick_size', 'invalid_step_size', 'size_too_small', 'size_too_large', 'notional_too_small', 'price_out_of_range', 'post_only_would_take', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'placeOrderBatch': Operation(operation_id='placeOrderBatch', method='POST', path='/orders/batch', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=5, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'cancelOrderBatch': Operation(operation_id='cancelOrderBatch', method='POST', path='/orders/cancel-batch', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=5, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'amendOrderBatch': Operation(operation_id='amendOrderBatch', method='POST', path='/orders/amend-batch', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=5, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'unknown_market', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'getOrder': Operation(operation_id='getOrder', method='GET', path='/orders/{order_id}', tag='orders', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'order_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'cancelOrder': Operation(operation_id='cancelOrder', method='DELETE', path='/orders/{order_id}', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'order_not_found', 'order_not_open', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'amendOrder': Operation(operation_id='amendOrder', method='PATCH', path='/orders/{order_id}', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'order_not_found', 'order_not_open', 'order_in_order_list', 'market_halted', 'invalid_tick_size', 'invalid_step_size', 'size_too_small', 'size_too_large', 'notional_too_small', 'price_out_of_range', 'post_only_would_take', 'insufficient_balance', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'listFills': Operation(operation_id='listFills', method='GET', path='/fills', tag='orders', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'listConditionalOrders': Operation(operation_id='listConditionalOrders', method='GET', path='/conditional-orders', tag='orders', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'placeConditionalOrder': Operation(operation_id='placeConditionalOrder', method='POST', path='/conditional-orders', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'unknown_market', 'market_halted', 'invalid_tick_size', 'invalid_step_size', 'size_too_small', 'size_too_large', 'notional_too_small', 'price_out_of_range', 'trigger_price_type_unsupported', 'duplicate_client_order_id', 'would_trigger_immediately', 'insufficient_balance', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'listConditionalOrderHistory': Operation(operation_id='listConditionalOrderHistory', method='GET', path='/conditional-orders/history', tag='orders', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'getConditionalOrder': Operation(operation_id='getConditionalOrder', method='GET', path='/conditional-orders/{conditional_order_id}', tag='orders', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'conditional_order_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'cancelConditionalOrder': Operation(operation_id='cancelConditionalOrder', method='DELETE', path='/conditional-orders/{conditional_order_id}', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'conditional_order_not_found', 'conditional_order_not_open', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'listOrderLists': Operation(operation_id='listOrderLists', method='GET', path='/order-lists', tag='orders', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'placeOrderList': Operation(operation_id='placeOrderList', method='POST', path='/order-lists', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=2, idempotency_required=True, request_content_types=('application/json',), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'unknown_market', 'market_halted', 'invalid_tick_size', 'invalid_step_size', 'size_too_small', 'size_too_large', 'notional_too_small', 'price_out_of_range', 'post_only_would_take', 'trigger_price_type_unsupported', 'duplicate_client_order_id', 'would_trigger_immediately', 'insufficient_balance', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'listOrderListHistory': Operation(operation_id='listOrderListHistory', method='GET', path='/order-lists/history', tag='orders', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'getOrderList': Operation(operation_id='getOrderList', method='GET', path='/order-lists/{order_list_id}', tag='orders', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='read', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'order_list_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'cancelOrderList': Operation(operation_id='cancelOrderList', method='DELETE', path='/order-lists/{order_list_id}', tag='orders', permission='trade', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=True, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'invite_required', 'order_list_not_found', 'order_list_not_open', 'idempotency_in_flight', 'idempotency_key_reused', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'createListenKey': Operation(operation_id='createListenKey', method='POST', path='/stream/listen-keys', tag='stream', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'renewListenKey': Operation(operation_id='renewListenKey', method='PUT', path='/stream/listen-keys/{listen_key}', tag='stream', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'listen_key_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
    'closeListenKey': Operation(operation_id='closeListenKey', method='DELETE', path='/stream/listen-keys/{listen_key}', tag='stream', permission='read', security=(('bearerAuth',), ('apiKey', 'apiKeySignature', 'apiKeyTimestamp'), ('sessionCookie',)), rate_limit_pool='write', rate_limit_weight=1, idempotency_required=False, request_content_types=(), errors=('invalid_request', 'malformed_body', 'unauthenticated', 'token_expired', 'session_network_changed', 'invalid_signature', 'timestamp_skew', 'signature_replayed', 'signature_version_unsupported', 'api_key_expired', 'api_key_disabled', 'forbidden', 'ip_not_allowed', 'listen_key_not_found', 'payload_too_large', 'unsupported_media_type', 'rate_limited', 'rate_limit_cooloff', 'service_unavailable', 'internal_error'), deprecated=False, deprecated_at=None, sunset=None),
}

# The budgets of x-cooud-rate-limits: weight units per window; per_credential/per_ip by pool.
RATE_LIMITS = RateLimits(window_s=60, cooloff_s=900, anonymous_per_ip=600,
    per_credential={'public': 1200, 'read': 1200, 'write': 300, 'withdraw': 60},
    per_ip={'public': 2400, 'read': 2400, 'write': 600, 'withdraw': 120})

ERROR_CATALOGUE: dict[str, ErrorCode] = {
    'invalid_request': ErrorCode(status=400, retryable=False,
        description=('The body or parameters did not validate against this document (wrong type, pattern, range, '
 'unknown parameter or field).')),
    'malformed_body': ErrorCode(status=400, retryable=False,
        description=('The request body could not be decoded — not UTF-8, not well-formed JSON (RFC 8259: no NaN or '
 'Infinity, no byte order mark), an object with the same key twice (`details[0].field` names it), '
 'or arrays and objects nested deeper than 32 levels.')),
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
    'login_throttled': ErrorCode(status=429, retryable=True,
        description=('Too many password sign-in attempts for this email without success: 5 within a 15-minute window '
 '(opened by the first of them) close password sign-in for that email until the window ends, '
 'whatever the password; `Retry-After` says how long is left. A successful sign-in resets the '
 'count; attempts refused for a missing or wrong TOTP code count too. Unknown emails are throttled '
 'the same way.')),
    'rate_limit_cooloff': ErrorCode(status=429, retryable=True,
        description=("The client kept sending while rate-limited (a whole extra budget's worth of refused requests "
 'within one window), so the budget is closed for 15 minutes; `Retry-After` says how long is left. '
 'Schedule requests from the X-RateLimit headers to avoid it.')),
    'internal_error': ErrorCode(status=500, retryable=True,
        description=('A bug on our side. Nothing has been applied unless the response to a retry with the same '
 'Idempotency-Key says so; quote the request_id when reporting it.')),
    'service_unavailable': ErrorCode(status=503, retryable=True,
        description=('A part the request needs could not answer in time: the trading engine of a scaled deployment did '
 'not answer within its bounded wait (the request may still be applied: retry with the same '
 'Idempotency-Key), or the signature replay guard could not check a signed request (nothing was '
 'applied). Retry after a short pause.')),
    'invalid_credentials': ErrorCode(status=401, retryable=False,
        description='The email and password do not match an account.'),
    'totp_required': ErrorCode(status=401, retryable=False,
        description='Two-factor authentication is enabled for this account: send `totp_code`.'),
    'totp_invalid': ErrorCode(status=401, retryable=False,
        description='The TOTP code is wrong, expired or was already used.'),
    'token_expired': ErrorCode(status=401, retryable=False,
        description='The access token has expired; refresh the session with `POST /auth/refresh`.'),
    'session_network_changed': ErrorCode(status=401, retryable=False,
        description=('The access token was issued to another network (IPv4 /24, IPv6 /48). Sign in again from this '
 'network (soft re-authentication); the refresh token cannot carry a session across networks.')),
    'refresh_token_invalid': ErrorCode(status=401, retryable=False,
        description=('The refresh token is unknown, expired, revoked or was already rotated; a rotated token presented '
 'again revokes its whole session family.')),
    'invalid_signature': ErrorCode(status=401, retryable=False,
        description=("The X-Cooud-Signature does not match the request (see the apiKey scheme's `x-cooud-signing` "
 'recipe), or the key is unknown.')),
    'timestamp_skew': ErrorCode(status=401, retryable=True,
        description=('X-Cooud-Timestamp is not unix milliseconds (signature version 2) or unix seconds (version 1), or '
 'is more than 30 seconds from server time (see `GET /time`).')),
    'signature_replayed': ErrorCode(status=401, retryable=False,
        description=('This exact signed request was already received; sign each request afresh (signature version 2 '
 'uses a millisecond timestamp, so identical requests in one second differ).')),
    'signature_version_unsupported': ErrorCode(status=401, retryable=False,
        description=('X-Cooud-Signature-Version names a signing recipe this server does not accept: an unknown '
 "version, or version 1 (no header) from its sunset on. Sign with version 2 (the apiKey scheme's "
 '`x-cooud-signing`).')),
    'api_key_expired': ErrorCode(status=401, retryable=False,
        description='The API key has passed its expiry; rotate it or create a new one.'),
    'api_key_disabled': ErrorCode(status=401, retryable=False,
        description='The API key is disabled; enable it from a session.'),
    'session_required': ErrorCode(status=403, retryable=False,
        description=('This operation needs a session (bearer JWT or session cookie); API keys can never manage keys or '
 'sessions.')),
    'ip_not_allowed': ErrorCode(status=403, retryable=False,
        description='The API key may not be used from this IP address (its allowlist).'),
    'invite_required': ErrorCode(status=403, retryable=False,
        description='Trading needs a redeemed invite: `POST /auth/redeem-invite`.'),
    'api_key_not_found': ErrorCode(status=404, retryable=False,
        description='No API key with this id on your account.'),
    'idempotency_key_reused': ErrorCode(status=422, retryable=False,
        description=('This Idempotency-Key was already used for a different request; use a fresh key per logical '
 'operation.')),
    'totp_already_enabled': ErrorCode(status=422, retryable=False,
        description='Two-factor authentication is already active.'),
    'totp_not_enrolled': ErrorCode(status=422, retryable=False,
        description='No pending TOTP enrolment to confirm; call `POST /auth/2fa/enroll` first.'),
    'invite_invalid': ErrorCode(status=422, retryable=False,
        description='The invite code is unknown or already used.'),
    'api_key_allowlist_required': ErrorCode(status=422, retryable=False,
        description='A key with the `withdraw` scope needs a non-empty IP allowlist.'),
    'api_key_limit_reached': ErrorCode(status=422, retryable=False,
        description='The account already has the maximum of 50 API keys.'),
    'siwe_invalid_message': ErrorCode(status=401, retryable=False,
        description='The message is not a well-formed EIP-4361 message or lacks an Expiration Time.'),
    'siwe_invalid_signature': ErrorCode(status=401, retryable=False,
        description="The signature is malformed or was not made by the message's address."),
    'siwe_domain_mismatch': ErrorCode(status=401, retryable=False,
        description="The message's domain is not this server's."),
    'siwe_uri_mismatch': ErrorCode(status=401, retryable=False,
        description="The message's URI is not this server's."),
    'siwe_chain_mismatch': ErrorCode(status=401, retryable=False,
        description="The message's chain id is not the one this server accepts."),
    'siwe_expired': ErrorCode(status=401, retryable=False,
        description=('The message has expired, was issued too long ago, or its validity window is longer than allowed '
 '(10 minutes).')),
    'siwe_not_yet_valid': ErrorCode(status=401, retryable=False,
        description="The message's issued-at or not-before time is in the future."),
    'siwe_nonce_invalid': ErrorCode(status=401, retryable=False,
        description='The nonce was not issued by this server, has expired, or was already used.'),
    'order_not_found': ErrorCode(status=404, retryable=False,
        description='No order with this id exists in your account.'),
    'order_not_open': ErrorCode(status=422, retryable=False,
        description='The order is already filled, cancelled or expired; it can no longer be cancelled or amended.'),
    'unknown_market': ErrorCode(status=422, retryable=False,
        description='The order names a market that is not listed.'),
    'market_halted': ErrorCode(status=422, retryable=True,
        description=('The market is halted: new orders and amends are refused, cancels accepted. Retry when it trades '
 'again.')),
    'invalid_tick_size': ErrorCode(status=422, retryable=False,
        description="The price is not a positive multiple of the market's tick size."),
    'invalid_step_size': ErrorCode(status=422, retryable=False,
        description=("The size is not a positive multiple of the market's step size (or an amount has more decimals "
 'than its asset allows).')),
    'size_too_small': ErrorCode(status=422, retryable=False,
        description="The size is below the market's minimum size."),
    'size_too_large': ErrorCode(status=422, retryable=False,
        description="The size is above the market's maximum size."),
    'notional_too_small': ErrorCode(status=422, retryable=False,
        description="price × size (or the quote amount of a market buy) is below the market's minimum notional."),
    'price_out_of_range': ErrorCode(status=422, retryable=False,
        description='The price, or price × size, is beyond what the exchange can settle.'),
    'post_only_would_take': ErrorCode(status=422, retryable=False,
        description='A post-only order would have matched on arrival, so it was not placed (or not amended).'),
    'duplicate_client_order_id': ErrorCode(status=422, retryable=False,
        description=('Another order of your account already has this client_order_id (for a conditional order: another '
 "conditional order of your account has it; for a strategy order's client_list_id: another "
 'strategy order of your account has it).')),
    'conditional_order_not_found': ErrorCode(status=404, retryable=False,
        description='No conditional order with this id exists in your account.'),
    'conditional_order_not_open': ErrorCode(status=422, retryable=False,
        description=('The conditional order has already fired (`triggered`) or ended (`finished`, `cancelled`, '
 '`rejected`, `expired`); only a `new` one can be cancelled. To stop a triggered one, cancel the '
 'order it placed (its `order_id`).')),
    'would_trigger_immediately': ErrorCode(status=422, retryable=False,
        description=("The market's last trade price already meets the trigger price, so the conditional order would "
 'fire on arrival. Place an ordinary order instead, or set a trigger the last price has not '
 'reached. Never returned for trailing stops, nor by a market that has not traded yet.')),
    'trigger_price_type_unsupported': ErrorCode(status=422, retryable=False,
        description=('`trigger_price_type` `mark` or `index` is not offered yet: those prices exist only for perpetual '
 'markets, which are not listed yet. Use `last` (the default).')),
    'order_list_not_found': ErrorCode(status=404, retryable=False,
        description='No strategy order (order list) with this id exists in your account.'),
    'order_list_not_open': ErrorCode(status=422, retryable=False,
        description=('The strategy order has already ended (`done`, `cancelled`, `rejected`); only a `working` one can '
 'be cancelled.')),
    'order_in_order_list': ErrorCode(status=422, retryable=False,
        description=('The order is a leg of a working strategy order (its `order_list_id`), and legs cannot be '
 'amended: cancel the strategy order (`DELETE /order-lists/{order_list_id}`) and place a new one.')),
    'listen_key_not_found': ErrorCode(status=404, retryable=False,
        description='The listen key does not exist, is not yours, has expired or was closed. Create a new one.'),
    'too_many_channels': ErrorCode(status=422, retryable=False,
        description=('WebSocket: the subscription would take the connection past its 256 channels. Unsubscribe first '
 'or open another connection.')),
    'too_many_connections': ErrorCode(status=429, retryable=True,
        description='WebSocket: the credential already authenticates 8 connections. Close one, then authenticate again.'),
}
