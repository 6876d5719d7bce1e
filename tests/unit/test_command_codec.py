"""The command codec (impl/domain/commands.py): every command type survives encode -> decode between processes
(the bus to the engine, impl/bus/), including the NewOrder and DomainError items of a batch."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from impl.domain.commands import (
    AmendOrder,
    CancelAll,
    CancelOrder,
    CancelOrders,
    Deposit,
    PlaceOrder,
    PlaceOrders,
    decode_command,
    encode_command,
)
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
)


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
