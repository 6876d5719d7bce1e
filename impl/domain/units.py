"""Exact conversion between decimal strings on the wire and scaled integers inside.

Invariant: conversions never round. A value with more decimal places than the scale allows is rejected
(`NotRepresentable`), and `to_string(to_units(s, p), p)` equals `s` padded to `p` decimal places.
"""

from __future__ import annotations

from decimal import Context, Decimal, Inexact, InvalidOperation

# Enough digits for any value on the wire (30 integer + 18 fractional digits) times any scale, and a trap
# so that an operation that would have to round raises instead.
_EXACT = Context(prec=80, traps=[InvalidOperation, Inexact])


class NotRepresentable(ValueError):
    pass


def precision_of(step: Decimal) -> int:
    """Decimal places needed to write multiples of `step` (0.01 -> 2, 1 -> 0, 10 -> 0)."""
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def to_units(value: str | Decimal, precision: int) -> int:
    try:
        scaled = _EXACT.scaleb(Decimal(value), precision)
    except (InvalidOperation, Inexact) as exc:
        raise NotRepresentable(f"not a decimal: {value!r}") from exc
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise NotRepresentable(f"{value} has more than {precision} decimal places")
    return int(scaled)


def to_string(units: int, precision: int) -> str:
    """Write scaled integer `units` as a decimal string with exactly `precision` decimal places."""
    sign = "-" if units < 0 else ""
    digits = str(abs(units))
    if precision == 0:
        return sign + digits
    digits = digits.rjust(precision + 1, "0")
    return f"{sign}{digits[:-precision]}.{digits[-precision:]}"
