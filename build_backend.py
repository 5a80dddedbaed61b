"""In-tree PEP 517 backend: setuptools' own, plus the rule pages in the wheel.

The pages live at ``docs/rules/FBPxxx.md`` (their one canonical place: tests and hooks
read them there). ``build_wheel`` copies them into ``flake8_fastapi_bp/pages/`` (git-ignored,
``[tool.setuptools.package-data]``) for the build and removes the copy afterwards, so
``python -m flake8_fastapi_bp FBP107`` finds them in an installed wheel. The sdist
carries them once, under ``docs/`` (MANIFEST.in); an editable install and a run from the
checkout read ``docs/rules`` directly (``flake8_fastapi_bp/lookup.py``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F401,F403 (the rest of the backend as is)

ROOT = Path(__file__).resolve().parent
PAGES = ROOT / "docs" / "rules"
COPY = ROOT / "flake8_fastapi_bp" / "pages"


@contextmanager
def rule_pages() -> Iterator[None]:
    pages = sorted(PAGES.glob("FBP*.md"))
    if not pages:
        raise RuntimeError(f"no rule pages in {PAGES}: the wheel would ship without them")
    shutil.rmtree(COPY, ignore_errors=True)
    COPY.mkdir()
    try:
        for page in pages:
            shutil.copyfile(page, COPY / page.name)
        yield
    finally:
        shutil.rmtree(COPY, ignore_errors=True)


def build_wheel(wheel_directory: str, config_settings: Mapping[str, Any] | None = None,
                metadata_directory: str | None = None) -> str:
    with rule_pages():
        return build_meta.build_wheel(wheel_directory, config_settings, metadata_directory)
