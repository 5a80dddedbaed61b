"""Matching callees against the names a user declares in an option (``--fbp-*-calls``).

A library class is importable under several paths: ``sqlalchemy.Inspector`` is
``sqlalchemy.engine.reflection.Inspector``, re-exported by its package. The user writes
one spelling, the resolver finds the one the checked code imports: a declared method of
a class also matches the same class and member under a parent or child package.
"""

from __future__ import annotations

from typing import Iterable, Mapping, TypeVar

T = TypeVar("T")


def split_at_class(qualname: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """``('pkg', 'mod'), ('Client', 'query')`` for ``pkg.mod.Client.query``: the module
    path and what follows the first CapWords part; None without a class in the name."""
    parts = tuple(qualname.split("."))
    for index, part in enumerate(parts):
        if index and part[:1].isupper() and not part.isupper():
            return parts[:index], parts[index:]
    return None


def same_reexported(declared: str, callee: str) -> bool:
    """The same class member under a package and one of its subpackages."""
    first, second = split_at_class(declared), split_at_class(callee)
    if first is None or second is None or first[1] != second[1]:
        return False
    short, long = sorted((first[0], second[0]), key=len)
    return long[:len(short)] == short


def declared_value(callee: str | None, declared: Mapping[str, T]) -> T | None:
    """The entry of ``declared`` naming ``callee``, directly or through a re-export."""
    if not callee:
        return None
    if callee in declared:
        return declared[callee]
    for name, value in declared.items():
        if same_reexported(name, callee):
            return value
    return None


def is_declared(callee: str | None, declared: Iterable[str]) -> bool:
    """Does ``declared`` name ``callee``, directly or through a re-export?"""
    return declared_value(callee, dict.fromkeys(declared, True)) is not None
