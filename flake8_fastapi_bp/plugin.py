"""flake8 entry point: options, default-off codes, and one run per file.

Any exception while checking a file becomes a single FBP000 line for that file; the
flake8 run always goes on.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any, ClassVar, Iterator, cast

from . import __version__
from .context import FileContext, Report
from .messages import DEFAULT_OFF, message
from .profiling import timed
from .resolve.disk_cache import CacheSettings
from .resolve.infer import release_project_state
from .resolve.memory import (budget_for_file, collect_between_files, freeze_file_objects,
                             release_modules, start_fresh, tune_collector)
from .resolve.run import Run
from .rules import FAMILIES
from .settings import OptionError, Settings, add_options, from_namespace


class Plugin:
    name = "flake8-fastapi-bp"
    version = __version__
    settings: ClassVar[Settings] = Settings()
    # The flake8 run under way (made by ``parse_options``; flake8 keeps no other handle
    # between the per-file plugin instances).
    current_run: ClassVar[Run | None] = None

    def __init__(self, tree: ast.AST, filename: str = "stdin",
                 lines: list[str] | None = None) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @staticmethod
    def add_options(manager: Any) -> None:
        add_options(manager)
        manager.extend_default_ignore(list(DEFAULT_OFF))

    @classmethod
    def parse_options(cls, options: Any) -> None:
        tune_collector()
        try:
            cls.settings = from_namespace(options)
        except OptionError as exc:
            # Like flake8's own bad option values (argparse): one line on stderr, exit 2,
            # which CI scripts can tell apart from "violations found" (1).
            print(f"flake8-fastapi-bp: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        cls.current_run = start_run(cls.settings.cache)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        for report in self.reports():
            yield report.line, report.col, report.text, type(self)

    def reports(self) -> list[Report]:
        """Every report for this file, sorted; FBP000 instead if the setup fails."""
        if not isinstance(self.tree, ast.Module):
            return []
        try:
            ctx = self._context()
        except Exception as exc:  # noqa: BLE001 - never stop the flake8 run
            return [_internal_error(exc)]
        found: list[Report] = []
        failure: Exception | None = None
        for number, family in enumerate(FAMILIES):
            if not self.settings.wants(*family.CODES):
                continue
            if number:  # a large file pulls in many modules: keep to the budget meanwhile
                release_modules(ctx.run, self._module_budget(), new_file=False)
            if ctx.run.profile is not None:
                ctx.run.profile.enter(family.__name__.removeprefix("flake8_fastapi_bp."))
            try:
                found.extend(family.check(ctx))
            except Exception as exc:  # noqa: BLE001 - one family failing keeps the others
                failure = failure or exc
            finally:
                if ctx.run.profile is not None:
                    ctx.run.profile.leave()
        valid = [report for report in found if _well_formed(report)]
        if len(valid) < len(found) and failure is None:
            failure = TypeError("a rule made a malformed report")
        reports = sorted({report for report in valid if self._turned_on(report)})
        if failure is not None:
            reports.insert(0, _internal_error(failure))
        else:
            freeze_file_objects()
        return reports

    def _turned_on(self, report: Report) -> bool:
        """Default-off codes reach flake8 only when the user named them (flake8's own
        default ignore list is lost to a user ``ignore =`` and beaten by ``--select``)."""
        code = report.text[:6]
        return code not in DEFAULT_OFF or code in self.settings.enabled_default_off

    def _module_budget(self) -> int:
        """The kept-module budget while this file is checked (a large file makes room)."""
        return budget_for_file(len(self.lines or ()))

    @classmethod
    def run_state(cls) -> Run:
        """The run under way (one is started if flake8 never parsed options: tests)."""
        if cls.current_run is None:
            cls.current_run = Run()
        return cls.current_run

    @timed("index", lambda plugin: plugin.run_state().profile)
    def _context(self) -> FileContext:
        run = self.run_state()
        # Between files: keep memory bounded (same findings, see release_modules).
        released = release_modules(run, self._module_budget()) and release_project_state()
        collect_between_files(unfreeze=released)
        path = Path(self.filename if self.filename not in ("stdin", "-") else "stdin.py")
        # A stdin buffer (editors: --stdin-display-name) stands for its file on disk.
        tree = cast(ast.Module, self.tree)  # ``reports`` checked it
        project, module = run.module_for_file(path, tree, self.lines, register=True,
                                              import_roots=self.settings.import_roots)
        return FileContext(module, project, run.resolver_for(project), self.settings)


def start_run(cache: CacheSettings = CacheSettings()) -> Run:
    """A new flake8 run, from nothing: hosts that run flake8 again in their own process
    (editors' language servers, after each save) must not answer from what earlier runs
    learned of files that may have changed since, nor keep their frozen cycles."""
    release_project_state()
    start_fresh()
    return Run(cache)


def _well_formed(report: object) -> bool:
    return isinstance(report, Report) and type(report.line) is int \
        and type(report.col) is int and isinstance(report.text, str)


def _internal_error(exc: BaseException) -> Report:
    try:
        lines = str(exc).splitlines()
    except Exception:  # noqa: BLE001 - an exception that cannot even print itself
        lines = []
    text = lines[0] if lines else ""
    return Report(1, 0, message("FBP000", error=f"{type(exc).__name__}: {text}"[:300]))
