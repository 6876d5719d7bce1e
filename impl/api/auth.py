"""Handlers of tag `auth`: password and wallet sign-in, refresh, logout, TOTP enrolment, invites.

Synchronous on purpose, like every handler that reads or writes the store or hashes a password (argon2 costs
~30 ms of CPU): connexion runs sync handlers in a worker thread, so none of that blocks the event loop."""

from __future__ import annotations

from impl.api import wire
from impl.api.context import network, principal, services

COOKIE = "cooud_session={value}; HttpOnly; Secure; SameSite=Strict; Path=/v1; Max-Age={age}"


def login(body: dict) -> dict:
    svc = services()
    issued = svc.identity.login(body["email"], body["password"], body.get("totp_code"), network(), svc.now_ms())
    return wire.session_tokens(issued)


def refresh_session(body: dict) -> dict:
    svc = services()
    return wire.session_tokens(svc.identity.refresh(body["refresh_token"], network(), svc.now_ms()))


def logout():
    svc, who = services(), principal()
    svc.identity.logout(who, svc.now_ms())
    headers = {"Set-Cookie": COOKIE.format(value="", age=0)} if who.kind == "cookie" else {}
    return None, 204, headers


def enroll_totp() -> dict:
    uri, secret = services().identity.enroll_totp(principal().user_id)
    return {"otpauth_uri": uri, "secret": secret}


def confirm_totp(body: dict):
    svc = services()
    svc.identity.confirm_totp(principal().user_id, body["code"], svc.now_ms())
    return None, 204


def create_siwe_nonce():
    svc = services()
    nonce, expires = svc.identity.new_nonce(svc.now_ms())
    return {"nonce": nonce, "expires_at": wire.timestamp(expires)}, 201


def verify_siwe(body: dict):
    svc, now = services(), services().now_ms()
    user, cookie, expires = svc.identity.sign_in_with_ethereum(body["message"], body["signature"], network(), now)
    age = (expires - now) // 1000
    payload = {"account": wire.account(user), "expires_at": wire.timestamp(expires)}
    return payload, 200, {"Set-Cookie": COOKIE.format(value=cookie, age=age)}


def redeem_invite(body: dict):
    svc = services()
    svc.identity.redeem_invite(principal().user_id, body["code"], svc.now_ms())
    return None, 204
