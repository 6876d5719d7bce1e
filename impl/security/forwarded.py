"""Which address a request comes from: the peer, unless the peer is a trusted proxy.

The address matters for security: an API key's IP allowlist, the network an access token is bound to and the
per-IP rate limits are all checked against it. A header is only a claim by whoever sent it, so a forwarded
address is believed only when the peer that delivered the request is in the operator's trusted-proxy list
(`COOUD_TRUSTED_PROXIES`, comma-separated IPs and CIDR ranges; **empty by default**: the peer is the client).

Header honoured: `X-Forwarded-For` only (every occurrence, joined in order, as RFC 9110 says repeated fields
are one comma-separated list). `Forwarded` (RFC 7239), `X-Real-IP`, `X-Forwarded-Host/-Proto` are ignored: a
proxy in front of this service must append the address it received the request from to `X-Forwarded-For`
(nginx `proxy_add_x_forwarded_for`, HAProxy `option forwardfor`, most load balancers by default).

Rule (as nginx's `real_ip_recursive on`): starting from the peer, while the current hop is a trusted proxy,
step one entry to the left in `X-Forwarded-For`; the first hop that is not a trusted proxy is the client.
Entries to the left of it were written by the client or by untrusted hops and are never read. When every
entry is trusted, the left-most one is the client. An entry that is not an IP address (garbage, `unknown`,
an obfuscated identifier) ends the walk at the trusted proxy that passed it on: the client is then that
proxy's address, never the unparseable string (which a client could vary to dodge per-IP limits).
Entries may carry a port (`198.51.100.7:4711`, `[2001:db8::1]:443`); it is dropped. Addresses come back in
canonical form (`str(ipaddress.ip_address(...))`).

Known limits: no `Forwarded` header support; trusting a proxy means trusting everything it appends, so list
only your own proxies and load balancers, never a range that clients can send from.
Pure: no I/O, no framework.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
HEADER = b"x-forwarded-for"


def parse_trusted(text: str) -> tuple[Network, ...]:
    """`"10.0.0.1, 10.1.0.0/16, ::1"` -> networks. Empty or blank text -> (). A host address with a prefix
    (`10.0.0.1/8`) is refused rather than silently widened: a trust list should say what it means."""
    networks: list[Network] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=True))
        except ValueError as exc:
            raise ValueError(f"not an IP address or CIDR range: {item!r} ({exc})") from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        if text.startswith("[") and "]" in text:  # [v6]:port
            text = text[1:text.index("]")]
        elif text.count(":") == 1:  # v4:port
            text = text.split(":", 1)[0]
        else:
            return None
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:192.0.2.1 is 192.0.2.1 (dual-stack sockets report it so)
    return address


def _trusted(address: Address | None, trusted: tuple[Network, ...]) -> bool:
    return address is not None and any(address.version == n.version and address in n for n in trusted)


def client_ip(peer_host: str, headers: Iterable[tuple[bytes, bytes]], trusted: tuple[Network, ...]) -> str:
    """The client's address for a request delivered by `peer_host` with these (lower-case, ASGI) headers."""
    if not trusted:
        return peer_host
    current = _address(peer_host)
    if not _trusted(current, trusted):
        return peer_host
    chain = [entry for name, value in headers if name == HEADER
             for entry in value.decode("latin-1").split(",") if entry.strip()]
    for entry in reversed(chain):
        hop = _address(entry)
        if hop is None:  # unparseable: the trusted proxy that passed it on is the best we know
            return str(current)
        current = hop
        if not _trusted(current, trusted):
            return str(current)
    return str(current) if chain else peer_host
