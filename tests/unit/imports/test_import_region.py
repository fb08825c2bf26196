"""The default region (issue 18): asked in the first run from the computer's locale,
kept in the file, and used to read the phones of imported rows without a country."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.support.import_files import write_csv
from workbench.domain import Lead, table_of
from workbench.services.clock import fixed_clock
from workbench.services.imports.run import ImportOptions, run_import
from workbench.services.settings import preferences
from workbench.services.settings import values as settings
from workbench.store import Workbench

CLOCK = fixed_clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
L: Any = table_of(Lead).c


def phones(wb: Workbench) -> list[tuple[str, str]]:
    with wb.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(L.phone, L.phone_e164).order_by(L.id))]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("locale_name", "region"),
    [
        ("nl_NL", "NL"),
        ("nl_BE.UTF-8", "BE"),
        ("fr-BE", "BE"),
        ("de_DE@euro", "DE"),
        ("C", "US"),
        ("POSIX", "US"),
        ("en", "US"),
        ("", "US"),
    ],
)
def test_the_locale_suggests_the_default_region(locale_name: str, region: str) -> None:
    assert preferences.region_of_locale(locale_name) == region


def test_regions_are_named_in_the_reps_language() -> None:
    dutch = dict(preferences.region_choices("nl_NL"))
    assert dutch["BE"] == "België (BE)" and dutch["NL"] == "Nederland (NL)"
    english = preferences.region_choices("en_US")
    assert dict(english)["DE"] == "Germany (DE)"
    names = [name.casefold() for _code, name in english]
    assert names == sorted(names)  # sorted by the name the rep reads
    assert dict(preferences.region_choices("xx_not_a_locale"))["NL"] == "Netherlands (NL)"


def test_a_benelux_number_reads_right_in_the_reps_default_region(wb: Workbench, tmp_path: Path) -> None:
    rows = [
        ["Name", "Company", "Phone"],
        ["Sanne de Vries", "Dijkstra BV", "020 123 4567"],  # Amsterdam, written the Dutch way
        ["Ann Lee", "Acme", "+1 415 555 0101"],  # an international number reads anywhere
    ]
    path = write_csv(tmp_path / "nl.csv", rows)
    result = run_import(wb, path, ImportOptions(dry_run=True), clock=CLOCK, collect=True)
    # With the default region still the US, the Dutch number is kept as typed, with a warning.
    assert any("kept as typed" in p.message and "US" in p.message for p in result.problems)

    settings.write(wb, "profile.phone_region", preferences.check("profile.phone_region", "nl"))
    result = run_import(wb, path, ImportOptions(), clock=CLOCK, collect=True)
    assert result.inserted == 2 and result.warnings == 0
    assert phones(wb) == [("020 123 4567", "+31201234567"), ("+1 415 555 0101", "+14155550101")]


def test_a_belgian_rep_reads_belgian_numbers_and_the_country_column_still_wins(
    wb: Workbench, tmp_path: Path
) -> None:
    settings.write(wb, "profile.phone_region", "BE")
    rows = [
        ["Name", "Company", "Phone", "Country"],
        ["Lotte Peeters", "Gent NV", "02 512 34 56", ""],
        ["Jan Jansen", "Utrecht BV", "030 123 4567", "Netherlands"],
    ]
    run_import(wb, write_csv(tmp_path / "be.csv", rows), ImportOptions(), clock=CLOCK)
    assert [e164 for _p, e164 in phones(wb)] == ["+3225123456", "+31301234567"]
