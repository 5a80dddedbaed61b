"""Message forms a rule chooses (what a CI log shows), beyond code and line."""

from __future__ import annotations

import ast

from fixture_runner import FIXTURES, settings_for
from flake8_fastapi_bp import settings as settings_module
from flake8_fastapi_bp.messages import RULES
from flake8_fastapi_bp.plugin import Plugin


def messages_by_line(name: str) -> dict[int, str]:
    path = FIXTURES / name
    text = path.read_text(encoding="utf-8")
    Plugin.settings = settings_for([])
    try:
        plugin = Plugin(ast.parse(text), str(path), text.splitlines(keepends=True))
        return {line: message for line, _, message, _ in plugin.run()}
    finally:
        Plugin.settings = settings_module.Settings()


def test_manual_validation_advice_fits_what_the_check_reads() -> None:
    found = messages_by_line("fbp302_validation.py")
    assert "`Query(ge=...)`" in found[38]  # one query parameter
    assert "spans item.end, item.start" in found[51] and "model_validator" in found[51]
    assert "Item is used elsewhere too" in found[55]  # one field of a shared model


def test_every_form_fills_its_template() -> None:
    fields = {"function": "f", "fields": "a.x, a.y", "model": "M"}
    for rule in RULES.values():
        for form, _ in rule.forms:
            assert "{" not in rule.format(form=form, **fields)


def test_fields_read_by_enclosing_tests_and_match_subjects_count() -> None:
    found = messages_by_line("fbp302_cross_parameters.py")
    assert "spans request.experiment_id, request.type" in found[57]
    assert "spans request.custom_path, request.type" in found[61]
