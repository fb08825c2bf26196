"""R9 and de-duplication: the same file twice adds nothing, overlapping files de-dup row
by row, duplicates within the file and against the store, skip / merge / keep and the
choice per duplicate group.

Changed on purpose by issue 18 (duplicates by evidence): a row without an email that
only resembles a lead (same company, similar full name; or the same phone) is a
*possible* duplicate — its own group, key ending in ``?``, kept by default — and two
different emails are never the same person; the expectations below say so."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from tests.support.import_files import leads_file, write_csv
from workbench.domain import ImportMerge, Lead, table_of
from workbench.services.clock import fixed_clock
from workbench.services.imports.dedupe import CANDIDATES_PER_KEY, Keys, _Block, initial
from workbench.services.imports.run import DupAction, ImportOptions, run_import
from workbench.store import Workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
L: Any = table_of(Lead).c


def run(wb: Workbench, path: Path, **options: Any) -> Any:
    options.setdefault("timezone", UTC)
    return run_import(wb, path, ImportOptions(**options), clock=fixed_clock(NOW), collect=True)


def leads(wb: Workbench, *columns: str) -> list[tuple[Any, ...]]:
    cols = [L[c] for c in columns or ("name", "company", "email")]
    with wb.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*cols).where(L.deleted_at.is_(None)).order_by(L.id))]


ROWS = [
    ["Ana", "López", "Acme Inc", "ana@acme.com", "+1 415 555 0101", "2024-01-05"],
    ["Bo", "Chen", "Beta", "bo@beta.io", "", "2024-01-06"],
    ["Cy", "Orr", "Corp", "", "", ""],
]


def test_same_file_twice_adds_nothing(wb: Workbench, tmp_path: Path) -> None:
    path = leads_file(tmp_path / "list.csv", [*ROWS, ["", "", "", "", "", ""], ["x", "", "", "", "", "bad"]])
    first = run(wb, path)
    assert (first.inserted, first.rejected) == (3, 1)
    before = leads(wb, "id", "name", "updated_at")
    for action in DupAction:  # whatever the rep picks, the same content adds nothing
        again = run(wb, path, on_duplicate=action)
        assert again.already_imported == first.batch_id
        assert (again.rows, again.inserted, again.merged, again.skipped_duplicates, again.rejected) == (
            4,
            0,
            0,
            3,
            1,
        )
    copy = tmp_path / "copy of list.csv"
    copy.write_bytes(path.read_bytes())  # renamed, same content
    assert run(wb, copy).already_imported == first.batch_id
    assert leads(wb, "id", "name", "updated_at") == before


def test_same_rows_in_another_file_are_already_present(wb: Workbench, tmp_path: Path) -> None:
    run(wb, leads_file(tmp_path / "a.csv", ROWS))
    other = leads_file(tmp_path / "b.csv", ROWS, delimiter=";")  # other bytes, same people
    result = run(wb, other)
    assert result.already_imported is None
    # Ana and Bo by email; Cy Orr has none: a possible duplicate, kept for review.
    assert (result.inserted, result.skipped_duplicates, result.kept_duplicates) == (1, 2, 1)
    assert result.groups["lead:3?"].possible and result.groups["lead:3?"].rows == [4]
    assert len(leads(wb)) == 4


def test_overlapping_files_dedupe_row_by_row(wb: Workbench, tmp_path: Path) -> None:
    run(wb, leads_file(tmp_path / "a.csv", ROWS[:2]))
    result = run(wb, leads_file(tmp_path / "b.csv", ROWS[1:]))
    assert (result.inserted, result.skipped_duplicates) == (1, 1)
    assert [r[0] for r in leads(wb)] == ["Ana López", "Bo Chen", "Cy Orr"]
    group = next(iter(result.groups.values()))
    assert group.key.startswith("lead:") and group.rows == [2] and group.reason == "same email"
    assert group.existing == "Bo Chen · Beta · bo@beta.io"


def test_matching_rules(wb: Workbench, tmp_path: Path) -> None:
    run(wb, leads_file(tmp_path / "a.csv", ROWS))
    rows = [
        ["ANA", "LÓPEZ", "Other Co", "Ana@ACME.com", "", ""],  # same email, any case
        ["Anna", "Lopez", "ACME, Inc.", "", "", ""],  # no email: same company key, similar name
        ["Lopez", "Ana", "acme", "", "", ""],  # word order does not matter
        ["Ana", "Lopes", "Zeta", "ana.lopes@acme.com", "", ""],  # another email: another person
        ["Bruno", "Diaz", "Acme Inc", "", "", ""],  # a colleague: same company, other name
        ["Ana", "", "Acme", "", "", ""],  # half a name is no evidence
        ["Ana", "López", "Delta", "", "", ""],  # another Ana López at another company
        ["Zed", "Ray", "Nowhere", "", "+1 (415) 555-0101", ""],  # Ana's phone: maybe her
    ]
    result = run(wb, leads_file(tmp_path / "b.csv", rows))
    outcomes = {r.row: r.outcome for r in result.sample}
    assert [outcomes[n] for n in range(2, 10)] == [
        "duplicate",
        "keep",
        "keep",
        "new",
        "new",
        "new",
        "new",
        "keep",
    ]
    assert result.groups["lead:1"].rows == [2] and not result.groups["lead:1"].possible
    assert result.groups["lead:1?"].rows == [3, 4, 9] and result.groups["lead:1?"].possible
    assert result.skipped_duplicates == 1 and result.kept_duplicates == 3


def test_people_sharing_a_first_name_at_one_company_are_all_kept(wb: Workbench, tmp_path: Path) -> None:
    """Issue 18: six people at Acme Corp with their own addresses; two share a first name
    with another. None is a duplicate of anyone."""
    header = ["First Name", "Last Name", "Company", "Email"]
    people = [
        ["Catherine", "Summers", "Acme Corp", "csummers@acme.com"],
        ["Catherine", "Myers", "Acme Corp", "cmyers@acme.com"],
        ["Daniel", "Levy", "Acme Corp", "dlevy@acme.com"],
        ["Daniel", "Lee", "Acme Corp", "dlee@acme.com"],
        ["Priya", "Raman", "Acme Corp", "praman@acme.com"],
        ["Tom", "Okafor", "Acme Corp", "tokafor@acme.com"],
    ]
    result = run(wb, write_csv(tmp_path / "acme.csv", [header, *people]))
    assert (result.inserted, result.duplicate_rows, result.skipped_duplicates) == (6, 0, 0)
    assert result.groups == {}
    # A badge scan of the same event without emails: possible duplicates, kept, for review.
    scan = [
        ["Catherine", "Summers", "ACME Corp.", ""],
        ["Daniel", "Lee", "Acme", ""],
        ["Dan", "Lewis", "Acme", ""],
    ]
    again = run(wb, write_csv(tmp_path / "scan.csv", [header, *scan]))
    assert (again.inserted, again.kept_duplicates, again.skipped_duplicates) == (3, 2, 0)
    assert sorted(again.groups) == ["lead:1?", "lead:4?"]


def test_possible_duplicates_follow_their_own_choice(wb: Workbench, tmp_path: Path) -> None:
    run(wb, leads_file(tmp_path / "a.csv", ROWS))
    path = write_csv(tmp_path / "b.csv", [["Name", "Company", "Title"], ["Ana Lopez", "ACME", "CTO"]])
    assert run(wb, path, dry_run=True).kept_duplicates == 1
    skipped = run(wb, path, dry_run=True, on_possible=DupAction.SKIP)
    assert (skipped.inserted, skipped.skipped_duplicates) == (0, 1)
    chosen = run(wb, path, choices={"lead:1?": DupAction.MERGE})
    assert (chosen.inserted, chosen.merged) == (0, 1)
    assert leads(wb, "name", "title")[0] == ("Ana López", "CTO")


def test_duplicates_within_the_file(wb: Workbench, tmp_path: Path) -> None:
    rows = [
        ROWS[0],
        ROWS[1],
        ["Ana", "Lopez", "ACME", "", "", ""],
        ROWS[0],
        ["Bo", "Chen", "beta", "BO@BETA.IO", "", ""],
    ]
    result = run(wb, leads_file(tmp_path / "a.csv", rows))
    assert (result.inserted, result.skipped_duplicates, result.kept_duplicates) == (3, 2, 1)
    assert result.groups["row:2"].rows == [2, 5] and result.groups["row:2"].in_file
    assert result.groups["row:2?"].rows == [2, 4] and result.groups["row:2?"].possible
    assert result.groups["row:3"].rows == [3, 6]


def test_in_file_duplicates_across_chunks(wb: Workbench, tmp_path: Path) -> None:
    people = [[f"Person{i}", "Lee", f"Company {i}", f"p{i}@c{i}.com", "", ""] for i in range(2500)]
    rows = [
        *people,
        ["Person5", "Lee", "Company 5", "", "", ""],
        ["Persn2400", "Lee", "Company 2400", "", "", ""],
    ]
    for dry in (True, False):
        result = run(wb, leads_file(tmp_path / f"big{dry}.csv", rows), dry_run=dry)
        # Without an email: possible duplicates, kept for review.
        assert (result.inserted, result.kept_duplicates) == (2502, 2)
        assert set(result.groups) == {"row:7?", "row:2402?"}  # named by row in preview and import alike


def test_keep_both(wb: Workbench, tmp_path: Path) -> None:
    run(wb, leads_file(tmp_path / "a.csv", ROWS[:1]))
    result = run(
        wb,
        leads_file(tmp_path / "b.csv", [["Ana", "Lopez", "Acme", "", "", ""]]),
        on_duplicate=DupAction.KEEP,
    )
    assert (result.inserted, result.kept_duplicates) == (1, 1)
    assert len(leads(wb)) == 2


def test_merge_fills_empty_fields_only(wb: Workbench, tmp_path: Path) -> None:
    run(wb, leads_file(tmp_path / "a.csv", [["Ana", "López", "Acme Inc", "ana@acme.com", "", "2024-01-05"]]))
    header = ["First Name", "Last Name", "Company", "Email", "Phone", "Title", "Create Date"]
    newer = write_csv(
        tmp_path / "b.csv",
        [header, ["Anita", "Lopez", "Other", "ana@acme.com", "+1 415 555 0101", "CTO", "2025-05-05"]],
    )
    result = run(wb, newer, on_duplicate=DupAction.MERGE)
    assert (result.merged, result.inserted) == (1, 0)
    assert leads(wb, "name", "company", "phone", "phone_e164", "title", "received_at") == [
        ("Ana López", "Acme Inc", "+1 415 555 0101", "+14155550101", "CTO", datetime(2024, 1, 5, tzinfo=UTC))
    ]
    with wb.engine.connect() as conn:
        record = conn.execute(select(table_of(ImportMerge))).mappings().one()
    assert record["batch_id"] == result.batch_id
    saved = json.loads(record["before_json"])
    assert saved["before"] == {"phone": "", "phone_e164": "", "title": ""}
    assert saved["after"]["title"] == "CTO"
    again = run(
        wb,
        write_csv(tmp_path / "c.csv", [header, ["Ana", "L", "X", "ana@acme.com", "", "CTO", ""]]),
        on_duplicate=DupAction.MERGE,
    )
    assert (again.merged, again.skipped_duplicates) == (0, 1)  # nothing left to fill: already present


def test_merge_into_a_row_of_the_same_file(wb: Workbench, tmp_path: Path) -> None:
    header = ["Name", "Company", "Email", "Title"]
    rows = [header, ["Ana López", "Acme", "ana@acme.com", ""], ["Ana Lopez", "Acme", "", "CTO"]]
    result = run(wb, write_csv(tmp_path / "a.csv", rows), on_possible=DupAction.MERGE)
    assert (result.inserted, result.merged) == (1, 1)
    assert leads(wb, "name", "title") == [("Ana López", "CTO")]


def test_choice_per_group(wb: Workbench, tmp_path: Path) -> None:
    run(wb, leads_file(tmp_path / "a.csv", ROWS))
    header = ["Name", "Company", "Email", "Title"]
    rows = [
        header,
        ["Ana López", "Acme", "ana@acme.com", "CTO"],
        ["Bo Chen", "Beta", "bo@beta.io", "CEO"],
        ["Cy Orr", "Corp", "", "COO"],
    ]
    path = write_csv(tmp_path / "b.csv", rows)
    preview = run(wb, path, dry_run=True)
    keys = sorted(preview.groups)
    assert keys == ["lead:1", "lead:2", "lead:3?"]  # Cy Orr has no email: possible
    choices = {"lead:1": DupAction.MERGE, "lead:3?": DupAction.KEEP}
    result = run(wb, path, choices=choices)  # lead:2 gets the file's default: skip
    assert (result.merged, result.skipped_duplicates, result.kept_duplicates, result.inserted) == (1, 1, 1, 1)
    assert leads(wb, "name", "title") == [
        ("Ana López", "CTO"),
        ("Bo Chen", ""),
        ("Cy Orr", ""),
        ("Cy Orr", "COO"),
    ]


def test_trashed_leads_do_not_count(wb: Workbench, tmp_path: Path) -> None:
    run(wb, leads_file(tmp_path / "a.csv", ROWS[:1]))
    with wb.engine.begin() as conn:
        conn.execute(update(table_of(Lead)).values(deleted_at=NOW))
    result = run(wb, leads_file(tmp_path / "b.csv", ROWS[:1], delimiter=";"))
    assert result.inserted == 1


def test_crowded_keys_are_bounded(wb: Workbench, tmp_path: Path) -> None:
    """A company with more stored leads than the candidate limit: the newest are compared."""
    rng = random.Random(4)
    names = [f"{rng.getrandbits(40):x} {rng.getrandbits(40):x}" for _ in range(CANDIDATES_PER_KEY + 50)]
    with wb.engine.begin() as conn:
        conn.execute(
            insert(table_of(Lead)),
            [
                {"uuid": f"u{i}", "name": name, "company": "Mega", "company_norm": "mega",
                 "created_at": NOW, "updated_at": NOW, "received_at": NOW}
                for i, name in enumerate(names)
            ],
        )  # fmt: skip
    path = write_csv(tmp_path / "m.csv", [["Name", "Company"], [names[-1], "Mega"], [names[0], "Mega"]])
    result = run(wb, path)
    assert [r.outcome for r in result.sample] == ["keep", "new"]  # no emails: possible, kept


def test_blocking_initials() -> None:
    assert initial("ana lopez") == initial("lopez ana") == "a"
    assert initial("") == ""


def _keys(first: str, last: str, email: str = "") -> Keys:
    return Keys(email=email, person=f"{first} {last}", first=first, last=last)


def test_a_crowded_block_still_finds_each_name_and_knows_who_has_an_email() -> None:
    """Past 64 names a block is divided by initial; the names added before that are
    found again with their own id, and a stored lead with an email still never matches
    a row with another email."""
    rng = random.Random(3)
    block = _Block()
    people = [(f"{rng.getrandbits(30):x}x", f"{rng.getrandbits(30):x}y") for _ in range(200)]
    for lead_id, (first, last) in enumerate(people, start=1):
        block.add(first, last, lead_id, has_email=lead_id % 2 == 0)
    assert block.divided and block.size == 200
    for lead_id in (1, 7, 63, 64, 65, 150, 199):  # before and after the division
        first, last = people[lead_id - 1]
        assert block.best(_keys(first, last)) == (lead_id, 100.0)
        with_email = block.best(_keys(first, last, email="other@x.com"))
        assert with_email == (None if lead_id % 2 == 0 else (lead_id, 100.0))  # even ids have one
    assert block.best(_keys("nobody", "atall")) is None


def test_a_small_block_compares_names_whatever_their_initial() -> None:
    block = _Block()
    block.add("catherine", "myers", 1, has_email=False)
    block.add("daniel", "lee", 2, has_email=False)
    found = block.best(_keys("katherine", "myers"))
    assert found is not None and found[0] == 1


def test_a_file_whose_every_chunk_touches_every_company_reads_the_store_a_few_times(
    wb: Workbench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The candidate cache is rebuilt once it grew by CACHE_LIMIT since its last rebuild,
    never at every chunk just because a rebuild alone reads more than the limit (a
    million-row file of a few thousand companies re-read the whole table per chunk)."""
    from sqlalchemy import event

    from workbench.services.imports import dedupe
    from workbench.services.imports import run as importer

    monkeypatch.setattr(importer, "CHUNK_ROWS", 20)
    monkeypatch.setattr(dedupe, "CACHE_LIMIT", 100)
    rng = random.Random(11)
    rows = [["Name", "Email"]]
    for i in range(400):  # ten companies, in every chunk
        rows.append([f"{rng.getrandbits(40):x} {rng.getrandbits(40):x}", f"p{i}@firm{i % 10}.com"])
    fetches: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "ORDER BY lead.email_domain" in statement:
            fetches.append(statement)

    event.listen(wb.engine, "before_cursor_execute", count)
    try:
        result = run(wb, write_csv(tmp_path / "dense.csv", rows))
    finally:
        event.remove(wb.engine, "before_cursor_execute", count)
    assert result.inserted == 400
    assert len(fetches) <= 6  # the first read and a rebuild per 100 candidates added
