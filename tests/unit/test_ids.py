"""Prefixed ULIDs: the documented pattern, and strictly increasing within a process."""

from __future__ import annotations

import re

from impl.ids import new_id, ulid

PATTERN = re.compile(r"^req_[0-9A-HJKMNP-TV-Z]{26}$")


def test_pattern_and_monotonic():
    ids = [new_id("req") for _ in range(5000)]
    assert all(PATTERN.match(i) for i in ids)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_same_millisecond_still_increases():
    a, b, c = ulid(1_700_000_000_000), ulid(1_700_000_000_000), ulid(1_699_999_999_999)
    assert a < b < c  # a clock step backwards never reorders ids
