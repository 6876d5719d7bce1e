"""The bus's configuration and its guard rails (impl/bus/, impl/cli.py): names are prefixed per deployment and
group; several workers or a separate engine are refused with the in-process bus (they would each run an engine,
or have none to talk to), with a message saying what to set."""

from __future__ import annotations

import json

import pytest

from impl import cli
from impl.bus import Names, is_nats, names_of
from impl.config import Config


def test_every_name_carries_the_prefix_and_the_group():
    names = names_of(Config.from_env({"COOUD_BUS": "nats://127.0.0.1:4222", "COOUD_BUS_PREFIX": "t1",
                                      "COOUD_ENGINE_GROUP": "g"}))
    assert names == Names("t1", "g")
    assert (names.stream, names.commands, names.durable, names.queries, names.replies("w")) == \
        ("t1_CMD_g", "t1.cmd.g", "t1_engine_g", "t1.query.g", "t1.res.w")


def test_the_default_is_the_in_process_bus():
    config = Config.from_env({})
    assert (config.bus, config.bus_prefix, config.engine_group) == ("memory", "cooud", "main")
    assert not is_nats(config.bus) and is_nats("nats://127.0.0.1:4222")


@pytest.mark.parametrize("argv", [["serve", "--workers", "2"], ["engine"]])
def test_workers_and_a_separate_engine_need_nats(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COOUD_BUS", "memory")
    assert cli.main([*argv, "--database", str(tmp_path / "db.sqlite3")]) == 1
    error = json.loads(capsys.readouterr().err)["error"]
    assert "COOUD_BUS=nats://" in error
    assert not (tmp_path / "db.sqlite3").exists()  # refused before touching anything
