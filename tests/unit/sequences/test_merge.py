from __future__ import annotations

import pytest

from workbench.services.sequences.merge import MergeError, fields_in, render, unknown_fields


def test_render_keeps_accents_and_shows_missing_values() -> None:
    out = render(
        "Hola {first_name}, ¿qué tal en {company}? — {rep_name}",
        {"first_name": "Zoë", "company": "Café Ñandú"},
    )
    assert out.text == "Hola Zoë, ¿qué tal en Café Ñandú? — {rep_name}"
    assert out.missing == ("rep_name",)


def test_blank_values_count_as_missing_and_braces_can_be_escaped() -> None:
    out = render("{{literal}} {title}", {"title": "   "})
    assert out.text == "{literal} {title}" and out.missing == ("title",)


def test_unknown_and_malformed_fields() -> None:
    assert unknown_fields("Hi {first_name} at {compnay}") == ["compnay"]
    assert fields_in("{first_name}{first_name}") == ["first_name", "first_name"]
    with pytest.raises(MergeError, match="brace"):
        fields_in("Hi {first_name")
    with pytest.raises(MergeError, match="not a merge field"):
        fields_in("{first_name:>10}")
