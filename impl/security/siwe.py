"""Sign-In with Ethereum (EIP-4361): strict message parser, builder, EIP-191 signer recovery, verification.

No siwe/web3 library: the EIP-4361 ABNF is implemented with anchored regular expressions, line by line,
in the order the ABNF fixes (optional ``scheme://`` before the domain; statement optional; fields ``URI``,
``Version: 1``, ``Chain ID``, ``Nonce`` (>= 8 alphanumerics), ``Issued At`` required, then optional
``Expiration Time``, ``Not Before``, ``Request ID``, ``Resources`` list; LF line ends, no trailing LF).
Deliberately stricter than the ABNF: a present statement must be non-empty, the chain id has no leading
zero, the message is at most 16 KiB, and a mixed-case address must carry a valid EIP-55 checksum (all-lower
or all-upper addresses are accepted, as EIP-55 allows).

Signature: EIP-191 ``personal_sign`` — keccak256("\\x19Ethereum Signed Message:\\n" + decimal byte length +
message) — 65 bytes r||s||v with v in {27, 28, 0, 1}; high-s signatures (EIP-2) are rejected; the public key
is recovered with libsecp256k1 (coincurve) and the address is the EIP-55 form of keccak256(pubkey)[-20:].

``verify`` checks, in this order, each with its own code: well-formed (``siwe_invalid_message``); domain,
and scheme if both the message and the caller name one (``siwe_domain_mismatch``); URI (``siwe_uri_mismatch``);
chain id (``siwe_chain_mismatch``); ``Expiration Time`` present and after ``Issued At``
(``siwe_invalid_message``); issued-at at most ``skew_s`` in the future (``siwe_not_yet_valid``) and at most
``max_validity_s`` old (``siwe_expired``); expiration after now and at most ``max_validity_s`` after issued-at
(``siwe_expired``); not-before at most ``skew_s`` in the future (``siwe_not_yet_valid``); the signer is the
message's address (``siwe_invalid_signature``). Time is passed in.

Known limits: the nonce is NOT checked here — the caller must consume ``SiweMessage.nonce`` exactly once
(the store does). Only EOA signatures: smart-contract wallets (EIP-1271) are not supported. Leap seconds
are read as the following second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from coincurve import PublicKey
from Crypto.Hash import keccak

from . import AuthError

MAX_MESSAGE_LEN = 16 * 1024
_SUFFIX = " wants you to sign in with your Ethereum account:"
_PCT = r"%[0-9A-Fa-f]{2}"
_UNRESERVED_SUB = r"[A-Za-z0-9\-._~!$&'()*+,;=]"
_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*"
_AUTHORITY = rf"(?:(?:{_UNRESERVED_SUB}|{_PCT}|:)*@)?(?:\[[0-9A-Fa-f:.vV]+\]|(?:{_UNRESERVED_SUB}|{_PCT})+)(?::[0-9]*)?"
_URI = re.compile(rf"{_SCHEME}:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|{_PCT})+", re.ASCII)
_DOMAIN_LINE = re.compile(rf"(?:({_SCHEME})://)?({_AUTHORITY}){re.escape(_SUFFIX)}", re.ASCII)
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}", re.ASCII)
_STATEMENT = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;= ]+", re.ASCII)
_CHAIN_ID = re.compile(r"[1-9][0-9]{0,19}", re.ASCII)
_NONCE = re.compile(r"[A-Za-z0-9]{8,}", re.ASCII)
_REQUEST_ID = re.compile(rf"(?:{_UNRESERVED_SUB}|{_PCT}|[:@])*", re.ASCII)
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))",
    re.ASCII,
)
_SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True)
class SiweMessage:
    domain: str
    address: str
    uri: str
    version: str
    chain_id: int
    nonce: str
    issued_at: str
    statement: str | None = None
    expiration_time: str | None = None
    not_before: str | None = None
    request_id: str | None = None
    resources: tuple[str, ...] = ()
    scheme: str | None = None


def _invalid(reason: str) -> AuthError:
    return AuthError("siwe_invalid_message", f"Not a valid EIP-4361 message: {reason}.")


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def to_checksum_address(address: str) -> str:
    """EIP-55 mixed-case form of a 0x-prefixed 40-hex-digit address."""
    hex_lower = address[2:].lower()
    digest = keccak256(hex_lower.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if int(d, 16) >= 8 else c for c, d in zip(hex_lower, digest[:40], strict=True))


def timestamp(value: str) -> float:
    """Unix seconds of an RFC 3339 date-time; ValueError if malformed."""
    m = _DATETIME.fullmatch(value)
    if not m:
        raise ValueError(f"not an RFC 3339 date-time: {value!r}")
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    leap = s == 60
    if m[11] and int(m[11]) > 59:
        raise ValueError(f"bad offset in {value!r}")
    tz = UTC if m[8] else timezone((-1 if m[9] == "-" else 1) * timedelta(hours=int(m[10]), minutes=int(m[11])))
    dt = datetime(y, mo, d, h, mi, 59 if leap else s, tzinfo=tz)
    return dt.timestamp() + leap + (float("0" + m[7]) if m[7] else 0.0)


def format_time(ts_s: int | float) -> str:
    """RFC 3339 UTC with milliseconds and Z, as JavaScript's toISOString writes it."""
    return datetime.fromtimestamp(ts_s, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class _Lines:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.i = 0

    def peek(self) -> str | None:
        return self.lines[self.i] if self.i < len(self.lines) else None

    def take(self, what: str) -> str:
        line = self.peek()
        if line is None:
            raise _invalid(f"missing {what}")
        self.i += 1
        return line

    def field(self, label: str, pattern: re.Pattern, optional: bool = False) -> str | None:
        line = self.peek()
        prefix = f"{label}: "
        if line is None or not line.startswith(prefix):
            if optional:
                return None
            raise _invalid(f"missing {label}")
        value = line[len(prefix):]
        if not pattern.fullmatch(value):
            raise _invalid(f"bad {label}")
        self.i += 1
        return value


class _RFC3339:
    """Adapter so date-times are checked with the same ``fullmatch`` call as the other fields."""

    @staticmethod
    def fullmatch(value: str) -> bool:
        try:
            timestamp(value)
        except (ValueError, OverflowError):
            return False
        return True


def parse(message: str) -> SiweMessage:
    """Parse an EIP-4361 message strictly; AuthError("siwe_invalid_message") if it is malformed."""
    if not isinstance(message, str) or len(message) > MAX_MESSAGE_LEN:
        raise _invalid("not text or too long")
    lines = _Lines(message)
    header = _DOMAIN_LINE.fullmatch(lines.take("domain line"))
    if not header:
        raise _invalid("bad domain line")
    address = lines.take("address")
    if not _ADDRESS.fullmatch(address):
        raise _invalid("bad address")
    letters = [c for c in address[2:] if c.isalpha()]
    mixed = any(c.isupper() for c in letters) and any(c.islower() for c in letters)
    if mixed and to_checksum_address(address) != address:
        raise _invalid("address fails its EIP-55 checksum")
    if lines.take("blank line") != "":
        raise _invalid("expected a blank line after the address")
    statement = lines.take("statement or blank line") or None
    if statement is not None and (not _STATEMENT.fullmatch(statement) or lines.take("blank line") != ""):
        raise _invalid("bad statement")
    uri = lines.field("URI", _URI)
    version = lines.field("Version", re.compile("1"))
    chain_id = int(lines.field("Chain ID", _CHAIN_ID))
    nonce = lines.field("Nonce", _NONCE)
    issued_at = lines.field("Issued At", _RFC3339)
    expiration_time = lines.field("Expiration Time", _RFC3339, optional=True)
    not_before = lines.field("Not Before", _RFC3339, optional=True)
    request_id = lines.field("Request ID", _REQUEST_ID, optional=True)
    resources: list[str] = []
    if lines.peek() == "Resources:":
        lines.take("Resources")
        while (line := lines.peek()) is not None:
            if not (line.startswith("- ") and _URI.fullmatch(line[2:])):
                raise _invalid("bad resource")
            resources.append(line[2:])
            lines.take("resource")
    if lines.peek() is not None:
        raise _invalid("unexpected text after the last field")
    return SiweMessage(
        domain=header[2], address=address, uri=uri, version=version, chain_id=chain_id, nonce=nonce,
        issued_at=issued_at, statement=statement, expiration_time=expiration_time, not_before=not_before,
        request_id=request_id, resources=tuple(resources), scheme=header[1],
    )


def build(
    *, domain: str, address: str, uri: str, chain_id: int, nonce: str, issued_at: str | int,
    statement: str | None = None, expiration_time: str | int | None = None, not_before: str | int | None = None,
    request_id: str | None = None, resources: tuple[str, ...] | list[str] = (), scheme: str | None = None,
    version: str = "1",
) -> str:
    """Format an EIP-4361 message (times as RFC 3339 strings or unix seconds); ValueError if it would not parse."""
    def t(v: str | int) -> str:
        return v if isinstance(v, str) else format_time(v)

    head = f"{scheme}://{domain}" if scheme else domain
    out = [head + _SUFFIX, address, ""]
    if statement is not None:
        out += [statement, ""]
    else:
        out += [""]
    out += [f"URI: {uri}", f"Version: {version}", f"Chain ID: {chain_id}", f"Nonce: {nonce}"]
    out.append(f"Issued At: {t(issued_at)}")
    if expiration_time is not None:
        out.append(f"Expiration Time: {t(expiration_time)}")
    if not_before is not None:
        out.append(f"Not Before: {t(not_before)}")
    if request_id is not None:
        out.append(f"Request ID: {request_id}")
    if resources:
        out += ["Resources:"] + [f"- {r}" for r in resources]
    text = "\n".join(out)
    try:
        parse(text)
    except AuthError as exc:
        raise ValueError(exc.message) from None
    return text


def recover_address(message: str, signature_hex: str) -> str:
    """EIP-55 address that made an EIP-191 personal_sign ``signature_hex`` of ``message``."""
    bad = AuthError("siwe_invalid_signature", "The signature is malformed or was not made by the message's address.")
    try:
        hex_part = signature_hex[2:] if signature_hex[:2] in ("0x", "0X") else signature_hex
        if not re.fullmatch(r"[0-9a-fA-F]{130}", hex_part, re.ASCII):
            raise bad
        sig = bytes.fromhex(hex_part)
        r, s, v = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]
        if not (0 < r < _SECP256K1_N and 0 < s <= _SECP256K1_N // 2) or v not in (0, 1, 27, 28):
            raise bad
        data = message.encode("utf-8")
        digest = keccak256(b"\x19Ethereum Signed Message:\n" + str(len(data)).encode("ascii") + data)
        pub = PublicKey.from_signature_and_message(sig[:64] + bytes([v % 27]), digest, hasher=None)
    except AuthError:
        raise
    except Exception as exc:  # any library failure to recover means the signature is unusable
        raise bad from exc
    return to_checksum_address("0x" + keccak256(pub.format(compressed=False)[1:])[-20:].hex())


def verify(
    message: str, signature: str, *, domain: str, uri: str, chain_id: int, now_s: int,
    max_validity_s: int = 600, skew_s: int = 30, scheme: str | None = None,
) -> SiweMessage:
    """The parsed message when it is valid for this server now and signed by its address; AuthError otherwise."""
    msg = parse(message)
    if msg.domain != domain or (scheme is not None and msg.scheme is not None and msg.scheme != scheme):
        raise AuthError("siwe_domain_mismatch", "The message's domain is not this server's.")
    if msg.uri != uri:
        raise AuthError("siwe_uri_mismatch", "The message's URI is not this server's.")
    if msg.chain_id != chain_id:
        raise AuthError("siwe_chain_mismatch", "The message's chain id is not the one this server accepts.")
    if msg.version != "1":
        raise _invalid("unsupported version")
    if msg.expiration_time is None:
        raise _invalid("an Expiration Time is required")
    issued, expires = timestamp(msg.issued_at), timestamp(msg.expiration_time)
    if expires <= issued:
        raise _invalid("the Expiration Time must be after the Issued At time")
    if issued > now_s + skew_s:
        raise AuthError("siwe_not_yet_valid", "The message's issued-at time is in the future.")
    if now_s - issued > max_validity_s:
        raise AuthError("siwe_expired", "The message was issued too long ago.")
    if expires <= now_s:
        raise AuthError("siwe_expired", "The message has expired.")
    if expires - issued > max_validity_s:
        raise AuthError("siwe_expired", f"The message's validity exceeds {max_validity_s} seconds.")
    if msg.not_before is not None and timestamp(msg.not_before) > now_s + skew_s:
        raise AuthError("siwe_not_yet_valid", "The message's not-before time is in the future.")
    if recover_address(message, signature).lower() != msg.address.lower():
        raise AuthError("siwe_invalid_signature", "The signature was not made by the message's address.")
    return msg
