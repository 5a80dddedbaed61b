"""Time flake8 with and without the FBP plugin on the pinned corpus.

Stdlib only.  Runs, in one invocation and on the same file list:

  (a) flake8 --select=E,W,F       --jobs J --isolated --exit-zero FILES
  (b) flake8 --select=E,W,F,FBP   --jobs J --isolated --exit-zero FILES

and prints wall time, CPU time and peak RSS (``os.wait4``) of each child, the
FBP findings per code, the FBP000 messages, and as the last line
``ratio: X.XX`` (plugin wall time / plain wall time).

    python benchmarks/run.py [--projects a,b] [--scale N] [--jobs J] [--phase-times]
    python benchmarks/run.py --mode whole     # flake8 . at each project root
    python benchmarks/run.py --mode single    # ten largest request-path modules, cold

flake8 is run as ``PYTHON -m flake8`` where PYTHON defaults to the interpreter
running this script, so run it with the venv that has flake8 and the plugin.
Raw FBP findings go to ``benchmarks/.results/<project>.txt``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import corpus
import modes

RESULTS = corpus.HERE / ".results"
REPO = corpus.HERE.parent
LINE_RE = re.compile(r"^(?P<path>.+?):(?P<row>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<text>.*)$")
PROFILE_PREFIX = "FBP_PROFILE"
# flake8 runs every installed plugin whatever --select says (and "F" also
# selects "FBP..."), so the plain run drops the FBP entry point before loading.
WITHOUT_FBP = """\
import sys
from flake8.main.cli import main
from flake8.plugins import finder
_find = finder.find_plugins
finder.find_plugins = lambda cfg, opts: [
    p for p in _find(cfg, opts) if not p.entry_point.name.startswith("FBP")
]
sys.exit(main(sys.argv[1:]))
"""
# Leave room for the environment and the interpreter's own arguments.
ARGV_BUDGET = min(os.sysconf("SC_ARG_MAX") // 2, 1 << 20)


@dataclass
class Measurement:
    """Totals over the flake8 process(es) of one configuration."""

    label: str
    wall: float = 0.0
    cpu: float = 0.0
    max_rss_kib: int = 0
    processes: int = 0
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)


def chunk_paths(paths: list[str], budget: int = ARGV_BUDGET) -> list[list[str]]:
    """Split ``paths`` into as few argv-sized chunks as possible."""
    chunks: list[list[str]] = [[]]
    used = 0
    for path in paths:
        size = len(os.fsencode(path)) + 1 + 8  # NUL + argv pointer
        if chunks[-1] and used + size > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(path)
        used += size
    return chunks


def run_child(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int, str, str]:
    """Run ``cmd``; return wall s, CPU s, peak RSS KiB, stdout, stderr."""
    opts = {"mode": "w+", "encoding": "utf-8", "errors": "replace"}
    with tempfile.TemporaryFile(**opts) as out, tempfile.TemporaryFile(**opts) as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        sys.stderr.write(stderr[-4000:])
        raise SystemExit(f"flake8 exited with {proc.returncode}: {' '.join(cmd[:8])} ...")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, stdout, stderr


def measure(label: str, base: list[str], paths: list[str], env: dict[str, str]) -> Measurement:
    """Run flake8 ``base`` over ``paths`` (one process per argv-sized chunk)."""
    result = Measurement(label)
    for chunk in chunk_paths(paths):
        wall, cpu, rss, stdout, stderr = run_child(base + chunk, env, corpus.SRC)
        result.wall += wall
        result.cpu += cpu
        result.max_rss_kib = max(result.max_rss_kib, rss)
        result.processes += 1
        result.stdout.extend(stdout.splitlines())
        result.stderr.extend(stderr.splitlines())
    return result


def flake8_base(python: str, select: str, jobs: int, plugin: bool) -> list[str]:
    """flake8 command line; without ``plugin`` the FBP entry point is not loaded."""
    launcher = ["-m", "flake8"] if plugin else ["-c", WITHOUT_FBP]
    return [python, *launcher, "--isolated", "--exit-zero", f"--jobs={jobs}",
            f"--select={select}"]


def flake8_version(python: str) -> str:
    cmd = [python, "-m", "flake8", "--version"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=corpus.SRC)
    if out.returncode != 0:
        raise SystemExit(f"flake8 is not runnable with {python}:\n{out.stderr}")
    return " ".join(out.stdout.split())


def parse(lines: list[str]) -> list[re.Match[str]]:
    return [m for m in map(LINE_RE.match, lines) if m]


def save_results(findings: list[re.Match[str]], projects: list[corpus.Project]) -> None:
    """Write unique FBP findings per project, paths relative to the repo root."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    by_key: dict[str, dict[str, None]] = {p.key: {} for p in projects}
    prefix = corpus.SRC.relative_to(REPO)
    for m in findings:
        key = Path(m["path"]).parts[0]
        line = f"{prefix / m['path']}:{m['row']}:{m['col']}: {m['code']} {m['text']}"
        by_key.setdefault(key, {})[line] = None
    for project in projects:
        lines = by_key.get(project.key, {})
        (RESULTS / f"{project.name}.txt").write_text("".join(f"{s}\n" for s in lines))


def fmt_mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def report_run(m: Measurement) -> None:
    chunks = f" ({m.processes} processes)" if m.processes > 1 else ""
    print(f"{m.label:<7} wall {m.wall:8.2f} s   cpu {m.cpu:8.2f} s   "
          f"peak RSS {fmt_mib(m.max_rss_kib)}{chunks}")


def report_findings(findings: list[re.Match[str]], plain_count: int) -> None:
    fbp = [m for m in findings if m["code"].startswith("FBP")]
    print(f"E/W/F findings: plain {plain_count}, with plugin "
          f"{len(findings) - len(fbp)}")
    print(f"FBP findings: {len(fbp)}")
    for code, count in sorted(Counter(m["code"] for m in fbp).items()):
        print(f"  {code:<8} {count:>7}")
    internal = Counter(m["text"] for m in fbp if m["code"] == "FBP000")
    print(f"FBP000 lines: {sum(internal.values())}")
    for text, count in internal.most_common():
        print(f"  {count:>6}  {text}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="flake8 vs flake8+FBP timing on the corpus")
    parser.add_argument("--projects", help="comma-separated subset of corpus projects")
    parser.add_argument("--scale", type=int, default=1, help="repeat the file list N times")
    parser.add_argument("--jobs", type=int, default=1, help="flake8 --jobs (default 1)")
    parser.add_argument("--phase-times", action="store_true",
                        help="set FBP_PROFILE=1 for the plugin run, echo FBP_PROFILE lines")
    parser.add_argument("--plugin-option", action="append", default=[], metavar="OPT",
                        help="extra flake8 option for the plugin run only, e.g. "
                             "--plugin-option=--fbp-call-depth=0 (repeatable)")
    parser.add_argument("--mode", choices=("folders", "whole", "single"), default="folders",
                        help="folders: the corpus folders in one process (default); whole: "
                             "flake8 . at each project root; single: the largest request-path "
                             "modules one at a time through stdin, cold")
    parser.add_argument("--repeat", type=int, default=None,
                        help="whole and single modes: runs per target and configuration, "
                             "alternated (median; default 1 whole, 3 single)")
    parser.add_argument("--baseline", default=None, metavar="PYTHON",
                        help="whole and single modes: also time the plugin installed in "
                             "this interpreter (another checkout), alternated with the rest")
    parser.add_argument("--per-project", type=int, default=None,
                        help="single mode: at most N of the ten files from one project")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter with flake8 + plugin (default: this one)")
    return parser.parse_args(argv)


def corpus_paths(projects: list[corpus.Project], scale: int) -> list[str]:
    paths = [str(f.relative_to(corpus.SRC)) for p in projects for f in corpus.files(p)]
    return paths * max(scale, 1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    projects = corpus.ensure_corpus(corpus.select(args.projects))
    paths = corpus_paths(projects, args.scale)
    version = flake8_version(args.python)
    print(f"flake8: {version}")
    if "fastapi-bp" not in version and "fastapi_bp" not in version:
        print("warning: flake8-fastapi-bp is not installed; the FBP run has no plugin")
    print(f"projects: {', '.join(p.key for p in projects)}")
    print(f"files: {len(paths)} (scale {args.scale}, jobs {args.jobs})")
    env = {k: v for k, v in os.environ.items() if k != "FBP_PROFILE"}
    env["PYTHONIOENCODING"] = "utf-8"
    with tempfile.TemporaryDirectory(prefix="fbp-bench-cache-") as cache:
        # The plugin's persistent cache starts cold in a folder of this run (never inside
        # the corpus) unless FBP_CACHE_DIR or FBP_NO_CACHE says otherwise.
        env.setdefault("FBP_CACHE_DIR", cache)
        print(f"cache: {'off' if env.get('FBP_NO_CACHE') else env['FBP_CACHE_DIR']}")
        return run_measurements(args, projects, paths, env)


def run_measurements(args: argparse.Namespace, projects: list[corpus.Project],
                     paths: list[str], env: dict[str, str]) -> int:
    if args.mode != "folders":
        return run_mode(args, projects, env)
    plain = measure("plain", flake8_base(args.python, "E,W,F", args.jobs, False), paths, env)
    plugin_env = {**env, "FBP_PROFILE": "1"} if args.phase_times else env
    plugin = measure("plugin", flake8_base(args.python, "E,W,F,FBP", args.jobs, True)
                     + args.plugin_option,
                     paths, plugin_env)
    for line in plugin.stderr:
        if line.startswith(PROFILE_PREFIX):
            print(line)
    report_run(plain)
    report_run(plugin)
    findings = parse(plugin.stdout)
    plain_findings = parse(plain.stdout)
    if any(m["code"].startswith("FBP") for m in plain_findings):
        print("warning: the plain run still loaded the FBP plugin")
    report_findings(findings, len(plain_findings))
    save_results([m for m in findings if m["code"].startswith("FBP")], projects)
    print(f"raw FBP findings: {RESULTS.relative_to(REPO)}/<project>.txt")
    print(f"cpu ratio: {plugin.cpu / max(plain.cpu, 1e-9):.2f}")
    print(f"ratio: {plugin.wall / max(plain.wall, 1e-9):.2f}")
    return 0


def run_mode(args: argparse.Namespace, projects: list[corpus.Project],
             env: dict[str, str]) -> int:
    """The whole-package or single-file measurement (``modes.py``)."""
    def command(python: str, plugin: bool) -> list[str]:
        select = "E,W,F,FBP" if plugin else "E,W,F"
        return flake8_base(python, select, args.jobs, plugin) + (
            args.plugin_option if plugin else [])

    configs = [modes.Configuration("plain", command(args.python, False), env),
               modes.Configuration("plugin", command(args.python, True), env)]
    if args.baseline:
        print(f"baseline: {flake8_version(args.baseline)}")
        cache = os.path.join(env["FBP_CACHE_DIR"], "baseline")
        configs.append(modes.Configuration("baseline", command(args.baseline, True),
                                           {**env, "FBP_CACHE_DIR": cache}))
    if args.mode == "whole":
        rows = modes.whole_projects(projects, configs, args.repeat or 1)
    else:
        rows = modes.single_files(projects, configs, args.repeat or 3,
                                  per_project=args.per_project)
    modes.print_totals(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
