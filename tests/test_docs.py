"""The README keeps up with the code: every setting and every command is documented there."""
from __future__ import annotations

import pytest

from graph.cli import COMMANDS, build_parser
from graph.settings import ROOT, Settings

README = ROOT / "README.md"


@pytest.fixture(scope="module")
def readme() -> str:
    if not README.exists():
        pytest.fail(f"{README} is missing: it must document every setting and command")
    return README.read_text(encoding="utf-8")


@pytest.mark.parametrize("variable", [name for name, _, _ in Settings.describe()])
def test_every_setting_is_documented(readme, variable):
    assert f"`{variable}`" in readme, (
        f"README.md does not mention {variable}: add it to the table under 'Settings'")


def test_every_command_is_documented(readme):
    build_parser()  # registers the commands other packages add through entry points
    missing = [name for name in COMMANDS if f"akteursgraph {name}" not in readme]
    assert not missing, (f"README.md does not show 'akteursgraph {missing[0]}' "
                         f"(missing: {', '.join(missing)}): add a row to 'The command line'")
