"""The persistent cache of the project text scan (``resolve/disk_cache.py``): a round trip,
odd cache files ignored, concurrent writers, the options and environment variables
through the real flake8 command, edits seen on the next run, same findings without it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_runner import codes_by_line, flake8, flake8_env, write_project
from flake8_fastapi_bp.resolve import disk_cache
from flake8_fastapi_bp.resolve.disk_cache import CacheSettings, scanned, settings_from

ROUTES = """
    from fastapi import FastAPI

    from app import helpers

    app = FastAPI(openapi_url=None)


    @app.get("/")
    async def index():
        return helpers.fetch_rate()
"""
NO_HELPER = "import time\n\n\ndef other():\n    return 1\n"
SLOW_HELPER = "import time\n\n\ndef fetch_rate():\n    time.sleep(1)\n"
CALL_LINE = 10


@pytest.fixture
def cache_in(tmp_path: Path) -> Path:
    """A cache folder of this test's own (``scan`` turns the cache on there)."""
    return tmp_path / "cache"


def age(root: Path, seconds: float = 100.0) -> None:
    """Date every file of ``root`` back: a recent file is always hashed, an old one is
    trusted on its size and mtime (the cache's fast path)."""
    past = time.time() - seconds
    for path in root.rglob("*.py"):
        os.utime(path, (past, past))


def words(text: str) -> disk_cache.Facts:
    return {"words": sorted(set(text.split()))}


def scan(root: Path, calls: list[str], folder: Path | None,
         enabled: bool = True) -> dict[str, disk_cache.Facts]:
    """The scan of ``root`` with the cache in ``folder`` (None: at the project root)."""
    def counted(text: str) -> disk_cache.Facts:
        calls.append(text)
        return words(text)
    return {path.name: facts for path, facts in scanned(
        CacheSettings(enabled, folder), root, sorted(root.glob("*.py")), "words", counted)}


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("facts-*.json"))


# ----- round trip and odd cache files --------------------------------------------------
def test_unchanged_files_come_from_the_cache(tmp_path: Path, cache_in: Path) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "alpha beta\n", "b.py": "gamma\n"})
    age(root)
    calls: list[str] = []
    first = scan(root, calls, cache_in)
    assert len(calls) == 2 and len(cache_files(cache_in)) == 1
    assert (cache_in / ".gitignore").read_text().splitlines()[-1] == "*"
    second = scan(root, calls, cache_in)
    assert second == first and len(calls) == 2
    assert first["a.py"] == {"words": ["alpha", "beta"]}


def test_a_touched_file_with_the_same_text_is_hashed_not_scanned(
        tmp_path: Path, cache_in: Path) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "alpha\n"})
    age(root, 200)
    calls: list[str] = []
    scan(root, calls, cache_in)
    age(root, 100)  # a new mtime (a checkout), the same bytes
    assert scan(root, calls, cache_in)["a.py"] == {"words": ["alpha"]} and len(calls) == 1


def test_an_edited_file_is_scanned_again(tmp_path: Path, cache_in: Path) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "alpha\n"})
    age(root)
    calls: list[str] = []
    scan(root, calls, cache_in)
    (root / "a.py").write_text("omega\n", encoding="utf-8")  # same size, new mtime
    assert scan(root, calls, cache_in)["a.py"] == {"words": ["omega"]} and len(calls) == 2


@pytest.mark.parametrize("content", [
    b"", b"{", b"\x00\xff garbage", b"[]", b'{"format": 1}',
    b'{"format": 999, "fingerprint": "x", "files": {}}',
])
def test_a_corrupt_or_foreign_cache_file_is_ignored_and_rewritten(
        tmp_path: Path, cache_in: Path, content: bytes) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "alpha\n"})
    age(root)
    scan(root, [], cache_in)
    [file] = cache_files(cache_in)
    file.write_bytes(content)
    calls: list[str] = []
    assert scan(root, calls, cache_in)["a.py"] == {"words": ["alpha"]} and len(calls) == 1
    assert json.loads(file.read_bytes())["fingerprint"] == disk_cache.fingerprint()


def test_a_truncated_cache_file_or_malformed_entries_are_ignored(
        tmp_path: Path, cache_in: Path) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "alpha\n", "b.py": "beta\n"})
    age(root)
    scan(root, [], cache_in)
    [file] = cache_files(cache_in)
    content = json.loads(file.read_bytes())
    content["files"]["a.py"] = ["not", "an", "entry"]
    content["files"]["b.py"][3]["words"] = {"words": [1, 2]}
    file.write_text(json.dumps(content), encoding="utf-8")
    calls: list[str] = []
    assert scan(root, calls, cache_in) == {"a.py": {"words": ["alpha"]},
                                           "b.py": {"words": ["beta"]}}
    assert len(calls) == 2
    file.write_bytes(file.read_bytes()[:-20])  # a reader never sees this (os.replace)...
    assert scan(root, [], cache_in)["b.py"] == {"words": ["beta"]}  # ...but it would be ignored


def test_an_unwritable_folder_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    root = write_project(tmp_path / "proj", {"a.py": "alpha\n"})
    assert scan(root, [], blocker / "cache")["a.py"] == {"words": ["alpha"]}


def test_no_cache_inside_site_packages(tmp_path: Path) -> None:
    root = write_project(tmp_path / "lib" / "site-packages" / "pkg", {"a.py": "alpha\n"})
    scan(root, [], None)
    assert not (root / disk_cache.CACHE_FOLDER).exists()


def test_a_run_without_the_cache_scans_every_time_and_writes_nothing(
        tmp_path: Path, cache_in: Path) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "alpha\n"})
    age(root)
    calls: list[str] = []
    scan(root, calls, cache_in, enabled=False)
    scan(root, calls, cache_in, enabled=False)
    assert len(calls) == 2 and not cache_in.exists()


def test_options_come_before_the_environment() -> None:
    assert settings_from(False, None, {}) == CacheSettings(enabled=True, directory=None)
    assert not settings_from(False, "x", {"FBP_NO_CACHE": "1"}).enabled
    assert not settings_from(True, None, {}).enabled
    assert settings_from(False, None, {"FBP_NO_CACHE": "0"}).enabled
    assert settings_from(False, "/a", {"FBP_CACHE_DIR": "/b"}).directory == Path("/a")
    assert settings_from(False, "", {"FBP_CACHE_DIR": "/b"}).directory == Path("/b")


# ----- concurrent writers ----------------------------------------------------------------
WRITER = """
import sys
from pathlib import Path
from flake8_fastapi_bp.resolve import disk_cache
file, word = Path(sys.argv[1]), sys.argv[2]
for number in range(150):
    disk_cache._write(file, {"format": 1, "fingerprint": disk_cache.fingerprint(),
                             "files": {f"{word}{n}.py": [1, 1, word * 500, {}]
                                       for n in range(200)}})
"""


def test_concurrent_writers_never_leave_a_half_written_file(tmp_path: Path) -> None:
    file = tmp_path / "cache" / "facts-x.json"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(file), word])
               for word in ("a", "b")]
    seen = 0
    while any(writer.poll() is None for writer in writers):
        if file.exists():
            entries = disk_cache._load(file)
            assert len(entries) == 200  # one writer's whole file, never a mix or a part
            seen += 1
    assert all(writer.returncode == 0 for writer in writers)
    assert len(disk_cache._load(file)) == 200 and seen
    assert not list(file.parent.glob("*.tmp"))


def test_two_flake8_runs_at_once_share_one_cache(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {
        "app/__init__.py": "", "app/main.py": ROUTES, "app/helpers.py": SLOW_HELPER})
    env = {**flake8_env(), "FBP_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "flake8", "--isolated", "--select", "FBP", "--jobs", "2",
               "app"]
    runs = [subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all("Traceback" not in err for _, err in outputs)
    assert outputs[0][0] == outputs[1][0] and "FBP107" in outputs[0][0]
    [file] = cache_files(tmp_path / "cache")
    assert set(disk_cache._load(file)) == {"app/__init__.py", "app/main.py", "app/helpers.py"}


# ----- through the real flake8 command ---------------------------------------------------
def run(root: Path, *args: str, env: dict[str, str | None] | None = None,
        target: str = "app") -> list[str]:
    """flake8 --select FBP in ``root``; ``env`` adds (or with None removes) variables."""
    environment = flake8_env()
    for key, value in (env or {}).items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    done = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "FBP",
                           *args, target], cwd=root, env=environment, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    return [f"{file}:{line}:{code}" for file, line, code in codes_by_line(done.stdout)]


@pytest.fixture
def helper_project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "proj", {
        "app/__init__.py": "", "app/main.py": ROUTES, "app/helpers.py": NO_HELPER})
    age(root)
    return root


def test_the_default_cache_is_a_folder_at_the_project_root(helper_project: Path) -> None:
    run(helper_project, env={"FBP_CACHE_DIR": None})
    folder = helper_project / disk_cache.CACHE_FOLDER
    assert len(cache_files(folder)) == 1
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_the_option_and_the_variable_relocate_the_cache(
        helper_project: Path, tmp_path: Path) -> None:
    run(helper_project, "--fbp-cache-dir", str(tmp_path / "by-option"),
        env={"FBP_CACHE_DIR": str(tmp_path / "by-variable")})
    assert cache_files(tmp_path / "by-option") and not (tmp_path / "by-variable").exists()
    run(helper_project, env={"FBP_CACHE_DIR": str(tmp_path / "by-variable")})
    assert cache_files(tmp_path / "by-variable")
    assert not (helper_project / disk_cache.CACHE_FOLDER).exists()


def test_the_option_and_the_variable_turn_the_cache_off(helper_project: Path) -> None:
    run(helper_project, "--fbp-no-cache", env={"FBP_CACHE_DIR": None})
    run(helper_project, env={"FBP_CACHE_DIR": None, "FBP_NO_CACHE": "1"})
    config = helper_project / "setup.cfg"
    config.write_text("[flake8]\nfbp-no-cache = true\n", encoding="utf-8")
    done = flake8(["--select", "FBP", "app"], cwd=helper_project)
    assert done.returncode == 0, done.stderr
    assert not (helper_project / disk_cache.CACHE_FOLDER).exists()


def test_an_edited_helper_changes_the_finding_on_the_next_run(
        helper_project: Path, tmp_path: Path) -> None:
    """The warm cache says no module defines ``fetch_rate``: a pre-filter that skips the
    call. Once the helper defines it, the next run must follow the call (FBP107)."""
    cache = {"FBP_CACHE_DIR": str(tmp_path / "cache")}
    assert run(helper_project, env=cache) == []
    assert run(helper_project, env=cache) == []
    (helper_project / "app" / "helpers.py").write_text(SLOW_HELPER, encoding="utf-8")
    assert run(helper_project, env=cache) == [f"app/main.py:{CALL_LINE}:FBP107"]
    (helper_project / "app" / "helpers.py").write_text(NO_HELPER, encoding="utf-8")
    assert run(helper_project, env=cache) == []


def test_the_cache_changes_no_finding(tmp_path: Path) -> None:
    """Cold, warm and off: the same reports on multi-module fixture projects."""
    fixtures = Path(__file__).parent / "fixtures"
    cache = {"FBP_CACHE_DIR": str(tmp_path / "cache")}
    for name in ("project_shop", "fbp107_project", "fbp602_request_path"):
        root = tmp_path / name
        shutil.copytree(fixtures / name, root)
        (root / "setup.cfg").write_text("", encoding="utf-8")
        off = run(root, "--fbp-no-cache", target=".")
        cold = run(root, env=cache, target=".")
        assert off and cold == off and run(root, env=cache, target=".") == off, name


# ----- facts read on first need (FBP305/FBP306, FBP108) ----------------------------------
DEPENDENCIES = """
    from fastapi import Depends


    def get_db():
        return 1


    class Base:
        async def close(self):
            ...


    class Child(Base):
        def close(self):
            return None
"""
USES = """
    from fastapi import APIRouter, Depends

    from app.deps import get_db

    router = APIRouter(prefix="/items/{item_id}", dependencies=[Depends(get_db)])


    def warm():
        return get_db()
"""


def test_parameter_and_override_facts_come_from_the_cache_on_the_next_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flake8_fastapi_bp.resolve import project_references as references_module
    from flake8_fastapi_bp.resolve.run import Run

    root = write_project(tmp_path / "proj", {
        "app/__init__.py": "", "app/deps.py": DEPENDENCIES, "app/uses.py": USES})
    age(root)
    computed: list[str] = []
    for name in ("parameter_facts", "class_facts", "called_facts"):
        real = getattr(references_module, name)
        monkeypatch.setattr(references_module, name,
                            lambda text, name=name, real=real:
                            computed.append(name) or real(text))
    for _ in range(2):
        project = Run(CacheSettings(True, tmp_path / "cache")).project_for(root / "app/uses.py")
        found = references_module.project_references(project)
        # A pre-filter: ``def get_db(`` counts as a call too.
        assert set(found.files_calling_dependency(project, "get_db")) == {
            root / "app/deps.py", root / "app/uses.py"}
        assert found.route_path_names(project) == {"item_id"}
        assert found.files_sharing_dependencies(project) == (root / "app/uses.py",)
        assert found.subclasses_overriding_with_sync(project, "Base", "close")
        assert not found.subclasses_overriding_with_sync(project, "Child", "close")
    assert sorted(computed) == ["called_facts"] * 3 + ["class_facts"] * 3 \
        + ["parameter_facts"] * 3  # the first run's, one per file: none on the second
