"""``flake8-fastapi-bp FBP107`` (or ``python -m flake8_fastapi_bp FBP107``) prints the
rule's page; ``--list`` prints the table of codes from the registry.

The pages are ``docs/rules/FBPxxx.md``. A wheel carries a copy of them in
``flake8_fastapi_bp/pages/`` (made by ``build_backend.py``); without that copy (an
editable install, a run from the checkout) they are read from ``docs/rules`` next to the
package.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from flake8_fastapi_bp.messages import RULES, Rule

PROG = "flake8-fastapi-bp"


def find_rule(wanted: str) -> Rule | None:
    """The rule of a code (``FBP107``, any case) or a name (``blocking-call-via-helper``)."""
    wanted = wanted.strip()
    names = {rule.name: rule for rule in RULES.values()}
    return RULES.get(wanted.upper()) or names.get(wanted.lower())


def page(code: str) -> str | None:
    """The text of ``code``'s page, or None when this installation has none."""
    packaged = files("flake8_fastapi_bp") / "pages" / f"{code}.md"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parent.parent / "docs" / "rules" / f"{code}.md"
    return checkout.read_text(encoding="utf-8") if checkout.is_file() else None


def table() -> str:
    rows = [("code", "name", "default", "what it flags")]
    rows += [(rule.code, rule.name, "off" if rule.default_off else "on", rule.summary)
             for rule in RULES.values()]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)),
                                row[3]]) for row in rows)


def emit(text: str) -> int:
    """Write ``text`` to stdout; a reader that stops early (``| head``) is not an error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Print the page of a flake8-fastapi-bp code, or the table "
                               "of codes. Exit status 2 for an unknown code.")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("code", nargs="?",
                      help="a code (FBP107) or a rule name (blocking-call-via-helper)")
    what.add_argument("--list", action="store_true",
                      help="list every code: name, on or off by default, what it flags")
    args = parser.parse_args(argv)
    if args.list:
        return emit(table() + "\n")
    if args.code is None:
        parser.print_usage(sys.stderr)
        return 2
    rule = find_rule(args.code)
    if rule is None:
        print(f"{PROG}: unknown code {args.code!r} (`{PROG} --list` shows them all)",
              file=sys.stderr)
        return 2
    text = page(rule.code)
    if text is None:
        print(f"{PROG}: this installation has no page for {rule.code} ({rule.summary})",
              file=sys.stderr)
        return 1
    return emit(text)
