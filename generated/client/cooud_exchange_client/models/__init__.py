# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .account_invite_status import AccountInviteStatus
from .api_key import ApiKey
from .api_key_create_request import ApiKeyCreateRequest
from .api_key_list import ApiKeyList
from .api_key_scope import ApiKeyScope
from .api_key_status import ApiKeyStatus
from .api_key_update_request import ApiKeyUpdateRequest
from .api_key_update_request_status import ApiKeyUpdateRequestStatus
from .api_key_with_secret import ApiKeyWithSecret
from .balance import Balance
from .balance_list import BalanceList
from .batch_amend_item import BatchAmendItem
from .batch_amend_item_request import BatchAmendItemRequest
from .batch_amend_request import BatchAmendRequest
from .batch_amend_result import BatchAmendResult
from .batch_cancel_item import BatchCancelItem
from .batch_cancel_request import BatchCancelRequest
from .batch_cancel_result import BatchCancelResult
from .batch_place_item import BatchPlaceItem
from .batch_place_request import BatchPlaceRequest
from .batch_place_result import BatchPlaceResult
from .cancel_all_orders_kind import CancelAllOrdersKind
from .cancelled_orders import CancelledOrders
from .candle import Candle
from .candle_interval import CandleInterval
from .candle_series import CandleSeries
from .conditional_order import ConditionalOrder
from .conditional_order_list import ConditionalOrderList
from .conditional_order_request import ConditionalOrderRequest
from .conditional_order_status import ConditionalOrderStatus
from .conditional_order_type import ConditionalOrderType
from .error import Error
from .error_detail import ErrorDetail
from .error_envelope import ErrorEnvelope
from .fee_tier import FeeTier
from .fill import Fill
from .fill_list import FillList
from .liquidity import Liquidity
from .listen_key import ListenKey
from .login_request import LoginRequest
from .market import Market
from .market_list import MarketList
from .market_status import MarketStatus
from .order import Order
from .order_amend_request import OrderAmendRequest
from .order_book import OrderBook
from .order_list import OrderList
from .order_preview import OrderPreview
from .order_request import OrderRequest
from .order_status import OrderStatus
from .order_type import OrderType
from .preview_fill import PreviewFill
from .public_trade import PublicTrade
from .quote_level import QuoteLevel
from .quotes_replaced import QuotesReplaced
from .quotes_request import QuotesRequest
from .redeem_invite_request import RedeemInviteRequest
from .refresh_request import RefreshRequest
from .server_time import ServerTime
from .session_tokens import SessionTokens
from .session_tokens_token_type import SessionTokensTokenType
from .side import Side
from .siwe_nonce import SiweNonce
from .siwe_verify_request import SiweVerifyRequest
from .strategy_order import StrategyOrder
from .strategy_order_leg import StrategyOrderLeg
from .strategy_order_leg_role import StrategyOrderLegRole
from .strategy_order_leg_status import StrategyOrderLegStatus
from .strategy_order_list import StrategyOrderList
from .strategy_order_request import StrategyOrderRequest
from .strategy_order_status import StrategyOrderStatus
from .strategy_order_type import StrategyOrderType
from .ticker import Ticker
from .time_in_force import TimeInForce
from .totp_confirm_request import TotpConfirmRequest
from .totp_enrollment import TotpEnrollment
from .trade_list import TradeList
from .trigger_direction import TriggerDirection
from .trigger_price_type import TriggerPriceType
from .version_info import VersionInfo
from .wallet_session import WalletSession

__all__ = (
    "Account",
    "AccountInviteStatus",
    "ApiKey",
    "ApiKeyCreateRequest",
    "ApiKeyList",
    "ApiKeyScope",
    "ApiKeyStatus",
    "ApiKeyUpdateRequest",
    "ApiKeyUpdateRequestStatus",
    "ApiKeyWithSecret",
    "Balance",
    "BalanceList",
    "BatchAmendItem",
    "BatchAmendItemRequest",
    "BatchAmendRequest",
    "BatchAmendResult",
    "BatchCancelItem",
    "BatchCancelRequest",
    "BatchCancelResult",
    "BatchPlaceItem",
    "BatchPlaceRequest",
    "BatchPlaceResult",
    "CancelAllOrdersKind",
    "CancelledOrders",
    "Candle",
    "CandleInterval",
    "CandleSeries",
    "ConditionalOrder",
    "ConditionalOrderList",
    "ConditionalOrderRequest",
    "ConditionalOrderStatus",
    "ConditionalOrderType",
    "Error",
    "ErrorDetail",
    "ErrorEnvelope",
    "FeeTier",
    "Fill",
    "FillList",
    "Liquidity",
    "ListenKey",
    "LoginRequest",
    "Market",
    "MarketList",
    "MarketStatus",
    "Order",
    "OrderAmendRequest",
    "OrderBook",
    "OrderList",
    "OrderPreview",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "PreviewFill",
    "PublicTrade",
    "QuoteLevel",
    "QuotesReplaced",
    "QuotesRequest",
    "RedeemInviteRequest",
    "RefreshRequest",
    "ServerTime",
    "SessionTokens",
    "SessionTokensTokenType",
    "Side",
    "SiweNonce",
    "SiweVerifyRequest",
    "StrategyOrder",
    "StrategyOrderLeg",
    "StrategyOrderLegRole",
    "StrategyOrderLegStatus",
    "StrategyOrderList",
    "StrategyOrderRequest",
    "StrategyOrderStatus",
    "StrategyOrderType",
    "Ticker",
    "TimeInForce",
    "TotpConfirmRequest",
    "TotpEnrollment",
    "TradeList",
    "TriggerDirection",
    "TriggerPriceType",
    "VersionInfo",
    "WalletSession",
)
