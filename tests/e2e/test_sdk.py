"""End to end: the SDK (clients/python, installed with pip on its own beside the generated client) against a live
server started with `make run`.

Covers the three ways in — password login, an API key created from that session (signed requests), a wallet
sign-in with a fresh secp256k1 key — each reading `GET /account` through the generated `get_account` function;
a refresh forced by lowering the stored expiry (the refresh token rotates); identical signed GETs in the same
second all succeed without waiting (signature version 2), while the server refuses a byte-identical replay under
either version; the Idempotency-Key the transport adds is
accepted where the server requires one. The account is provisioned with the operator CLI on the server's database.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"cooud_sdk", "cooud_exchange_client"}
PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.live


def _purge() -> dict:
    return {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] in PACKAGES}


@pytest.fixture(scope="module", autouse=True)
def sdk_package(tmp_path_factory):
    """pip-installs generated/client and clients/python (from a copy, so no build files land in the tree)."""
    work = tmp_path_factory.mktemp("sdk-install")
    source = work / "sdk-src"
    shutil.copytree(ROOT / "clients" / "python", source,
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--target", str(target), str(ROOT / "generated" / "client"), str(source)],
        check=True, timeout=300,
    )
    saved = _purge()
    sys.path.insert(0, str(target))
    try:
        package = importlib.import_module("cooud_sdk")
        assert str(target) in package.__file__  # the installed copy, not the source tree
        assert str(target) in importlib.import_module("cooud_exchange_client").__file__
        yield package
    finally:
        sys.path.remove(str(target))
        _purge()
        sys.modules.update(saved)


@pytest.fixture(scope="module")
def base_url(live_server) -> str:
    return f"{live_server}/v1"


@pytest.fixture
def email(live_server) -> str:
    """A fresh password account, created with the operator CLI on the live server's database."""
    address = f"sdk-{uuid.uuid4().hex[:12]}@example.com"
    subprocess.run([str(Path(sys.executable).parent / "cooud"), "user", "create", "--email", address,
                    "--password", PASSWORD],
                   env=dict(os.environ, COOUD_DATABASE=live_server.database), check=True, capture_output=True,
                   timeout=60)
    return address


def test_password_login_reads_the_account(base_url, email):
    from cooud_exchange_client.api.account import get_account
    from cooud_exchange_client.models import Account
    from cooud_sdk import CooudClient, SessionAuth

    with CooudClient.login(base_url, email, PASSWORD) as sdk:
        assert isinstance(sdk.credential, SessionAuth)
        account = get_account.sync(client=sdk.client)
        assert isinstance(account, Account), account
        assert account.email == email and account.id.startswith("usr_")


def test_api_key_from_the_session_signs_requests(base_url, email):
    from cooud_exchange_client.api.account import get_account
    from cooud_exchange_client.api.api_keys import create_api_key, list_api_keys
    from cooud_exchange_client.models import Account, ApiKeyCreateRequest, ApiKeyScope, ApiKeyWithSecret
    from cooud_sdk import CooudClient

    with CooudClient.login(base_url, email, PASSWORD) as session:
        key = create_api_key.sync(client=session.client,
                                  body=ApiKeyCreateRequest(label="sdk e2e", scopes=[ApiKeyScope.READ]))
        assert isinstance(key, ApiKeyWithSecret), key
        listed = list_api_keys.sync(client=session.client)
        assert key.id in [k.id for k in listed.data]
        assert all(not hasattr(k, "secret") for k in listed.data)  # shown once, at creation

    with CooudClient.with_api_key(base_url, key.id, key.secret) as keyed:
        account = get_account.sync(client=keyed.client)
        assert isinstance(account, Account), account
        assert account.email == email
        refused = list_api_keys.sync_detailed(client=keyed.client)  # a key can never manage keys
        assert refused.status_code == 403 and refused.parsed.error.code == "session_required"


def test_two_identical_signed_gets_in_quick_succession_both_succeed(base_url, email):
    from cooud_exchange_client.api.api_keys import create_api_key
    from cooud_exchange_client.models import ApiKeyCreateRequest, ApiKeyScope
    from cooud_sdk import CooudClient, signature

    with CooudClient.login(base_url, email, PASSWORD) as session:
        key = create_api_key.sync(client=session.client,
                                  body=ApiKeyCreateRequest(label="replay", scopes=[ApiKeyScope.READ]))

    with CooudClient.with_api_key(base_url, key.id, key.secret) as keyed:
        http = keyed.client.get_httpx_client()
        started = time.monotonic()
        responses = [http.get("/account") for _ in range(3)]
        assert [r.status_code for r in responses] == [200, 200, 200], [r.text for r in responses]
        assert time.monotonic() - started < 1.0  # signature version 2: nothing waits for the next second
        sent = [r.request.headers for r in responses]
        assert all(h["X-Cooud-Signature-Version"] == "2" for h in sent)
        assert len({h["X-Cooud-Signature"] for h in sent}) == 3
        # An exact copy of a request the SDK sent is still refused.
        with httpx.Client(base_url=base_url) as raw:
            copy = {k: sent[0][k] for k in ("X-Cooud-Key", "X-Cooud-Timestamp", "X-Cooud-Signature",
                                            "X-Cooud-Signature-Version")}
            replayed = raw.get("/account", headers=copy)
        assert replayed.status_code == 401 and replayed.json()["error"]["code"] == "signature_replayed"

    # Version 1 (deprecated) keeps today's behaviour until its sunset: one-second timestamps, accepted once.
    ts = str(int(time.time()))
    headers = {"X-Cooud-Key": key.id, "X-Cooud-Timestamp": ts,
               "X-Cooud-Signature": signature(key.secret, ts, "GET", "/v1/account")}
    with httpx.Client(base_url=base_url) as raw:
        first_raw = raw.get("/account", headers=headers)
        assert first_raw.status_code == 200, first_raw.text
        replayed = raw.get("/account", headers=headers)
    assert replayed.status_code == 401 and replayed.json()["error"]["code"] == "signature_replayed"


def test_wallet_login_reads_the_account(base_url):
    from cooud_exchange_client.api.account import get_account
    from cooud_exchange_client.models import Account
    from cooud_sdk import CookieAuth, CooudClient
    from eth_account import Account as EthAccount
    from eth_account.messages import encode_defunct

    wallet = EthAccount.create()
    messages: list[str] = []

    def sign_message(message: str) -> str:
        messages.append(message)
        return wallet.sign_message(encode_defunct(text=message)).signature.to_0x_hex()

    with CooudClient.login_with_wallet(base_url, sign_message, wallet.address) as sdk:
        assert isinstance(sdk.credential, CookieAuth)
        assert sdk.account.wallet_address == wallet.address
        account = get_account.sync(client=sdk.client)
        assert isinstance(account, Account), account
        assert account.wallet_address == wallet.address and account.email is None
    port = base_url.split(":")[2].split("/")[0]
    assert messages[0].startswith(f"127.0.0.1:{port} wants you to sign in with your Ethereum account:\n"
                                  f"{wallet.address}\n\nSign in to Cooud.\n\nURI: http://127.0.0.1:{port}\n")


def test_session_refreshes_when_near_expiry(base_url, email):
    from cooud_exchange_client.api.account import get_account
    from cooud_exchange_client.api.auth import refresh_session
    from cooud_exchange_client.models import Account, RefreshRequest
    from cooud_sdk import CooudClient

    with CooudClient.login(base_url, email, PASSWORD) as sdk:
        session = sdk.credential
        old_refresh = session.refresh_token
        session.expires_at = time.time() + 30  # "30 s left": the next request refreshes first
        account = get_account.sync(client=sdk.client)
        assert isinstance(account, Account), account
        assert session.refresh_token not in (None, old_refresh)
        assert session.expires_at > time.time() + 600
        assert isinstance(get_account.sync(client=sdk.client), Account)

        # The old refresh token was rotated by the server (checked last: presenting it revokes the family).
        stale = refresh_session.sync_detailed(client=sdk.client, body=RefreshRequest(refresh_token=old_refresh))
        assert stale.status_code == 401 and stale.parsed.error.code == "refresh_token_invalid"


def test_the_transport_supplies_the_idempotency_key_a_mutation_requires(base_url, email):
    from cooud_exchange_client.api.api_keys import create_api_key, get_api_key, update_api_key
    from cooud_exchange_client.models import ApiKey, ApiKeyCreateRequest, ApiKeyScope, ApiKeyUpdateRequest
    from cooud_sdk import CooudClient

    with CooudClient.login(base_url, email, PASSWORD) as sdk:
        key = create_api_key.sync(client=sdk.client, body=ApiKeyCreateRequest(label="idem", scopes=[ApiKeyScope.READ]))
        http = sdk.client.get_httpx_client()
        renamed = http.patch(f"/account/api-keys/{key.id}", json={"label": "renamed"})  # no key given
        assert renamed.status_code == 200, renamed.text
        uuid.UUID(renamed.request.headers["Idempotency-Key"], version=4)
        # Through the generated function the key is a required argument (pass it as a str, see the SDK README).
        updated = update_api_key.sync(key.id, client=sdk.client, idempotency_key=str(uuid.uuid4()),
                                      body=ApiKeyUpdateRequest(label="renamed again"))
        assert isinstance(updated, ApiKey) and updated.label == "renamed again"
        deleted = http.delete(f"/account/api-keys/{key.id}")
        assert deleted.status_code == 204, deleted.text
        assert get_api_key.sync_detailed(key.id, client=sdk.client).status_code == 404
