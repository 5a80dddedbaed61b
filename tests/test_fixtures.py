"""Every annotated fixture: marked lines are reported, unmarked lines stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_runner import FIXTURES, expected, fixture_files, run_plugin


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture(path: Path) -> None:
    assert sorted(run_plugin(path)) == expected(path)


def test_fixtures_exist_for_every_family() -> None:
    assert len(fixture_files()) >= 5
