# generated from spec/openapi.yaml by tools/codegen.py — do not edit; change the spec and run `make generate`
"""Contains all the data models used in inputs/outputs"""

from .candle import Candle
from .candle_interval import CandleInterval
from .candle_series import CandleSeries
from .error import Error
from .error_detail import ErrorDetail
from .error_envelope import ErrorEnvelope
from .market import Market
from .market_list import MarketList
from .market_status import MarketStatus
from .order_book import OrderBook
from .public_trade import PublicTrade
from .server_time import ServerTime
from .side import Side
from .ticker import Ticker
from .trade_list import TradeList
from .version_info import VersionInfo

__all__ = (
    "Candle",
    "CandleInterval",
    "CandleSeries",
    "Error",
    "ErrorDetail",
    "ErrorEnvelope",
    "Market",
    "MarketList",
    "MarketStatus",
    "OrderBook",
    "PublicTrade",
    "ServerTime",
    "Side",
    "Ticker",
    "TradeList",
    "VersionInfo",
)
