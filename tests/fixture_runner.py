"""Run the plugin in-process on annotated fixture files.

A fixture line ending in ``# error: FBP101`` (several codes: ``# error: FBP101, FBP104``)
must be reported on that line; a code may carry a quoted fragment its message must contain
(``# error: FBP107 "price_in() -> fetch_rate()"``); ``# inferred: FBP103`` must be reported
only when the third-party libraries are installed (the "full" environment) and must be
absent in the bare one. Every other line must stay clean. A first-lines header
``# OPTIONS: --fbp-call-depth=2`` passes options.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import re
import shlex
from pathlib import Path
from typing import Any

from flake8_fastapi_bp import settings as settings_module
from flake8_fastapi_bp.plugin import Plugin

FIXTURES = Path(__file__).parent / "fixtures"
FULL = all(importlib.util.find_spec(name) is not None
           for name in ("fastapi", "sqlalchemy", "requests", "httpx"))
_CODE = r'FBP\d{3}(?:\s*"[^"]*")?'
_MARK = re.compile(rf"#\s*(error|inferred):\s*({_CODE}(?:\s*,\s*{_CODE})*)")
_CODE_AND_FRAGMENT = re.compile(r'(FBP\d{3})(?:\s*"([^"]*)")?')


class _Manager:
    """Stands in for flake8's option manager: flake8-only keywords are dropped."""

    def __init__(self) -> None:
        self.parser = argparse.ArgumentParser()

    def add_option(self, *args: Any, parse_from_config: bool = False,
                   comma_separated_list: bool = False, **kwargs: Any) -> None:
        self.parser.add_argument(*args, **kwargs)

    def extend_default_ignore(self, codes: list[str]) -> None:
        pass


def settings_for(args: list[str]) -> settings_module.Settings:
    manager = _Manager()
    settings_module.add_options(manager)
    return settings_module.from_namespace(manager.parser.parse_args(args))


def options_of(source: str) -> list[str]:
    for line in source.splitlines()[:5]:
        if line.startswith("# OPTIONS:"):
            return shlex.split(line.partition(":")[2])
    return []


def run_plugin_messages(path: Path, args: list[str] | None = None,
                        source: str | None = None) -> list[tuple[int, str]]:
    """(line, message) of every report the plugin makes on ``path``."""
    text = path.read_text(encoding="utf-8") if source is None else source
    Plugin.settings = settings_for(options_of(text) if args is None else args)
    try:
        plugin = Plugin(ast.parse(text), str(path), text.splitlines(keepends=True))
        return [(line, message) for line, _, message, _ in plugin.run()]
    finally:
        Plugin.settings = settings_module.Settings()


def run_plugin(path: Path, args: list[str] | None = None,
               source: str | None = None) -> list[tuple[int, str]]:
    """(line, code) of every report the plugin makes on ``path``."""
    return [(line, message[:6]) for line, message in run_plugin_messages(path, args, source)]


def _marks(path: Path, full: bool) -> list[tuple[int, str, str]]:
    """(line, code, message fragment or '') of every mark that applies in this environment."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for kind, codes in _MARK.findall(line):
            if kind == "error" or full:
                found += [(number, code, fragment)
                          for code, fragment in _CODE_AND_FRAGMENT.findall(codes)]
    return found


def expected(path: Path, full: bool = FULL) -> list[tuple[int, str]]:
    return sorted((number, code) for number, code, _ in _marks(path, full))


def expected_fragments(path: Path, full: bool = FULL) -> list[tuple[int, str, str]]:
    """The marks that name a fragment of their message."""
    return [mark for mark in _marks(path, full) if mark[2]]


def missing_fragments(path: Path, reports: list[tuple[int, str]],
                      full: bool = FULL) -> list[tuple[int, str, str]]:
    """Marked fragments that no report of that code on that line contains."""
    return [(number, code, fragment) for number, code, fragment in expected_fragments(path, full)
            if not any(line == number and message.startswith(code) and fragment in message
                       for line, message in reports)]


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.py") if "__pycache__" not in p.parts)
