"""Messages that carry evidence: FBP107 names a chain a reader can confirm, FBP109 does
not claim an exception is lost where the coroutine catches every one."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_runner import FIXTURES
from test_call_graph import line_of, messages

BRANCHES = FIXTURES / "fbp107_branches.py"
TASKS = FIXTURES / "fbp109_tasks.py"


def message_at(path: Path, text: str) -> str:
    line = line_of(path, text)
    [found] = [message for number, message in messages(path) if number == line]
    return found


def test_fbp107_names_the_chain_on_the_unconditional_path(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.chdir(FIXTURES)
    found = message_at(BRANCHES, "sync_or_fallback(path)")
    assert "via sync_or_fallback() -> write_marker() -> subprocess.run()" in found


def test_fbp107_names_a_branch_when_no_other_chain_exists(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.chdir(FIXTURES)
    found = message_at(BRANCHES, "fallback_only(path)")
    assert "via fallback_only() -> input()" in found


@pytest.mark.parametrize(("call", "lost"), [
    ("asyncio.create_task(guarded())", False),
    ("asyncio.create_task(guarded_but_reraises())", True),
    ("asyncio.create_task(guarded_narrowly())", True),
    ("asyncio.create_task(work())  # error", True),
])
def test_fbp109_claims_a_lost_exception_only_when_one_can_be_lost(call: str, lost: bool
                                                                  ) -> None:
    found = message_at(TASKS, call)
    assert "garbage-collected mid-flight" in found
    assert ("its exception is lost" in found) == lost
