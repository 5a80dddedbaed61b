"""Pinned corpus of real FastAPI-serving projects for benchmarking the plugin.

Stdlib only.  Distributions are fetched with pip into
``benchmarks/.corpus/dists`` and unpacked into ``benchmarks/.corpus/src/NAME-VER``
(both git-ignored; never commit them).

    python benchmarks/corpus.py                 # fetch + unpack, print file counts
    python benchmarks/corpus.py --list fastapi  # print the .py files of one project
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".corpus"
DISTS = CORPUS / "dists"
SRC = CORPUS / "src"


@dataclass(frozen=True)
class Project:
    """One pinned PyPI distribution and the subdirectories worth linting."""

    name: str
    version: str
    subdirs: tuple[str, ...]
    # "sdist" (preferred) or "wheel": a wheel is used only where preparing the
    # sdist's metadata needs network beyond PyPI (cargo / npm build hooks).
    dist: str = "sdist"

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"

    @property
    def root(self) -> Path:
        return SRC / self.key


PROJECTS: tuple[Project, ...] = (
    Project("fastapi", "0.165.0", ("docs_src",)),
    Project("sqlmodel", "0.0.50", ("docs_src",)),
    Project("fastapi-users", "15.0.5", ("fastapi_users", "examples")),
    Project("prefect", "3.9.1", ("src/prefect",)),
    # sdist builds with maturin, whose metadata step needs crates.io.
    Project("litellm", "1.110.2", ("litellm/proxy",), dist="wheel"),
    # sdist's hatch hook runs `npm install` + frontend build; the wheel holds
    # the same backend package.
    Project("open-webui", "0.12.4", ("open_webui",), dist="wheel"),
    Project("gradio", "6.31.0", ("gradio",)),
    Project("mlflow", "3.18.0", ("mlflow/server", "mlflow/gateway")),
    Project("apache-airflow-core", "3.3.2", ("src/airflow/api_fastapi",)),
    Project("argilla-server", "2.8.0", ("src/argilla_server",)),
    Project("dstack", "0.22.5", ("src/dstack/_internal/server",)),
)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _dist_id(filename: str) -> tuple[str, str] | None:
    """(normalized name, version) of a wheel or sdist file name."""
    if filename.endswith(".whl"):
        parts = filename.split("-")
        return (_norm(parts[0]), parts[1]) if len(parts) >= 5 else None
    for suffix in (".tar.gz", ".zip"):
        if filename.endswith(suffix) and "-" in filename:
            name, version = filename[: -len(suffix)].rsplit("-", 1)
            return _norm(name), version
    return None


def _find_dist(project: Project) -> Path | None:
    """Return the already downloaded archive for ``project``, if any."""
    wanted = (_norm(project.name), project.version)
    for path in sorted(DISTS.iterdir()):
        is_wheel = path.name.endswith(".whl")
        if _dist_id(path.name) == wanted and is_wheel == (project.dist == "wheel"):
            return path
    return None


def _download(project: Project) -> Path:
    found = _find_dist(project)
    if found:
        return found
    binary = "--only-binary" if project.dist == "wheel" else "--no-binary"
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", binary, ":all:",
           f"{project.name}=={project.version}", "-d", str(DISTS)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    found = _find_dist(project)
    if result.returncode != 0 or found is None:
        raise RuntimeError(f"pip download failed for {project.key}:\n{result.stderr[-3000:]}")
    return found


def _extract(archive: Path, dest: Path) -> None:
    """Unpack ``archive`` into ``dest``, dropping an sdist's top-level folder."""
    with tempfile.TemporaryDirectory(dir=SRC) as tmp:
        out = Path(tmp) / "x"
        if archive.name.endswith((".zip", ".whl")):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(out)
        else:
            with tarfile.open(archive) as tf:
                if hasattr(tarfile, "data_filter"):
                    tf.extractall(out, filter="data")
                else:  # pragma: no cover - very old 3.10.x patch releases
                    tf.extractall(out)
        children = list(out.iterdir())
        single = len(children) == 1 and children[0].is_dir()
        top = children[0] if single and not archive.name.endswith(".whl") else out
        top.rename(dest)


# What marks a project root for the plugin (resolve/project.py MARKERS).
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", "tox.ini")


def _ensure_one(project: Project) -> Project:
    if not project.root.is_dir():
        _extract(_download(project), project.root)
    _mark_root(project.root)
    missing = [d for d in project.subdirs if not (project.root / d).is_dir()]
    if missing:
        raise RuntimeError(f"{project.key}: missing subdirectories {missing}")
    return project


def _mark_root(root: Path) -> None:
    """A wheel has no root marker (its repository's pyproject.toml is not in it): without
    one the plugin would take the enclosing checkout for the project root and scan all of
    the corpus. An empty pyproject.toml stands for the repository's."""
    if not any((root / marker).exists() for marker in ROOT_MARKERS):
        (root / "pyproject.toml").write_text("# added by benchmarks/corpus.py\n")


def select(names: str | None) -> list[Project]:
    """Projects matching a comma-separated list of names or keys (all if None)."""
    if not names:
        return list(PROJECTS)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    chosen = [p for p in PROJECTS if p.name in wanted or p.key in wanted]
    unknown = set(wanted) - {p.name for p in chosen} - {p.key for p in chosen}
    if unknown:
        raise SystemExit(f"unknown project(s): {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(p.name for p in PROJECTS)}")
    return chosen


def ensure_corpus(projects: list[Project] | None = None) -> list[Project]:
    """Download and unpack the pinned projects; skips what is already unpacked."""
    projects = list(PROJECTS) if projects is None else projects
    DISTS.mkdir(parents=True, exist_ok=True)
    SRC.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(_ensure_one, projects))


def files(project: Project) -> list[Path]:
    """Sorted .py files under the project's interesting subdirectories."""
    found: set[Path] = set()
    for sub in project.subdirs:
        found.update(p for p in (project.root / sub).rglob("*.py") if p.is_file())
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", metavar="PROJECT", help="print the .py files of PROJECT")
    parser.add_argument("--projects", help="comma-separated subset (default: all)")
    args = parser.parse_args(argv)
    projects = ensure_corpus(select(args.list or args.projects))
    if args.list:
        for path in files(projects[0]):
            print(path)
        return 0
    total = 0
    for project in projects:
        count = len(files(project))
        total += count
        print(f"{project.name:<22} {project.version:<10} {project.dist:<6} {count:>6}"
              f"  {', '.join(project.subdirs)}")
    print(f"{'total':<40} {total:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
