"""SIWE (EIP-4361): fresh keys signed with eth-account, every rejection code, a strict parser."""

from __future__ import annotations

import dataclasses

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from hypothesis import given, settings
from hypothesis import strategies as st

from impl.security import AuthError, siwe

DOMAIN = "api.cooud.exchange"
URI = "https://api.cooud.exchange/v1/auth/siwe/verify"
CHAIN = 1
NOW = 1_800_000_000
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
ACCOUNT = Account.create()
OTHER = Account.create()


def message(account=ACCOUNT, **over) -> str:
    fields = dict(domain=DOMAIN, address=account.address, uri=URI, chain_id=CHAIN, nonce="n0nce12345",
                  issued_at=NOW - 5, expiration_time=NOW + 295, statement="Sign in to Cooud.")
    fields.update(over)
    return siwe.build(**fields)


def sign(text: str, account=ACCOUNT) -> str:
    return "0x" + account.sign_message(encode_defunct(text=text)).signature.hex().removeprefix("0x")


def verify(text: str, signature: str | None = None, now: int = NOW, **kw):
    args = dict(domain=DOMAIN, uri=URI, chain_id=CHAIN, now_s=now)
    args.update(kw)
    return siwe.verify(text, sign(text) if signature is None else signature, **args)


def rejected(code: str, text: str, signature: str | None = None, **kw):
    with pytest.raises(AuthError) as exc:
        verify(text, signature, **kw)
    assert exc.value.code == code, exc.value.message


def test_valid_message_verifies_and_returns_the_nonce():
    msg = verify(message())
    assert (msg.address, msg.nonce, msg.chain_id, msg.domain) == (ACCOUNT.address, "n0nce12345", 1, DOMAIN)


def test_fresh_keys_every_time():
    for _ in range(3):
        acct = Account.create()
        text = message(acct)
        assert verify(text, sign(text, acct)).address == acct.address
        assert siwe.recover_address(message(acct), sign(message(acct), acct)) == acct.address


def test_signature_forms_v01_and_no_prefix():
    text = message()
    sig = bytes.fromhex(sign(text)[2:])
    assert sig[64] in (27, 28)
    assert verify(text, (sig[:64] + bytes([sig[64] - 27])).hex())
    assert verify(text, sig.hex().upper())


def test_message_without_statement_and_with_all_optional_fields():
    text = message(statement=None, not_before=NOW - 10, request_id="req_01JD6Q", scheme="https",
                   resources=["ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
                              "https://example.com/my-web2-claim.json"])
    assert "\n\n\nURI: " in text
    msg = verify(text, scheme="https")
    assert msg.statement is None and msg.request_id == "req_01JD6Q" and len(msg.resources) == 2
    rejected("siwe_domain_mismatch", text, scheme="http")


def test_parse_build_round_trip():
    text = message(not_before=NOW - 10, request_id="r-1", resources=["https://a.example/x"], scheme="https")
    assert siwe.build(**dataclasses.asdict(siwe.parse(text))) == text


def test_eip4361_example_message_parses():
    text = (
        "service.org wants you to sign in with your Ethereum account:\n"
        "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2\n\n"
        "I accept the ServiceOrg Terms of Service: https://service.org/tos\n\n"
        "URI: https://service.org/login\nVersion: 1\nChain ID: 1\nNonce: 32891756\n"
        "Issued At: 2021-09-30T16:25:24Z\nResources:\n"
        "- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/\n"
        "- https://example.com/my-web2-claim.json"
    )
    msg = siwe.parse(text)
    assert msg.issued_at == "2021-09-30T16:25:24Z" and msg.expiration_time is None
    assert siwe.timestamp(msg.issued_at) == 1633019124


def test_wrong_domain_uri_chain():
    rejected("siwe_domain_mismatch", message(domain="evil.example"))
    rejected("siwe_domain_mismatch", message(domain="api.cooud.exchange:8443"))
    rejected("siwe_uri_mismatch", message(uri="https://evil.example/v1/auth/siwe/verify"))
    rejected("siwe_chain_mismatch", message(chain_id=137))


def test_expired_and_too_old():
    rejected("siwe_expired", message(issued_at=NOW - 200, expiration_time=NOW))  # exp == now
    rejected("siwe_expired", message(issued_at=NOW - 601, expiration_time=NOW + 5))  # issued too long ago
    assert verify(message(issued_at=NOW - 599, expiration_time=NOW + 1))


def test_missing_or_backwards_expiration_is_invalid_message():
    rejected("siwe_invalid_message", message(expiration_time=None))
    rejected("siwe_invalid_message", message(issued_at=NOW + 20, expiration_time=NOW + 10))


def test_too_long_validity():
    rejected("siwe_expired", message(issued_at=NOW, expiration_time=NOW + 601))
    assert verify(message(issued_at=NOW, expiration_time=NOW + 600))
    rejected("siwe_expired", message(issued_at=NOW, expiration_time=NOW + 60), max_validity_s=30)


def test_future_issued_at_and_not_before():
    rejected("siwe_not_yet_valid", message(issued_at=NOW + 31, expiration_time=NOW + 300))
    assert verify(message(issued_at=NOW + 30, expiration_time=NOW + 300))
    rejected("siwe_not_yet_valid", message(not_before=NOW + 31))
    assert verify(message(not_before=NOW + 30))


def test_time_zone_offsets_are_honoured():
    text = message(issued_at="2027-01-15T09:59:55+02:00", expiration_time="2027-01-15T08:04:00.5Z")
    assert verify(text, now=siwe.timestamp("2027-01-15T08:00:00Z"))


def test_tampered_message_fails_signature():
    text = message()
    sig = sign(text)
    rejected("siwe_invalid_signature", text.replace("n0nce12345", "n0nce99999"), sig)
    rejected("siwe_invalid_signature", text.replace("Sign in to Cooud.", "Sign in to Cooud!"), sig)


def test_signature_by_another_key():
    text = message()
    rejected("siwe_invalid_signature", text, sign(text, OTHER))
    rejected("siwe_invalid_signature", message(OTHER), sign(message(OTHER), ACCOUNT))


@pytest.mark.parametrize("bad", ["", "0x", "0x1234", "zz" * 65, "0x" + "00" * 65, "0x" + "ab" * 64,
                                 "0x" + "11" * 64 + "1d", "0x" + "11" * 64 + "02"])
def test_malformed_signatures(bad):
    rejected("siwe_invalid_signature", message(), bad)


def test_high_s_signature_is_rejected():
    text = message()
    sig = bytes.fromhex(sign(text)[2:])
    s = int.from_bytes(sig[32:64], "big")
    flipped = sig[:32] + (N - s).to_bytes(32, "big") + bytes([55 - sig[64]])  # same signer, malleated
    rejected("siwe_invalid_signature", text, flipped.hex())


def test_address_case_rules():
    lower = message(address=ACCOUNT.address.lower())
    assert verify(lower).address == ACCOUNT.address.lower()
    upper_hex = "0x" + ACCOUNT.address[2:].upper()
    assert verify(message(address=upper_hex))
    a = ACCOUNT.address
    i = next(k for k in range(2, 42) if a[k].isalpha())
    broken = a[:i] + a[i].swapcase() + a[i + 1:]
    if any(c.isupper() for c in broken[2:]) and any(c.islower() for c in broken[2:]):
        with pytest.raises(AuthError) as exc:
            siwe.parse(message().replace(a, broken))
        assert exc.value.code == "siwe_invalid_message"


def test_eip55_known_answers():
    for addr in ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                 "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"):
        assert siwe.to_checksum_address(addr.lower()) == addr


MALFORMED = [
    "",
    "hello",
    message() + "\n",
    message().replace("\n", "\r\n"),
    message().replace(" wants you", " want you"),
    message().replace("Version: 1", "Version: 2"),
    message().replace("Chain ID: 1", "Chain ID: 01"),
    message().replace("Chain ID: 1", "Chain ID: one"),
    message().replace("Nonce: n0nce12345", "Nonce: short"),
    message().replace("Nonce: n0nce12345", "Nonce: n0nce-12345"),
    message().replace("Issued At: ", "Issued At: yesterday "),
    message().replace("URI: https://", "URI: https:// "),
    message().replace("URI: ", "Uri: "),
    message().replace(".000Z", ".000+25:00", 1),
    message().replace("Sign in to Cooud.", "Sign in to Cööud"),
    message().replace("\n\nSign in to Cooud.\n\n", "\nSign in to Cooud.\n\n"),
    message(statement=None).replace("\n\n\nURI", "\n\nURI"),
    message().replace(ACCOUNT.address, ACCOUNT.address[:-1]),
    message(not_before=NOW).replace("Not Before", "Expiration Time", 1),  # repeated field
    message(resources=["https://a.example"]).replace("- https", "-https"),
    message(request_id="abc").replace("Request ID: abc", "Request ID: a b"),
    message().replace("Version: 1\n", ""),
    message().replace("2027-01-15T", "2027-13-15T", 1),
    message().replace("T07:59:55", "T24:59:55", 1),
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_messages(text):
    with pytest.raises(AuthError) as exc:
        siwe.parse(text)
    assert exc.value.code == "siwe_invalid_message"


def test_build_refuses_what_parse_would_refuse():
    with pytest.raises(ValueError):
        siwe.build(domain=DOMAIN, address="0x123", uri=URI, chain_id=1, nonce="n0nce12345", issued_at=NOW)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_only_ever_raises_auth_error(text):
    try:
        siwe.parse(text)
    except AuthError as exc:
        assert exc.code == "siwe_invalid_message"
    with pytest.raises(AuthError):
        verify(text, "0x" + "ab" * 65)


VALID = message(not_before=NOW - 10, request_id="r-1", resources=["https://a.example/x"])


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(VALID)), st.integers(0, 3), st.text(max_size=3))
def test_mutated_messages_only_ever_raise_auth_error(pos, cut, insert):
    text = VALID[:pos] + insert + VALID[pos + cut:]
    try:
        msg = siwe.parse(text)
    except AuthError as exc:
        assert exc.code == "siwe_invalid_message"
        return
    assert isinstance(msg, siwe.SiweMessage)
    try:
        verify(text, sign(VALID))
    except AuthError as exc:
        assert exc.code.startswith("siwe_")
    else:
        assert text == VALID
