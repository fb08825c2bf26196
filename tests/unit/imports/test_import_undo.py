"""Undo of a whole import, the import history, and saved mapping presets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from tests.support.import_files import leads_file, write_csv
from workbench.domain import Activity, FollowUp, Lead, table_of
from workbench.services.clock import fixed_clock
from workbench.services.imports import history as import_history
from workbench.services.imports.history import UndoRefused
from workbench.services.imports.run import DupAction, ImportOptions, run_import
from workbench.services.settings import values as settings
from workbench.store import Workbench

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
L: Any = table_of(Lead).c


def run(wb: Workbench, path: Path, **options: Any) -> Any:
    options.setdefault("timezone", UTC)
    return run_import(wb, path, ImportOptions(**options), clock=fixed_clock(NOW))


def live(wb: Workbench, *columns: str) -> list[tuple[Any, ...]]:
    cols = [L[c] for c in columns or ("name",)]
    with wb.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*cols).where(L.deleted_at.is_(None)).order_by(L.id))]


ROWS = [
    ["Ana", "López", "Acme", "ana@acme.com", "", "2024-01-05"],
    ["Bo", "Chen", "Beta", "bo@beta.io", "", ""],
    ["Cy", "Orr", "Corp", "", "", ""],
]


def test_undo_removes_the_import_and_allows_it_again(wb: Workbench, tmp_path: Path) -> None:
    path = leads_file(tmp_path / "a.csv", ROWS)
    first = run(wb, path)
    result = import_history.undo_import(wb, first.batch_id, clock=fixed_clock(NOW))
    assert (result.deleted, result.trashed, result.restored_fields) == (3, 0, 0)
    assert live(wb) == []
    [batch] = import_history.list_batches(wb)
    assert batch.undone and batch.undone_at == NOW and batch.live_leads == 0
    with pytest.raises(UndoRefused, match="undone already"):
        import_history.undo_import(wb, first.batch_id)
    with pytest.raises(UndoRefused, match="no import"):
        import_history.undo_import(wb, 999)
    again = run(wb, path)  # an undone import no longer blocks its file
    assert again.already_imported is None and again.inserted == 3


def test_worked_on_leads_go_to_the_trash_with_their_history(wb: Workbench, tmp_path: Path) -> None:
    first = run(wb, leads_file(tmp_path / "a.csv", ROWS))
    ids = [r[0] for r in live(wb, "id")]
    with wb.engine.begin() as conn:
        conn.execute(
            insert(table_of(Activity)).values(
                uuid="a1",
                channel="call",
                outcome="connected",
                at=NOW,
                lead_id=ids[0],
                created_at=NOW,
                updated_at=NOW,
            )
        )
        conn.execute(
            insert(table_of(FollowUp)).values(
                uuid="f1",
                title="call back",
                due_at=NOW + timedelta(days=2),
                lead_id=ids[1],
                created_at=NOW,
                updated_at=NOW,
            )
        )
    result = import_history.undo_import(wb, first.batch_id, clock=fixed_clock(NOW))
    assert (result.deleted, result.trashed) == (1, 2)
    with wb.engine.connect() as conn:
        trashed = conn.execute(select(L.id, L.deleted_at).where(L.id.in_(ids[:2]))).all()
        activity = conn.execute(select(table_of(Activity).c.deleted_at)).scalar_one()
        follow_up = conn.execute(select(table_of(FollowUp).c.deleted_at)).scalar_one()
    assert all(deleted == NOW for _id, deleted in trashed)
    assert activity == NOW and follow_up == NOW  # restorable together from the trash
    from workbench.services.safety import trash

    assert trash.restore(wb, "lead", ids[:2]) == 2
    assert len(live(wb)) == 2


def test_undo_empties_merged_fields_but_keeps_later_edits(wb: Workbench, tmp_path: Path) -> None:
    run(wb, leads_file(tmp_path / "a.csv", ROWS[:2]))
    header = ["Name", "Company", "Email", "Title", "Phone"]
    more = [
        header,
        ["Ana López", "Acme", "ana@acme.com", "CTO", "+1 415 555 0101"],
        ["Bo Chen", "Beta", "bo@beta.io", "CEO", ""],
    ]
    merged = run(wb, write_csv(tmp_path / "b.csv", more), on_duplicate=DupAction.MERGE)
    assert merged.merged == 2
    with wb.engine.begin() as conn:  # the rep edits one merged field afterwards
        conn.execute(update(table_of(Lead)).where(L.name == "Bo Chen").values(title="Chief Executive"))
    result = import_history.undo_import(wb, merged.batch_id)
    assert result.restored_fields == 2  # Ana's title and phone (Bo's title was edited since)
    assert live(wb, "name", "title", "phone", "phone_e164") == [
        ("Ana López", "", "", ""),
        ("Bo Chen", "Chief Executive", "", ""),
    ]


def test_history_lists_imports_newest_first(wb: Workbench, tmp_path: Path) -> None:
    assert import_history.list_batches(wb) == []
    run(wb, leads_file(tmp_path / "a.csv", ROWS[:1]))
    run(wb, leads_file(tmp_path / "b.csv", ROWS[1:]), source="webinar")
    batches = import_history.list_batches(wb)
    assert [b.file_name for b in batches] == ["b.csv", "a.csv"]
    assert [(b.rows, b.inserted, b.live_leads) for b in batches] == [(2, 2, 2), (1, 1, 1)]
    assert batches[0].options["source"] == "webinar" and not batches[0].undone


def test_presets(wb: Workbench) -> None:
    assert import_history.presets(wb) == {}
    import_history.save_preset(wb, " Trade show ", {"Badge Name": "full_name", "Org": "company"})
    import_history.save_preset(wb, "HubSpot", {"Email": "email"})
    assert import_history.presets(wb) == {
        "Trade show": {"Badge Name": "full_name", "Org": "company"},
        "HubSpot": {"Email": "email"},
    }
    import_history.delete_preset(wb, "HubSpot")
    assert list(import_history.presets(wb)) == ["Trade show"]
    assert settings.read(wb, import_history.PRESETS_KEY) == {
        "Trade show": {"Badge Name": "full_name", "Org": "company"}
    }
    with pytest.raises(ValueError, match="name"):
        import_history.save_preset(wb, "  ", {})
