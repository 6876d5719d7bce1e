"""The command codec (impl/domain/commands.py): every command type survives encode -> decode between processes
(the bus to the engine, impl/bus/), including the NewOrder and DomainError items of a batch, the NewConditional of
PlaceConditional and the (symbol, price) moves of TrackPrices; and the results the engine answers with over the bus
(impl/bus/link.py `outcome_of`), a ConditionalOrder among them, come back equal. PlaceOrderList's own `type` (oco,
oto, otoco) does not collide with the envelope's `type` (the command's name)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from impl.bus.link import outcome_of
from impl.domain.commands import (
    ActivateLists,
    AmendOrder,
    AmendOrders,
    CancelAll,
    CancelConditional,
    CancelOrder,
    CancelOrderList,
    CancelOrders,
    Deposit,
    PlaceConditional,
    PlaceOrder,
    PlaceOrderList,
    PlaceOrders,
    ReplaceQuotes,
    TrackPrices,
    decode_command,
    decode_result,
    encode_command,
    encode_result,
)
from impl.domain.conditional import FINAL_STATUSES, KINDS, LIVE_STATUSES, ConditionalOrder, NewConditional
from impl.domain.errors import DomainError, InvalidArgument, OrderRejected
from impl.domain.orders import NewOrder

text = st.text(max_size=20)
maybe_text = st.none() | text
# Integers within 64 bits: orjson (as for stored results) refuses more; amounts are far below it.
amount = st.none() | st.integers(min_value=0, max_value=2**63 - 1)
keys = st.none() | st.uuids().map(str)
origins = st.sampled_from(("api", "operator", "engine"))

new_orders = st.builds(NewOrder, symbol=text, side=st.sampled_from(("buy", "sell")),
                       type=st.sampled_from(("limit", "market")), tif=st.sampled_from(("GTC", "IOC", "FOK")),
                       post_only=st.booleans(), price=amount, size=amount, quote_size=amount,
                       client_order_id=maybe_text)
sides = st.sampled_from(("buy", "sell"))
new_conditionals = st.builds(NewConditional, symbol=text, side=sides, type=st.sampled_from(KINDS), trigger_price=amount,
                             price=amount, size=amount, quote_size=amount, tif=st.sampled_from(("GTC", "IOC", "FOK")),
                             activation_price=amount, callback_rate=amount, callback_amount=amount,
                             client_order_id=maybe_text)
moves = st.lists(st.tuples(text, st.integers(min_value=0, max_value=2**63 - 1)), max_size=5).map(tuple)
errors = st.one_of(st.builds(OrderRejected, text, text, field=maybe_text),
                   st.builds(InvalidArgument, text, field=maybe_text))
commands = st.one_of(
    st.builds(PlaceOrder, text, new_orders, keys, origins),
    st.builds(PlaceOrders, text, st.lists(new_orders | errors, max_size=5).map(tuple), keys, origins),
    st.builds(CancelOrder, text, text, keys, origins),
    st.builds(CancelOrders, text, st.lists(text, max_size=5).map(tuple), keys, origins),
    st.builds(CancelAll, text, text, st.none() | st.sampled_from(("buy", "sell")), keys, origins),
    st.builds(AmendOrder, text, text, maybe_text, maybe_text, keys, origins),
    st.builds(Deposit, text, text, st.integers(min_value=1, max_value=2**63 - 1), text, keys, origins),
    st.builds(PlaceConditional, text, new_conditionals, keys, origins),
    st.builds(CancelConditional, text, text, keys, origins),
    st.builds(TrackPrices, moves, text),
    st.builds(PlaceOrderList, text, st.sampled_from(("oco", "oto", "otoco")),
              st.lists(st.dictionaries(st.sampled_from(("symbol", "side", "type", "price", "size")), text),
                       max_size=3).map(tuple), maybe_text, keys, origins),
    st.builds(CancelOrderList, text, text, keys, origins),
    st.builds(ActivateLists, st.lists(text, max_size=3).map(tuple), text),
    st.builds(AmendOrders, text, text, st.lists(st.tuples(text, maybe_text, maybe_text), max_size=3).map(tuple),
              keys, origins),
    st.builds(ReplaceQuotes, text, text, text, *[st.lists(st.tuples(st.integers(1, 2**53), st.integers(1, 2**53)),
                                                          max_size=3).map(tuple)] * 2, st.booleans(), keys, origins),
)
times = st.integers(min_value=0, max_value=2**53)
conditional_orders = st.builds(
    ConditionalOrder, id=text, account=text, symbol=text, side=sides, type=st.sampled_from(KINDS),
    trigger_direction=st.sampled_from(("rise", "fall")), trigger_price=amount, price=amount, size=amount,
    quote_size=amount, tif=st.sampled_from(("GTC", "IOC", "FOK")), activation_price=amount, callback_rate=amount,
    callback_amount=amount, tracked_price=amount, client_order_id=maybe_text,
    status=st.sampled_from(LIVE_STATUSES + FINAL_STATUSES), reason=maybe_text, order_id=maybe_text,
    order_list_id=maybe_text, reserved=st.integers(min_value=0, max_value=2**63 - 1), created_at_ms=times,
    updated_at_ms=times, triggered_at_ms=st.none() | times)


def _comparable(command):
    """Errors compare by identity: compare their code, message and field instead."""
    if isinstance(command, PlaceOrders):
        items = tuple((e.code, e.message, e.field) if isinstance(e, DomainError) else e for e in command.orders)
        return PlaceOrders(command.account, items, command.idempotency_key, command.origin)
    return command


@given(commands)
def test_every_command_survives_the_codec(command):
    decoded = decode_command(encode_command(command))
    assert type(decoded) is type(command)
    assert _comparable(decoded) == _comparable(command)


@given(st.builds(PlaceOrders, text, st.lists(errors, min_size=1, max_size=3).map(tuple), keys))
def test_batch_errors_come_back_as_refusals_with_their_code(command):
    decoded = decode_command(encode_command(command))
    assert all(isinstance(e, OrderRejected) for e in decoded.orders)
    assert [e.code for e in decoded.orders] == [e.code for e in command.orders]


@given(conditional_orders)
def test_a_conditional_order_result_survives_the_codec_and_the_bus_reply(conditional):
    for decoded in (decode_result(encode_result(conditional)), outcome_of(encode_result(conditional))):
        assert type(decoded) is ConditionalOrder
        assert decoded == conditional
