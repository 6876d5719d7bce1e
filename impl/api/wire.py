"""Domain values -> JSON shapes of spec/openapi.yaml. Decimal strings and timestamps are written here only."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from impl.domain.identity_model import FEE_TIERS
from impl.domain.model import BookSnapshot, Candle, Market, Ticker, Trade
from impl.domain.units import to_string


def symbol(url_symbol: str) -> str:
    """`BTC-USDT` as written in URL paths and query strings -> `BTC/USDT` as in JSON and the domain."""
    return url_symbol.replace("-", "/", 1)


def timestamp(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def market(m: Market) -> dict:
    return {
        "symbol": m.symbol,
        "base": m.base,
        "quote": m.quote,
        "status": m.status,
        "tick_size": str(m.tick_size),
        "step_size": str(m.step_size),
        "min_size": str(m.min_size),
        "max_size": str(m.max_size),
        "min_notional": str(m.min_notional),
        "price_precision": m.price_precision,
        "size_precision": m.size_precision,
        "maker_fee_rate": str(m.maker_fee_rate),
        "taker_fee_rate": str(m.taker_fee_rate),
    }


def _opt(units: int | None, precision: int) -> str | None:
    return None if units is None else to_string(units, precision)


def _percent(change: int, base: int) -> str:
    value = (Decimal(change) * 100 / Decimal(base)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return str(value + 0)  # + 0 turns -0.00 into 0.00


def ticker(t: Ticker, m: Market) -> dict:
    pp, sp = m.price_precision, m.size_precision
    change = None if t.last is None else t.last - t.open
    percent = None if change is None else _percent(change, t.open)
    bid, ask = t.best_bid or (None, None), t.best_ask or (None, None)
    return {
        "symbol": t.symbol,
        "open": _opt(t.open, pp),
        "high": _opt(t.high, pp),
        "low": _opt(t.low, pp),
        "last": _opt(t.last, pp),
        "volume": to_string(t.volume, sp),
        "quote_volume": to_string(t.quote_volume, m.quote_precision),
        "change": _opt(change, pp),
        "change_percent": percent,
        "best_bid": _opt(bid[0], pp),
        "best_bid_size": _opt(bid[1], sp),
        "best_ask": _opt(ask[0], pp),
        "best_ask_size": _opt(ask[1], sp),
        "ts": timestamp(t.ts_ms),
    }


def orderbook(b: BookSnapshot, m: Market) -> dict:
    pp, sp = m.price_precision, m.size_precision
    return {
        "symbol": b.symbol,
        "sequence": b.sequence,
        "bids": [[to_string(p, pp), to_string(s, sp)] for p, s in b.bids],
        "asks": [[to_string(p, pp), to_string(s, sp)] for p, s in b.asks],
        "ts": timestamp(b.ts_ms),
    }


def trade(t: Trade, m: Market) -> dict:
    return {
        "id": t.id,
        "symbol": t.symbol,
        "price": to_string(t.price, m.price_precision),
        "size": to_string(t.size, m.size_precision),
        "taker_side": t.taker_side,
        "ts": timestamp(t.ts_ms),
    }


def candle(c: Candle, m: Market) -> dict:
    pp = m.price_precision
    return {
        "open_time": timestamp(c.open_time_ms),
        "open": to_string(c.open, pp),
        "high": to_string(c.high, pp),
        "low": to_string(c.low, pp),
        "close": to_string(c.close, pp),
        "volume": to_string(c.volume, m.size_precision),
        "quote_volume": to_string(c.quote_volume, m.quote_precision),
        "trades": c.trades,
    }


def session_tokens(issued) -> dict:
    return {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_at": timestamp(issued.expires_at_ms),
        "refresh_token": issued.refresh_token,
        "refresh_expires_at": timestamp(issued.refresh_expires_at_ms),
        "user_id": issued.user_id,
    }


def account(user) -> dict:
    maker, taker = FEE_TIERS[user.fee_tier]
    return {
        "id": user.id,
        "email": user.email,
        "wallet_address": user.wallet_address,
        "two_factor_enabled": user.two_factor_enabled,
        "invite_status": user.invite_status,
        "fee_tier": {"tier": user.fee_tier, "maker_fee_rate": maker, "taker_fee_rate": taker},
        "created_at": timestamp(user.created_at_ms),
    }


def api_key(key) -> dict:
    return {
        "id": key.id,
        "label": key.label,
        "scopes": list(key.scopes),
        "ip_allowlist": list(key.ip_allowlist),
        "status": key.status,
        "created_at": timestamp(key.created_at_ms),
        "expires_at": timestamp(key.expires_at_ms),
        "rotated_at": None if key.rotated_at_ms is None else timestamp(key.rotated_at_ms),
    }


def listen_key(key: str, expires_at_ms: int) -> dict:
    return {"listen_key": key, "expires_at": timestamp(expires_at_ms)}


# -- trading ---------------------------------------------------------------------------------------------------
def _avg_price(filled: int, filled_quote: int, u) -> str | None:
    """Volume-weighted average fill price, to the quote asset's precision (half-even)."""
    if not filled:
        return None
    value = (Decimal(filled_quote) * Decimal(10) ** u.market.size_precision
             / (Decimal(filled) * Decimal(10) ** u.quote_precision))
    return str(value.quantize(Decimal(1).scaleb(-u.quote_precision), rounding=ROUND_HALF_EVEN))


def order(o, u) -> dict:
    m = u.market
    pp, sp = m.price_precision, m.size_precision
    fee_asset, fee_precision = u.received_asset(o.side)
    return {
        "id": o.id,
        "client_order_id": o.client_order_id,
        "symbol": o.symbol,
        "side": o.side,
        "type": o.type,
        "tif": o.tif,
        "post_only": o.post_only,
        "price": _opt(o.price, pp),
        "size": _opt(o.size, sp),
        "quote_size": _opt(o.quote_size, u.quote_precision),
        "status": o.status,
        "filled": to_string(o.filled, sp),
        "remaining": to_string(o.remaining, sp),
        "average_price": _avg_price(o.filled, o.filled_quote, u),
        "fee": to_string(o.fee, fee_precision),
        "fee_asset": fee_asset,
        "cancel_reason": o.cancel_reason,
        "conditional_order_id": o.parent_id if o.parent_id and o.parent_id.startswith("cond_") else None,
        "order_list_id": o.parent_id if o.parent_id and o.parent_id.startswith("olst_") else None,
        "created_at": timestamp(o.created_at_ms),
        "updated_at": timestamp(o.updated_at_ms),
    }


def conditional_order(c, u) -> dict:
    m = u.market
    pp, sp = m.price_precision, m.size_precision
    asset = u.reserved_asset(c.side)
    return {
        "id": c.id,
        "client_order_id": c.client_order_id,
        "symbol": c.symbol,
        "side": c.side,
        "type": c.type,
        "trigger_price_type": "last",
        "trigger_direction": c.trigger_direction,
        "trigger_price": _opt(c.trigger_price, pp),
        "activation_price": _opt(c.activation_price, pp),
        "callback_rate": _opt(c.callback_rate, 2),
        "callback_amount": _opt(c.callback_amount, pp),
        "tracked_price": _opt(c.tracked_price, pp),
        "price": _opt(c.price, pp),
        "size": _opt(c.size, sp),
        "quote_size": _opt(c.quote_size, u.quote_precision),
        "tif": c.tif,
        "status": c.status,
        "reason": c.reason,
        "order_id": c.order_id,
        "order_list_id": c.order_list_id,
        "reserved": to_string(c.reserved, u.base_precision if asset == m.base else u.quote_precision),
        "reserved_asset": asset,
        "created_at": timestamp(c.created_at_ms),
        "updated_at": timestamp(c.updated_at_ms),
        "triggered_at": _opt_time(c.triggered_at_ms),
    }


def order_list(lst) -> dict:
    return {
        "id": lst.id,
        "client_list_id": lst.client_list_id,
        "type": lst.type,
        "symbol": lst.symbol,
        "status": lst.status,
        "reason": lst.reason,
        "legs": [{"role": leg.role, "status": leg.status, "reason": leg.reason, "order_id": leg.order_id,
                  "conditional_order_id": leg.conditional_order_id, "request": leg.request} for leg in lst.legs],
        "created_at": timestamp(lst.created_at_ms),
        "updated_at": timestamp(lst.updated_at_ms),
    }


def _opt_time(ms: int | None) -> str | None:
    return None if ms is None else timestamp(ms)


def fill(f, u) -> dict:
    m = u.market
    fee_asset, fee_precision = u.received_asset(f.side)
    return {
        "id": f.id,
        "order_id": f.order_id,
        "trade_id": f.trade_id,
        "symbol": f.symbol,
        "side": f.side,
        "price": to_string(f.price, m.price_precision),
        "size": to_string(f.size, m.size_precision),
        "quote_amount": to_string(f.quote, u.quote_precision),
        "fee": to_string(f.fee, fee_precision),
        "fee_asset": fee_asset,
        "liquidity": f.liquidity,
        "created_at": timestamp(f.ts_ms),
    }


def balance(asset: str, free: int, locked: int, precision: int) -> dict:
    return {"asset": asset, "total": to_string(free + locked, precision), "free": to_string(free, precision),
            "locked": to_string(locked, precision)}


def preview(p, u, assets: dict[str, int]) -> dict:
    m = u.market
    pp, sp = m.price_precision, m.size_precision
    notional_units = sum(price * size for price, size in p.fills)
    filled = sum(size for _, size in p.fills)
    return {
        "symbol": m.symbol,
        "side": p.order.side,
        "type": p.order.type,
        "fills": [{"price": to_string(price, pp), "size": to_string(size, sp)} for price, size in p.fills],
        "filled": to_string(filled, sp),
        "rests": to_string(p.rests, sp),
        "unfilled": to_string(p.unfilled, sp),
        "average_price": _avg_price(filled, notional_units * u.quote_factor, u),
        "notional": to_string(p.notional, u.quote_precision),
        "fee": to_string(p.fee, assets[p.fee_asset]),
        "fee_asset": p.fee_asset,
        "reserve_asset": p.reserve_asset,
        "reserve_amount": to_string(p.reserve_amount, assets[p.reserve_asset]),
        "available": to_string(p.available, assets[p.reserve_asset]),
        "covered": p.available >= p.reserve_amount,
    }
