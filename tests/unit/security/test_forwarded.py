"""impl/security/forwarded.py: X-Forwarded-For is believed only from trusted proxies, read right to left."""

from __future__ import annotations

import pytest

from impl.security.forwarded import client_ip, parse_trusted

LB = parse_trusted("10.0.0.0/8, 127.0.0.1, ::1")


def xff(*values: str) -> list[tuple[bytes, bytes]]:
    return [(b"host", b"example"), *((b"x-forwarded-for", v.encode()) for v in values)]


def test_parse_trusted():
    assert parse_trusted("") == () and parse_trusted(" , ") == ()
    assert [str(n) for n in parse_trusted("127.0.0.1, 10.1.0.0/16,::1")] == ["127.0.0.1/32", "10.1.0.0/16", "::1/128"]
    for bad in ("localhost", "10.0.0.1/8", "300.1.1.1", "10.0.0.0/33"):
        with pytest.raises(ValueError):
            parse_trusted(bad)


def test_nothing_trusted_by_default_the_peer_is_the_client():
    assert client_ip("127.0.0.1", xff("203.0.113.7"), ()) == "127.0.0.1"
    assert client_ip("198.51.100.1", xff("203.0.113.7"), LB) == "198.51.100.1"  # peer is no proxy of ours
    assert client_ip("testclient", xff("203.0.113.7"), LB) == "testclient"  # not an IP: not trusted


def test_trusted_peer_right_most_untrusted_entry():
    assert client_ip("127.0.0.1", xff("203.0.113.7"), LB) == "203.0.113.7"
    # a client-written entry on the left is never read; trusted hops on the right are skipped
    assert client_ip("10.0.0.5", xff("1.2.3.4, 203.0.113.7, 10.0.0.9"), LB) == "203.0.113.7"
    # repeated headers are one list, in order
    assert client_ip("10.0.0.5", xff("1.2.3.4", "203.0.113.7", "10.0.0.9"), LB) == "203.0.113.7"
    assert client_ip("127.0.0.1", xff(), LB) == "127.0.0.1"  # no header: the peer
    assert client_ip("10.0.0.5", xff("10.0.0.7, 10.0.0.9"), LB) == "10.0.0.7"  # all trusted: the left-most


def test_ports_brackets_mapped_and_garbage():
    assert client_ip("127.0.0.1", xff("203.0.113.7:4711"), LB) == "203.0.113.7"
    assert client_ip("::1", xff("[2001:db8::1]:443"), LB) == "2001:db8::1"
    assert client_ip("::1", xff("2001:DB8:0::1"), LB) == "2001:db8::1"
    assert client_ip("::ffff:127.0.0.1", xff("203.0.113.7"), LB) == "203.0.113.7"  # dual-stack peer
    # unparseable entries end the walk at the proxy that passed them on — never the attacker's string
    assert client_ip("127.0.0.1", xff("unknown"), LB) == "127.0.0.1"
    assert client_ip("10.0.0.5", xff("203.0.113.7, _hidden, 10.0.0.9"), LB) == "10.0.0.9"
