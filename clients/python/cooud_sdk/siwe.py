"""The EIP-4361 (Sign-In with Ethereum) message the SDK asks a wallet to sign.

The layout is the one of the spec's `verifySiwe` example, line for line and joined with LF, no trailing newline:
domain line, address, blank, statement, blank, URI, Version 1, Chain ID, Nonce, Issued At, Expiration Time.
The server requires an Expiration Time and a validity window of at most 10 minutes; the SDK uses 5 minutes.
The address must be the wallet's EIP-55 (checksummed) form, as wallets and eth-account give it — the server
rejects a mixed-case address with a wrong checksum, and this module does not compute keccak to fix it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

STATEMENT = "Sign in to Cooud."
VALIDITY = timedelta(minutes=5)


def rfc3339(moment: datetime) -> str:
    """UTC with milliseconds and `Z`, as everywhere in the API (`2026-05-18T12:04:11.842Z`)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def siwe_message(*, domain: str, address: str, uri: str, chain_id: int, nonce: str, issued_at: datetime,
                 statement: str = STATEMENT, validity: timedelta = VALIDITY) -> str:
    return "\n".join([
        f"{domain} wants you to sign in with your Ethereum account:",
        address,
        "",
        statement,
        "",
        f"URI: {uri}",
        "Version: 1",
        f"Chain ID: {chain_id}",
        f"Nonce: {nonce}",
        f"Issued At: {rfc3339(issued_at)}",
        f"Expiration Time: {rfc3339(issued_at + validity)}",
    ])
