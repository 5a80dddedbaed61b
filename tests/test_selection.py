"""Rules for codes the run does not report are not run: flake8's own select/ignore
decision (default-off codes included) tells the plugin which codes nobody will read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flake8.main.application import Application

from fixture_runner import FIXTURES
from flake8_fastapi_bp import plugin as plugin_module
from flake8_fastapi_bp.messages import DEFAULT_OFF, RULES
from flake8_fastapi_bp.rules import offload
from flake8_fastapi_bp.settings import Settings

CHECKED = FIXTURES / "fbp201_heavy.py"


def not_reported(monkeypatch: pytest.MonkeyPatch, *args: str) -> frozenset[str]:
    """What the plugin learns from flake8 parsing the command line ``args``."""
    monkeypatch.setattr(plugin_module.Plugin, "settings", plugin_module.Plugin.settings)
    Application().initialize(["--isolated", *args])  # flake8 calls Plugin.parse_options
    return plugin_module.Plugin.settings.not_reported


def test_default_run_leaves_out_the_default_off_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not_reported(monkeypatch) == frozenset(DEFAULT_OFF)


def test_select_and_extend_select_decide_like_flake8(monkeypatch: pytest.MonkeyPatch) -> None:
    only = not_reported(monkeypatch, "--select=FBP101")
    assert "FBP101" not in only and {"FBP107", "FBP201", "FBP601"} <= only
    extended = not_reported(monkeypatch, "--extend-select=FBP202")
    assert "FBP202" not in extended and "FBP111" in extended
    # A prefix selects the default set; a default-off code needs its full name.
    assert not_reported(monkeypatch, "--select=FBP") == frozenset(DEFAULT_OFF)
    assert not_reported(monkeypatch, "--select=FBP", "--extend-select=FBP303") == \
        frozenset(DEFAULT_OFF) - {"FBP303"}
    assert not_reported(monkeypatch, "--ignore=E501") == frozenset(DEFAULT_OFF)
    ignored = not_reported(monkeypatch, "--extend-ignore=FBP2")
    assert {code for code in RULES if code.startswith("FBP2")} <= ignored


def reports_with(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    def broken(ctx: object) -> None:
        raise RuntimeError("the offload family ran")

    monkeypatch.setattr(offload, "check", broken)
    monkeypatch.setattr(plugin_module.Plugin, "settings", settings)
    source = Path(CHECKED).read_text(encoding="utf-8")
    plugin = plugin_module.Plugin(ast.parse(source), str(CHECKED), source.splitlines(True))
    return [text for _, _, text, _ in plugin.run()]


def test_a_family_whose_codes_are_all_left_out_is_not_run(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert any(text.startswith("FBP000") for text in reports_with(Settings(), monkeypatch))
    skipped = Settings(not_reported=frozenset(offload.CODES))
    assert not any(text.startswith("FBP000") for text in reports_with(skipped, monkeypatch))
