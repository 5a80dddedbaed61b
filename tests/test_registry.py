"""The registry (``messages.RULES``) is the one source of truth: the README rule table
matches it exactly, and every code is tested by a fixture and listed in the CHANGELOG."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fixture_runner import FIXTURES, fixture_files
from flake8_fastapi_bp.messages import DEFAULT_OFF, RULES

ROOT = Path(__file__).parents[1]
_ROW = re.compile(r"^\| \[(FBP\d{3})\]\(([^)]*)\) \| ([^|]+) \| (on|off) \| (.+) \|$")
_ERROR_MARK = re.compile(r"#\s*error:\s*(FBP\d{3}(?:\s*,\s*FBP\d{3})*)")


def readme_table() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^<!-- rules-table[^\n]*-->\n(.*?)^<!-- end rules-table -->", text,
                      re.MULTILINE | re.DOTALL)
    assert found, "README.md must keep the <!-- rules-table ... --> markers"
    lines = [line for line in found.group(1).splitlines() if line.strip()]
    assert lines[:2] == ["| code | name | default | what it flags |", "|---|---|---|---|"]
    return lines[2:]


def expected_row(code: str) -> str:
    rule = RULES[code]
    default = "off" if rule.default_off else "on"
    return f"| [{code}](docs/rules/{code}.md) | {rule.name} | {default} | {rule.summary} |"


def test_readme_table_rows_are_well_formed() -> None:
    for line in readme_table():
        assert _ROW.match(line), f"malformed rule-table row: {line}"


def test_readme_table_matches_the_registry() -> None:
    """Same codes in registry order, each with its name, default, summary and page link."""
    assert readme_table() == [expected_row(code) for code in RULES]


def test_default_off_is_what_the_registry_says() -> None:
    assert DEFAULT_OFF == tuple(code for code, rule in RULES.items() if rule.default_off)


def fixture_error_marks() -> set[str]:
    found: set[str] = set()
    for path in fixture_files():
        for group in _ERROR_MARK.findall(path.read_text(encoding="utf-8")):
            found.update(code.strip() for code in group.split(","))
    return found


# FBP000 reports a bug of the plugin: no input should raise it, so no fixture can mark it.
# It is tested by injecting a failure (test_docs, test_flake8_cli).
@pytest.mark.parametrize("code", [code for code in RULES if code != "FBP000"])
def test_every_code_has_an_error_fixture(code: str) -> None:
    assert code in fixture_error_marks(), f"no '# error: {code}' under {FIXTURES}"


def test_fixture_marks_name_registered_codes() -> None:
    assert fixture_error_marks() <= set(RULES)


def changelog_codes() -> set[str]:
    """Codes named in CHANGELOG.md, ranges such as ``FBP101-FBP106`` included."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    found = set(re.findall(r"\bFBP\d{3}\b", text))
    for start, end in re.findall(r"\bFBP(\d{3})\s*[-\u2013]\s*(?:FBP)?(\d{3})\b", text):
        found.update(f"FBP{number:03d}" for number in range(int(start), int(end) + 1))
    return found


@pytest.mark.parametrize("code", list(RULES))
def test_every_code_is_in_the_changelog(code: str) -> None:
    assert code in changelog_codes()
