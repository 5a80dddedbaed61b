"""Rule pages ``docs/rules/FBPxxx.md``: one per registered code, the same sections in
the same order, and code blocks that behave as documented: run through the plugin with
every code selected, the Example raises its code and no other, Use instead is clean."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli_runner import codes_by_line, flake8, write_project
from fixture_runner import run_plugin
from flake8_fastapi_bp.messages import RULES
from flake8_fastapi_bp.settings import add_options

DOCS = Path(__file__).parents[1] / "docs" / "rules"
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options",
            "Known limits")
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


@dataclass
class Page:
    title: str
    summary: str
    sections: list[tuple[str, str]]  # (H2 heading, body), in order

    def section(self, heading: str) -> str:
        return dict(self.sections)[heading]


def parse_page(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    head, *parts = re.split(r"^## ", text, flags=re.MULTILINE)
    lines = [line for line in head.splitlines() if line.strip()]
    title = lines[0] if lines else ""
    summary = " ".join(lines[1:])
    sections = []
    for part in parts:
        heading, _, body = part.partition("\n")
        sections.append((heading.strip(), body))
    return Page(title, summary, sections)


def python_blocks(body: str) -> list[str]:
    return [code for language, code in _FENCE.findall(body) if language == "python"]


def page_of(code: str) -> Page:
    path = DOCS / f"{code}.md"
    if not path.is_file():
        pytest.fail(f"{code} has no page docs/rules/{code}.md yet")
    return parse_page(path)


def the_block(code: str, heading: str) -> str:
    blocks = python_blocks(page_of(code).section(heading))
    assert len(blocks) == 1, f"{code}: '## {heading}' needs exactly one ```python block"
    return blocks[0]


def run_block(tmp_path: Path, source: str) -> list[tuple[int, str]]:
    """The plugin's reports on ``source`` as a module of its own project (every code)."""
    project = write_project(tmp_path / "project", {"example.py": source})
    return run_plugin(project / "example.py")


CODES = sorted(RULES)
RULE_CODES = [code for code in CODES if code != "FBP000"]


def test_every_code_has_a_page_and_every_page_a_code() -> None:
    pages = {path.stem for path in DOCS.glob("*.md")}
    assert sorted(set(RULES) - pages) == [], "registered codes without a page"
    assert sorted(pages - set(RULES)) == [], "pages for codes that are not registered"


@pytest.mark.parametrize("code", CODES)
def test_page_structure(code: str) -> None:
    page = page_of(code)
    assert page.title == f"# {code}: {RULES[code].name}"
    assert page.summary and not page.summary.startswith("#"), "a one-line summary after the title"
    assert [heading for heading, _ in page.sections] == list(SECTIONS)
    for heading, body in page.sections:
        assert body.strip(), f"'## {heading}' is empty"


@pytest.mark.parametrize("code", RULE_CODES)
def test_example_raises_exactly_its_code(tmp_path: Path, code: str) -> None:
    reports = run_block(tmp_path, the_block(code, "Example"))
    assert {found for _, found in reports} == {code}, reports


@pytest.mark.parametrize("code", RULE_CODES)
def test_use_instead_is_clean(tmp_path: Path, code: str) -> None:
    assert run_block(tmp_path, the_block(code, "Use instead")) == []


def _registered_options() -> set[str]:
    names: set[str] = set()

    class Manager:
        def add_option(self, *args: str, **kwargs: object) -> None:
            names.update(args)

    add_options(Manager())
    return names


@pytest.mark.parametrize("code", CODES)
def test_pages_name_only_real_options(code: str) -> None:
    text = (DOCS / f"{code}.md").read_text(encoding="utf-8") if (DOCS / f"{code}.md").is_file() \
        else ""
    mentioned = set(re.findall(r"--fbp-[a-z-]*[a-z]", text))
    assert mentioned <= _registered_options()


# FBP000 reports a bug of the plugin: no input should raise it. Its page shows what a
# failure looks like and how to keep the rest of the file checked meanwhile; the real
# flake8 checks that with a failure injected into one rule family.
def test_fbp000_example_and_use_instead(tmp_path: Path) -> None:
    faults = {"raise_in": ["example.py"], "message": "injected failure"}
    for heading, expected in (("Example", [("example.py", 1, "FBP000")]), ("Use instead", [])):
        project = write_project(tmp_path / heading.replace(" ", "_"),
                                {"example.py": the_block("FBP000", heading)})
        assert run_plugin(project / "example.py") == [], f"{heading} must be clean normally"
        result = flake8(["--select", "FBP", "example.py"], project, faults=faults)
        assert codes_by_line(result.stdout) == expected, (heading, result.stdout, result.stderr)
