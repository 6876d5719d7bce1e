"""Shared fixtures: a real app on a fresh SQLite file with response validation on, and a test client."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from impl.app import create_app
from impl.config import Config


@pytest.fixture
def config(tmp_path) -> Config:
    return Config(database=str(tmp_path / "cooud.sqlite3"), validate_responses=True)


@pytest.fixture
def app(config):
    return create_app(config)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c
