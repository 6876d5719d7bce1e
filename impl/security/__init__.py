"""Security primitives: passwords, TOTP, access tokens, SIWE, request signing, derived API-key secrets.

Purpose: plain functions and small classes over bytes/str/ints that the API layer composes into
authentication. Invariants: nothing here imports a web framework, a database driver or generated code;
nothing reads the clock (every check takes ``now_s`` from the caller, so tests are deterministic); every
rejection is an ``AuthError`` whose ``code`` is a stable code of the spec's error catalogue
(``x-cooud-error-catalogue`` in spec/openapi.yaml). Programming errors (a too-short key, a negative
generation) raise ``ValueError`` instead, because no client can cause them.

Codes raised by this package: ``unauthenticated``, ``token_expired``, ``totp_invalid``,
``invalid_signature``, ``timestamp_skew``, ``signature_replayed``, ``signature_version_unsupported``,
``service_unavailable`` (replay guard full), ``siwe_invalid_message``, ``siwe_invalid_signature``,
``siwe_domain_mismatch``, ``siwe_uri_mismatch``, ``siwe_chain_mismatch``, ``siwe_expired``, ``siwe_not_yet_valid``.
"""

from __future__ import annotations


class AuthError(Exception):
    """A credential was rejected. ``code`` is stable (catalogued); ``message`` is safe to show a client."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message or code.replace("_", " ")

    def __repr__(self) -> str:
        return f"AuthError({self.code!r}, {self.message!r})"
