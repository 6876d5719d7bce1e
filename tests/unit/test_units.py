"""Exact decimal <-> scaled integer conversion: never rounds, round-trips exactly."""

from __future__ import annotations

from decimal import Context, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from impl.domain.units import NotRepresentable, precision_of, to_string, to_units


@given(units=st.integers(min_value=-(10**30), max_value=10**30), precision=st.integers(0, 18))
def test_round_trip(units, precision):
    text = to_string(units, precision)
    assert to_units(text, precision) == units
    assert Decimal(text) == Decimal(units).scaleb(-precision, Context(prec=80))
    if precision:
        assert len(text.split(".")[1]) == precision


@given(units=st.integers(1, 10**12), precision=st.integers(0, 12))
def test_finer_values_are_rejected_not_rounded(units, precision):
    finer = to_string(units * 10 + 1, precision + 1)
    with pytest.raises(NotRepresentable):
        to_units(finer, precision)


@pytest.mark.parametrize(("step", "expected"), [("0.01", 2), ("1", 0), ("10", 0), ("0.010", 2), ("0.00001", 5)])
def test_precision_of(step, expected):
    assert precision_of(Decimal(step)) == expected


def test_garbage_is_not_representable():
    with pytest.raises(NotRepresentable):
        to_units("abc", 2)
    with pytest.raises(NotRepresentable):
        to_units("Infinity", 2)
