"""Authenticated encryption of small secrets kept at rest (TOTP seeds), with AES-256-GCM.

`seal(key, plaintext, context)` -> "v1.<nonce>.<ciphertext+tag>" (base64url); `context` (e.g. the user id) is
bound as associated data, so a sealed value copied onto another row does not open. The key comes from the
master key (`derive_subkey(master, "totp-seal")`); losing the master key loses the sealed secrets — the same
known limit as API key secrets.
"""

from __future__ import annotations

import base64
import os

from Crypto.Cipher import AES

from impl.security import AuthError


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal(key: bytes, plaintext: str, context: str) -> str:
    nonce = os.urandom(12)
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    cipher.update(context.encode())
    ciphertext, tag = cipher.encrypt_and_digest(plaintext.encode())
    return f"v1.{_b64(nonce)}.{_b64(ciphertext + tag)}"


def unseal(key: bytes, sealed: str, context: str) -> str:
    try:
        version, nonce, blob = sealed.split(".")
        if version != "v1":
            raise ValueError(version)
        raw = _unb64(blob)
        cipher = AES.new(key, AES.MODE_GCM, nonce=_unb64(nonce))
        cipher.update(context.encode())
        return cipher.decrypt_and_verify(raw[:-16], raw[-16:]).decode()
    except (ValueError, KeyError) as exc:
        raise AuthError("internal_error", "A sealed secret could not be opened.") from exc
