"""Every annotated fixture: marked lines are reported, unmarked lines stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_runner import (
    FIXTURES,
    expected,
    expected_fragments,
    fixture_files,
    missing_fragments,
    run_plugin_messages,
)


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture(path: Path) -> None:
    reports = run_plugin_messages(path)
    assert sorted((line, message[:6]) for line, message in reports) == expected(path)
    assert missing_fragments(path, reports) == []


def test_fragment_marks_are_read(tmp_path: Path) -> None:
    fixture = tmp_path / "marks.py"
    fixture.write_text('x = 1  # error: FBP107 "a() -> b()", FBP101\n'
                       'y = 2  # inferred: FBP103 "query"\n', encoding="utf-8")
    assert expected_fragments(fixture, full=False) == [(1, "FBP107", "a() -> b()")]
    assert expected(fixture, full=True) == [(1, "FBP101"), (1, "FBP107"), (2, "FBP103")]
    reports = [(1, "FBP107 calls a() -> c()"), (1, "FBP101 sleep")]
    assert missing_fragments(fixture, reports, full=False) == [(1, "FBP107", "a() -> b()")]
    assert missing_fragments(fixture, [(1, "FBP107 via a() -> b() here")], full=False) == []


def test_fixtures_exist_for_every_family() -> None:
    assert len(fixture_files()) >= 5
