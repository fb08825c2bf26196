"""Report preambles and footers (issue 18): the header row is found, summary lines below
the data are not rows, and nothing else is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.import_files import write_csv, write_xlsx
from workbench.exchange.header_row import header_score, looks_like_footer, open_report
from workbench.exchange.readers import ReadError

WEBINAR = [
    ["Attendee Report"],
    ["Report Generated:", "3/2/2026 9:00"],
    ["Topic", "Webinar ID", "Actual Start Time", "Actual Duration (minutes)", "# Registered"],
    ["Pipeline clinic", "812 3456 7890", "3/1/2026 16:00", "58", "41"],
    ["Host Details"],
    ["Attended", "User Name (Original Name)", "Email", "Join Time", "Leave Time"],
    ["Yes", "Dana Host", "dana@vendor.com", "3/1/2026 15:55", "3/1/2026 17:00"],
    ["Panelist Details"],
    ["Attendee Details"],
    ["Attended", "First Name", "Last Name", "Email", "Organization", "Job Title", "Registration Time"],
    ["Yes", "Ana", "López", "ana@acme.com", "Acme", "CTO", "2/20/2026 10:00"],
    ["No", "Bo", "Chen", "bo@beta.io", "Beta", "", "2/21/2026 11:00"],
]
FOOTERS = [
    ["Grand Totals (2 records)"],
    ["Confidential Information - Do Not Distribute"],
    ["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."],
]


def test_the_attendee_header_is_found_below_a_preamble(tmp_path: Path) -> None:
    with open_report(write_csv(tmp_path / "webinar.csv", WEBINAR)) as table:
        assert table.headers[:4] == ["Attended", "First Name", "Last Name", "Email"]
        assert table.header_line == 10 and table.preamble_lines == 9
        rows = list(table.rows())
    assert [(r.number, r.values[1]) for r in rows] == [(11, "Ana"), (12, "Bo")]


def test_footers_are_not_rows(tmp_path: Path) -> None:
    header = ["First Name", "Last Name", "Company", "Email"]
    data = [["Ana", "López", "Acme", "ana@acme.com"], ["Bo", "Chen", "Beta", "bo@beta.io"]]
    for path in (
        write_csv(tmp_path / "report.csv", [header, *data, *FOOTERS]),
        write_xlsx(tmp_path / "report.xlsx", {"Report": [header, *data, *FOOTERS]}),
    ):
        with open_report(path) as table:
            assert table.header_line == 1 and table.preamble_lines == 0
            assert [r.values[0] for r in table.rows()] == ["Ana", "Bo"]
            assert table.footer_lines == 3


def test_a_summary_looking_line_followed_by_data_is_data(tmp_path: Path) -> None:
    header = ["Name", "Company", "Email", "Title"]
    rows = [
        header,
        ["Total Solutions", "", "", ""],
        ["Copyright Ltd", "", "", ""],
        ["Ana López", "Acme", "a@acme.com", "CTO"],
    ]
    with open_report(write_csv(tmp_path / "f.csv", rows)) as table:
        assert [r.values[0] for r in table.rows()] == ["Total Solutions", "Copyright Ltd", "Ana López"]
        assert table.footer_lines == 0


def test_a_plain_file_keeps_its_first_line(tmp_path: Path) -> None:
    rows = [["Vendor code", "Region"], ["Webinar", "Email"], ["x", "y"]]  # data that names fields
    with open_report(write_csv(tmp_path / "plain.csv", rows)) as table:
        assert table.headers == ["Vendor code", "Region"] and table.header_line == 1
        assert len(list(table.rows())) == 2


def test_the_header_row_can_be_chosen(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "webinar.csv", WEBINAR)
    with open_report(path, header_row=6) as table:
        assert table.headers[1] == "User Name (Original Name)" and table.preamble_lines == 5
        assert next(iter(table.rows())).values[1] == "Dana Host"
    with pytest.raises(ReadError, match="line 400"):
        open_report(path, header_row=400)


def test_scores_and_footer_rule() -> None:
    assert header_score(["First Name", "Last Name", "Email"]) == 3
    assert header_score(["Ana", "ana@acme.com", "CTO"]) == -1
    assert looks_like_footer(["Grand Totals (10 records)", "", ""], 5)
    assert looks_like_footer(["Total", "", "", "120"], 6)
    assert not looks_like_footer(["Summers", "", ""], 5)
    assert not looks_like_footer(["Total Solutions", "Acme", "x@y.z", "CTO"], 4)
