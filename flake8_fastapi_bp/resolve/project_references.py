"""The project text index: what every source file of the project says about functions
used across modules (dependencies, background tasks, lifespans, runs of CLI entry
points), the names it defines and calls, mail words: read once per run, by cheap text
scans, so that a question about one module need not parse the others.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..apis.heavy import CALLED_INSTANCE_ROOTS
from ..apis.mail import MAIL_METHOD_NAMES, MAIL_METHODS_BY_LIBRARY
from ..apis.parameters import PATH_PARAMETER
from ..profiling import timed
from .disk_cache import Facts, scanned
from .module import ModuleInfo
from .project import Project
from .text_scans import (IMPORT_WORD, class_facts, defined_in_text, imported_roots_in,
                         matches_at_line_starts)

# Each pattern starts with its keyword and checks the word boundary before it after it
# (``Depends(?<!\wDepends)``): ``re`` then jumps to the keyword (see module.defined_in_text).
# ``asyncio.run(main())``, ``anyio.run(main)``, ``loop.run_until_complete(cli.main())``: each
# pattern starts with its keyword (``re`` jumps to it), the receiver is checked behind it.
_RUN_ARGUMENT = r"\(\s*(?:[\w.]*\.)?(\w+)\s*[(,)]"
_RUN_RECEIVERS = "|".join(rf"(?<=\b{receiver}\.run)"
                          for receiver in ("asyncio", "anyio", "trio", "uvloop", "runner"))
RUN_REFERENCES = (re.compile(rf"run(?:{_RUN_RECEIVERS}){_RUN_ARGUMENT}"),
                  re.compile(r"run_until_complete" + _RUN_ARGUMENT))
_CALLED_WITH = r"(?<!\w{0})\(\s*(?:[\w.]*\.)?(\w+)\s*[,)]"
_REFERENCE = {
    "dependency": tuple(re.compile(name + _CALLED_WITH.format(name))
                        for name in ("Depends", "Security")),
    "task": tuple(re.compile(name + _CALLED_WITH.format(name))
                  for name in ("add_task", "BackgroundTask")),
    "lifespan": (re.compile(r"lifespan(?<!\wlifespan)(?:_context)?\s*=\s*(?:[\w.]*\.)?(\w+)\b"
                            r"(?!\s*[(.\[])"),),
    # A function that may be a CLI entry point (see loop_model).
    "run": RUN_REFERENCES,
}
_REFERENCE_HINTS = {"dependency": ("Depends", "Security"), "task": ("ask(",),
                    "lifespan": ("lifespan",), "run": ("run",)}


@dataclass(frozen=True)
class _Reference:
    """One file that names a function inside ``Depends(...)`` (or as a task/lifespan)."""
    path: Path
    defines: bool                 # the file has its own top-level ``def <name>``
    import_words: frozenset[str]  # every word of its import statements
    # Other uses only: is the name written bare somewhere, and the words before the dot
    # where it is an attribute (``cli.main``: only a module named ``cli`` can mean ours).
    bare: bool = True
    receivers: frozenset[str] = frozenset()


@dataclass
class ProjectReferences:
    """Cross-module references found by the text scan, with enough context to tell
    which of several same-named functions a reference can mean."""
    by_kind: dict[str, dict[str, list[_Reference]]]
    definitions: dict[str, int]  # top-level function name -> files defining it
    # Names given to an ``async def`` anywhere (methods and nested ones too): a cheap
    # "could this call make a coroutine?" pre-filter before resolving it.
    async_defs: set[str] = field(default_factory=set)
    # Names given to any ``def`` or ``class`` anywhere: a call whose name is none of these
    # (nor imported as one) cannot run project code, so the call graph need not resolve it.
    defined_names: set[str] = field(default_factory=set)
    # The mail-sending method names (``sendmail``...) each file writes, and the mail
    # packages the project imports: FBP204 reads for a mail call at the end of a helper
    # chain only the files that write a method name of an imported mail package.
    mail_words: dict[Path, frozenset[str]] = field(default_factory=dict)
    mail_libraries: set[str] = field(default_factory=set)
    # Packages whose called instances are heavy (``torch``: ``model(x)``) that the project
    # mentions anywhere: without one, FBP201 resolves only calls written with a heavy name.
    called_instance_roots: set[str] = field(default_factory=set)
    # False when the project has more files than the scan reads: names not seen may
    # still be defined, so the name pre-filters above must let every call through.
    complete: bool = True
    # Names called in files that may hold a FastAPI role, and those files: read on first
    # use, by FBP602's request-path scope (most runs never ask).
    role_file_calls: dict[str, tuple[Path, ...]] | None = None
    role_file_imports: dict[Path, frozenset[str]] = field(default_factory=dict)
    # Files that may assign an attribute of a Starlette ``State`` (``app.state.http = ...``,
    # ``setattr(request.state, "db", ...)``), by attribute name; ``*`` for a name that is
    # not a literal (``setattr(request.state, key, ...)``).
    state_writers: dict[str, set[Path]] = field(default_factory=dict)
    role_candidates: list[Path] = field(default_factory=list)
    # The project files the scan read (the later scans on first need read the same list
    # instead of walking the folders again).
    files: list[Path] = field(default_factory=list)

    def files_calling(self, project: Project, name: str,
                      imported: frozenset[str]) -> tuple[Path, ...]:
        """The project files that may hold a FastAPI role function (they mention
        fastapi/starlette, or define a function used as a dependency or task elsewhere),
        write a call of ``name`` (``name(`` or ``.name(``) and import one of ``imported``
        (the helper's module, its name, its class): only those can reach the helper."""
        if self.role_file_calls is None:
            self.role_file_calls = _calls_in_role_files(project, self)
        return tuple(path for path in self.role_file_calls.get(name, ())
                     if not imported.isdisjoint(self.role_file_imports[path]))

    # FBP305/FBP306, read on first use: the files that write a call of a name used as a
    # dependency, the ``{name}``s of the project's route paths and prefixes, and the
    # files that may pass ``dependencies=`` to an app, a router or ``include_router``.
    dependency_calls: dict[str, tuple[Path, ...]] | None = None
    path_names: frozenset[str] | None = None
    shared_dependency_files: tuple[Path, ...] | None = None

    def files_calling_dependency(self, project: Project, name: str) -> tuple[Path, ...]:
        """The files that write ``name(`` (or ``.name(``), for a name some file writes
        inside ``Depends(...)``/``Security(...)``."""
        if self.dependency_calls is None:
            self._scan_for_parameters(project)
        return (self.dependency_calls or {}).get(name, ())

    def route_path_names(self, project: Project) -> frozenset[str]:
        """Every ``{name}`` written in a path-like string literal (``"/items/{item_id}"``,
        f-strings left out) anywhere in the project."""
        if self.path_names is None:
            self._scan_for_parameters(project)
        return self.path_names or frozenset()

    def files_sharing_dependencies(self, project: Project) -> tuple[Path, ...]:
        if self.shared_dependency_files is None:
            self._scan_for_parameters(project)
        return self.shared_dependency_files or ()

    def _scan_for_parameters(self, project: Project) -> None:
        # Facts of the persistent cache: the classes named by ``Depends()`` first, then
        # the calls of any dependency. Files of a project nested below this one (its own
        # setup.cfg ...) are not this one's.
        dependencies = set(self.by_kind["dependency"].keys())
        names: set[str] = set()
        shared: list[Path] = []
        held: list[Path] = []
        for path, facts in scanned(project.run.cache, project.scan_root, self.files,
                                   "parameters", parameter_facts):
            dependencies.update(_strings(facts, "implicit"))
            if project.holds(path):
                held.append(path)
                names.update(_strings(facts, "paths"))
                if facts.get("shared") is True:
                    shared.append(path)
        calls: dict[str, list[Path]] = {}
        for path, facts in scanned(project.run.cache, project.scan_root, held, "called",
                                   called_facts):
            for name in dependencies.intersection(_strings(facts, "called")):
                calls.setdefault(name, []).append(path)
        self.dependency_calls = {name: tuple(paths) for name, paths in calls.items()}
        self.path_names = frozenset(names)
        self.shared_dependency_files = tuple(shared)

    # FBP108, read on first use: each project class header (name, base words) and the
    # sync methods written directly in each class body, by class name.
    class_headers: list[tuple[str, frozenset[str]]] | None = None
    sync_methods: dict[str, set[str]] = field(default_factory=dict)

    def subclasses_overriding_with_sync(self, project: Project, base: str,
                                        method: str) -> bool:
        """Does a class deriving from ``base`` by the names in class headers (directly
        or not, a name, not a resolved class: ambiguity is the point) write a sync
        ``def <method>(`` in its body?"""
        if self.class_headers is None:
            self.class_headers = []
            for _, facts in scanned(project.run.cache, project.scan_root, self.files,
                                    "classes", class_facts):
                for header in _strings(facts, "headers"):
                    name, *bases = header.split()
                    self.class_headers.append((name, frozenset(bases)))
                for written in _strings(facts, "sync"):
                    owner, _, name = written.partition(".")
                    self.sync_methods.setdefault(owner, set()).add(name)
        return any(method in self.sync_methods.get(name, ())
                   for name in subclass_names(self.class_headers, base))

    # Other uses (not runs, not imports) of the names of async functions that some file
    # runs with ``asyncio.run``...: filled on the first question (``uses_besides_runs``).
    other_uses: dict[str, list[_Reference]] | None = None

    def refers_to(self, kind: str, name: str, module: ModuleInfo,
                  elsewhere: bool = False) -> bool:
        """A reference counts for ``module``'s function when it is in that module, or in a
        file without its own ``def <name>`` that either imports from the module or can
        only mean this function (the name is defined once in the project). So a pytest
        fixture ``get_client`` is not a dependency because another test module defines
        and depends on its own ``get_client``. ``elsewhere``: only other files count."""
        return any(self._counts_for(reference, name, module, elsewhere)
                   for reference in self.by_kind[kind].get(name, ()))

    def used_elsewhere(self, name: str, module: ModuleInfo) -> bool:
        """Does another file use ``module``'s top-level ``name`` other than by running it
        (``asyncio.run(name())``) or importing it? Only asked after ``uses_besides_runs``."""
        return any(reference.path != module.path
                   and ((reference.bare and self._counts_for(reference, name, module, True))
                        or _through_module(reference, module))
                   for reference in (self.other_uses or {}).get(name, ()))

    def _counts_for(self, reference: _Reference, name: str, module: ModuleInfo,
                    elsewhere: bool) -> bool:
        stem = module.name.rpartition(".")[2] or (module.path.stem if module.path else "")
        if module.path is not None and reference.path == module.path:
            return not elsewhere
        unique = self.definitions.get(name, 0) <= 1
        return not reference.defines and (unique or stem in reference.import_words)


_TOP_LEVEL_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+(\w+)", re.M)
_ASYNC_DEF = re.compile(r"async(?<!\wasync)[ \t]+def[ \t]+(\w+)")
# ``get_db = get_session`` at module level: a name that may stand for a project function.
_NAME_ALIAS = re.compile(r"^(\w+)[ \t]*=[ \t]*[A-Za-z_][\w.]*[ \t]*$", re.M)
# Words that start with ``send`` (every mail-sending method name does), found from the
# keyword: a leading ``\b`` and an alternation would make ``re`` try every position.
# The word before the dot that ends the searched text: ``cli`` for ``... cli.``.
_RECEIVER = re.compile(r"(\w*)\s*\.\Z")
_SEND_WORD = re.compile(r"send(?<!\wsend)\w*")
# ``name(`` after a word boundary (the look-behind fails fast inside a word).
_CALLED_NAME = re.compile(r"(?<!\w)(\w+)[ \t]*\(")
_WEB_FRAMEWORKS = ("fastapi", "starlette")
# A string literal that starts with ``/`` and the ``{name}``/``{name:converter}`` parts of
# it; one with a letter right before its quote (an f-string, a rare ``r"/..."``) is skipped.
_PATH_LITERAL = re.compile(r"([\"'])(/[^\"'\n]*\{[^\"'\n]*)\1")
# ``Annotated[Checker, Depends()]``, ``checker: Checker = Depends()``: the class named.
_IMPLICIT_DEPENDENCY = re.compile(r"(\w+)\s*[,=]\s*(?:Depends|Security)\(\s*\)")
_SHARED_DEPENDENCIES = re.compile(r"dependencies(?<!\wdependencies)\s*=")
# ``app.state.http = ...`` / ``state.db: Session = ...`` and ``setattr(x.state, "db", ...)``;
# each pattern starts with its keyword.
_STATE_ASSIGNED = re.compile(r"state(?<!\wstate)\.(\w+)[ \t]*(?::[^=\n]*)?=(?!=)")
_STATE_SET = re.compile(r"setattr(?<!\wsetattr)\(\s*[^,()]*state\s*,\s*(?:(['\"])(\w+)\1)?")
_IMPORT = re.compile(r"[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+(?:\([^)]*\)|[^\n]*)")


@timed("import-scan", lambda project: project.run.profile)
def project_references(project: Project) -> ProjectReferences:
    """Names used as dependencies / background tasks anywhere in the project (text scan),
    read once per run and scan root."""
    known = project.run.references
    key = project.scan_root
    if key not in known:
        found = ProjectReferences({kind: {} for kind in _REFERENCE}, {})
        candidates = []
        files = found.files = project.files()
        for path, facts in scanned(project.run.cache, project.scan_root, files, "scan",
                                   scan_facts):
            _add_facts(path, facts, found)
            candidates.append((path, facts.get("web") is True, _strings(facts, "defs")))
        found.complete = project.scan_complete
        found.role_candidates = _role_candidates(candidates, found)
        # Only an async def can be a CLI entry point: other run names are kept for nothing.
        runs = found.by_kind["run"]
        for name in runs.keys() - found.async_defs:
            del runs[name]
        known[key] = found
    return known[key]


@timed("import-scan", lambda project: project.run.profile)
def uses_besides_runs(project: Project) -> ProjectReferences:
    """The project references with ``other_uses`` filled: a second text pass, made once
    and only when a question needs it, over the names of async functions that a file
    runs (``asyncio.run(main())``): every other word-match of such a name, outside import
    statements and its own ``def``, is a use (comments and strings too: a use too many
    only keeps a function checked)."""
    found = project_references(project)
    if found.other_uses is None:
        uses: dict[str, list[_Reference]] = {}
        names = found.by_kind["run"].keys() & found.async_defs
        # One pattern per name, starting with the name itself so that ``re`` jumps to it
        # (an alternation of many names behind ``\b`` is tried at every position).
        words = {name: re.compile(rf"{name}(?<!\w{name})(?!\w)") for name in names}
        if words:
            for path, text in project.texts():
                present = [word for name, word in words.items() if name in text]
                if present:
                    _scan_uses(path, text, present, uses)
        found.other_uses = uses
    return found


def _scan_uses(path: Path, text: str, words: list[re.Pattern[str]],
               into: dict[str, list[_Reference]]) -> None:
    runs = {match.start(1) for pattern in RUN_REFERENCES for match in pattern.finditer(text)}
    imports = [(found.start(), found.end())
               for found in matches_at_line_starts(text, IMPORT_WORD, _IMPORT)]
    bare: set[str] = set()
    receivers: dict[str, set[str]] = {}
    for match in (found for word in words for found in word.finditer(text)):
        start, name = match.start(), match.group()
        if start in runs or text.endswith("def ", 0, start) \
                or any(begin <= start < end for begin, end in imports):
            continue
        receiver = _RECEIVER.search(text, max(0, start - 80), start) \
            if text.endswith(".", 0, start) else None
        if receiver is None:
            bare.add(name)
        else:
            receivers.setdefault(name, set()).add(receiver.group(1))
    if bare or receivers:
        defined = set(_TOP_LEVEL_DEF.findall(text))
        imported = import_words(text)
        for name in bare | receivers.keys():
            into.setdefault(name, []).append(_Reference(
                path, name in defined, imported, name in bare,
                frozenset(receivers.get(name, ()))))


def scan_facts(text: str) -> Facts:
    """What the project scan takes from one file: a pure function of its text, kept in
    the persistent cache (``disk_cache``)."""
    facts: Facts = {"defs": sorted(set(_TOP_LEVEL_DEF.findall(text))),
                    "names": sorted(defined_in_text(text) | set(_NAME_ALIAS.findall(text))),
                    "heavy": [root for root in CALLED_INSTANCE_ROOTS if root in text],
                    "web": any(word in text for word in _WEB_FRAMEWORKS)}
    if "async" in text:
        facts["async"] = sorted(set(_ASYNC_DEF.findall(text)))
    if "send" in text:  # every mail-sending method name has it
        facts["mail"] = sorted(MAIL_METHOD_NAMES.intersection(_SEND_WORD.findall(text)))
    if any(root in text for root in MAIL_METHODS_BY_LIBRARY):
        facts["mail_libraries"] = sorted(MAIL_METHODS_BY_LIBRARY.keys() & imported_roots_in(text))
    if "state" in text:
        writers = _state_writer_names(text)
        if writers:
            facts["state"] = sorted(writers)
    for kind, patterns in _REFERENCE.items():
        if any(hint in text for hint in _REFERENCE_HINTS[kind]):
            names = {found for pattern in patterns for found in pattern.findall(text)}
            if names:
                facts["ref:" + kind] = sorted(names)
    if any(key.startswith("ref:") for key in facts):
        facts["imports"] = sorted(import_words(text))
    return facts


def _add_facts(path: Path, facts: Facts, into: ProjectReferences) -> None:
    defined = set(_strings(facts, "defs"))
    into.async_defs.update(_strings(facts, "async"))
    into.defined_names.update(_strings(facts, "names"))
    into.called_instance_roots.update(_strings(facts, "heavy"))
    if _strings(facts, "mail"):
        into.mail_words[path] = frozenset(_strings(facts, "mail"))
    into.mail_libraries.update(_strings(facts, "mail_libraries"))
    for name in _strings(facts, "state"):
        into.state_writers.setdefault(name, set()).add(path)
    for name in defined:
        into.definitions[name] = into.definitions.get(name, 0) + 1
    words = frozenset(map(sys.intern, _strings(facts, "imports")))
    for kind in _REFERENCE:
        for name in _strings(facts, "ref:" + kind):
            into.by_kind[kind].setdefault(name, []).append(
                _Reference(path, name in defined, words))


def _state_writer_names(text: str) -> set[str]:
    """The ``State`` attribute names the file may assign; ``*`` for a computed one."""
    names = set(_STATE_ASSIGNED.findall(text))
    if "setattr" in text:
        names.update(found.group(2) or "*" for found in _STATE_SET.finditer(text))
    return names


def _strings(facts: Facts, key: str) -> list[str]:
    value = facts.get(key, [])
    return value if isinstance(value, list) else []


def _role_candidates(scanned: list[tuple[Path, bool, list[str]]],
                     references: ProjectReferences) -> list[Path]:
    """The files that may hold a FastAPI role function: they mention fastapi/starlette,
    or define a function used as a dependency or task elsewhere."""
    role_names = references.by_kind["dependency"].keys() | references.by_kind["task"].keys()
    return [path for path, web, defined in scanned
            if web or not role_names.isdisjoint(defined)]


def parameter_facts(text: str) -> Facts:
    """FBP305/FBP306's facts of one file: classes named by ``Depends()``, the ``{name}``s
    of its path-like string literals, and whether it may pass ``dependencies=``."""
    facts: Facts = {"shared": "dependencies" in text
                    and _SHARED_DEPENDENCIES.search(text) is not None}
    if "Depends()" in text or "Security()" in text:
        facts["implicit"] = sorted(set(_IMPLICIT_DEPENDENCY.findall(text)))
    if "{" in text:
        facts["paths"] = sorted({name for found in _PATH_LITERAL.finditer(text)
                                 if not text[found.start() - 1:found.start()].isalnum()
                                 for name in PATH_PARAMETER.findall(found.group(2))})
    return facts


def subclass_names(headers: list[tuple[str, frozenset[str]]], base: str) -> set[str]:
    """Names of the classes that derive from ``base`` through names written in their
    class headers, transitively."""
    names = {base}
    grown = True
    while grown:
        grown = False
        for name, bases in headers:
            if name not in names and not bases.isdisjoint(names):
                names.add(name)
                grown = True
    names.discard(base)
    return names


def called_facts(text: str) -> Facts:
    """The names a file calls (``name(`` or ``.name(``) and its import words: FBP602's
    request-path scan of the role files, kept in the persistent cache."""
    return {"called": sorted(set(_CALLED_NAME.findall(text))),
            "imports": sorted(import_words(text))}


def _calls_in_role_files(project: Project,
                         references: ProjectReferences) -> dict[str, tuple[Path, ...]]:
    found: dict[str, list[Path]] = {}
    for path, facts in scanned(project.run.cache, project.scan_root, references.role_candidates,
                               "called",
                               called_facts):
        called = set(_strings(facts, "called"))
        if references.complete:  # only names some def of the project has can be helpers
            called &= references.defined_names
        if called:
            references.role_file_imports[path] = frozenset(
                map(sys.intern, _strings(facts, "imports")))
        for name in called:
            found.setdefault(name, []).append(path)
    return {name: tuple(paths) for name, paths in found.items()}


def import_words(text: str) -> frozenset[str]:
    """Every word of the file's import statements, interned: kept for the run by each
    reference, and the same module names recur in every file."""
    return frozenset(map(sys.intern, re.findall(r"\w+", " ".join(_import_statements(text)))))


def _import_statements(text: str) -> Iterator[str]:
    """The text of each import statement that starts a line (with its parenthesized
    names)."""
    return (found.group() for found in matches_at_line_starts(text, IMPORT_WORD, _IMPORT))


def _through_module(reference: _Reference, module: ModuleInfo) -> bool:
    """``jobs.sync_all()`` / ``j.sync_all()`` after ``import app.jobs as j``: an attribute
    on the module's name, or on a name imported by a file that imports the module."""
    stem = module.name.rpartition(".")[2] or (module.path.stem if module.path else "")
    return stem in reference.receivers or (
        stem in reference.import_words
        and not reference.receivers.isdisjoint(reference.import_words))
