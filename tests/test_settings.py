"""Settings: each declared once, read from AKTEURSGRAPH_<NAME>, and a bad value names the
variable to change — in Python and on the command line."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.settings import Settings, SettingError


@pytest.fixture
def clean_env(monkeypatch):
    """No AKTEURSGRAPH_* variable from outside the test."""
    for name in list(os.environ):
        if name.startswith("AKTEURSGRAPH_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_describe_lists_every_setting_once_with_default_and_help():
    described = Settings.describe()
    names = [name for name, _, _ in described]
    assert names == [f"AKTEURSGRAPH_{f.name.upper()}" for f in dataclasses.fields(Settings)]
    assert len(set(names)) == len(names)
    for name, default, help_text in described:
        assert default is not None and len(help_text) > 20, name


@pytest.mark.parametrize("field, raw, value", [
    ("store", ":memory:", ":memory:"),
    ("update_endpoint", "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/update"),
    ("data", "/srv/data", "/srv/data"),
    ("base_iri", "https://example.org/id/", "https://example.org/id/"),
    ("query_timeout", "2.5", 2.5),
    ("row_cap", "50", 50),
    ("query_workers", "3", 3),
    ("max_query_bytes", "2048", 2048),
])
def test_each_setting_is_read_from_its_variable(clean_env, field, raw, value):
    clean_env.setenv(f"AKTEURSGRAPH_{field.upper()}", raw)
    assert getattr(Settings.from_env(), field) == value


def test_explicit_values_beat_the_environment_and_none_means_unset(clean_env):
    clean_env.setenv("AKTEURSGRAPH_STORE", "/from/env")
    assert Settings.from_env(store="/given").store == "/given"
    assert Settings.from_env(store=None).store == "/from/env"


@pytest.mark.parametrize("variable, raw, says", [
    ("AKTEURSGRAPH_QUERY_TIMEOUT", "abc", "is not a valid float"),
    ("AKTEURSGRAPH_ROW_CAP", "1.5", "is not a valid int"),
    ("AKTEURSGRAPH_QUERY_WORKERS", "many", "is not a valid int"),
    ("AKTEURSGRAPH_QUERY_TIMEOUT", "0", "positive"),
    ("AKTEURSGRAPH_ROW_CAP", "0", "at least 1"),
    ("AKTEURSGRAPH_QUERY_WORKERS", "-1", "at least 1"),
    ("AKTEURSGRAPH_BASE_IRI", "https://w3id.org/akteursgraph/id", "ending in '/'"),
    ("AKTEURSGRAPH_BASE_IRI", "javascript:alert(1)//", "http(s) IRI"),
])
def test_bad_value_names_the_variable(clean_env, variable, raw, says):
    clean_env.setenv(variable, raw)
    with pytest.raises(SettingError) as caught:
        Settings.from_env()
    assert str(caught.value).startswith(variable) and says in str(caught.value)


def test_bad_value_on_the_command_line_is_one_line_and_exit_status_2(tmp_path):
    script = Path(sys.executable).with_name("akteursgraph")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKTEURSGRAPH_")}
    env["AKTEURSGRAPH_QUERY_TIMEOUT"] = "abc"
    result = subprocess.run([str(script), "query", "-", "--store", str(tmp_path)], input="ASK {}",
                            cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr == ("akteursgraph query: AKTEURSGRAPH_QUERY_TIMEOUT='abc' is not a "
                             "valid float\n")
