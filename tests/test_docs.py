"""Rule pages ``docs/rules/FBPxxx.md``: one per registered code, the same sections in
the same order, a short summary under the title, at most 500 words before the optional
Details section, and code blocks that behave as documented: run through the plugin with
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
# Optional sections after the required ones, in this order: design notes and the finer
# points of a rule go to Details, links to the FastAPI / library docs to References.
OPTIONAL_SECTIONS = ("Details", "References")
MAX_WORDS = 500  # before "## Details": the title, summary and required sections
MAX_SUMMARY_SENTENCES = 2
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


def words_before_details(text: str) -> int:
    """Whitespace-separated tokens of the markdown (code blocks included) before
    ``## Details``; the whole page when it has no Details section."""
    return len(re.split(r"^## Details\s*$", text, maxsplit=1, flags=re.MULTILINE)[0].split())


def sentences(text: str) -> int:
    """Sentences of a summary: ends of sentence (``.``, ``!``, ``?`` before a space or
    the end) outside inline code, "e.g." and "i.e." not counted."""
    prose = re.sub(r"`[^`]*`", "code", text)
    prose = re.sub(r"\b(?:e\.g|i\.e)\.", "eg", prose)
    return len(re.findall(r"[.!?](?=\s|$)", prose.strip()))


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
    headings = [heading for heading, _ in page.sections]
    assert headings[:len(SECTIONS)] == list(SECTIONS)
    after = headings[len(SECTIONS):]
    assert after == [name for name in OPTIONAL_SECTIONS if name in after], \
        f"after '## Known limits' only {OPTIONAL_SECTIONS}, in that order, each once: {after}"
    for heading, body in page.sections:
        assert body.strip(), f"'## {heading}' is empty"


@pytest.mark.parametrize("code", CODES)
def test_page_summary_is_at_most_two_sentences(code: str) -> None:
    summary = page_of(code).summary
    assert summary, "a summary between the title and the first section"
    assert 1 <= sentences(summary) <= MAX_SUMMARY_SENTENCES, summary


@pytest.mark.parametrize("code", CODES)
def test_page_length_before_details(code: str) -> None:
    page_of(code)
    words = words_before_details((DOCS / f"{code}.md").read_text(encoding="utf-8"))
    assert words <= MAX_WORDS, f"{code}: {words} words before '## Details' (at most {MAX_WORDS})"


def test_page_helpers() -> None:
    text = "# T\n\nOne two.\n\n## What it does\n\nthree\n\n## Details\n\nfour five six\n"
    assert words_before_details(text) == 9
    assert words_before_details(text.replace("## Details", "## Detailed")) == 14
    assert sentences("Calls `time.sleep` (e.g. in a loop). It blocks.") == 2
    assert sentences("One sentence with `a. b` code") == 0
    assert sentences("Ends here. And here! Why?") == 3


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
