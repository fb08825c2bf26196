"""Encoding is decided from the whole stream (issue 19, case 11): a UTF-8 file whose
later lines hold cp1252 bytes imports those rows re-decoded, each with a warning —
never silently as U+FFFD."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.cli import main
from workbench.domain import Lead
from workbench.exchange.readers import SAMPLE_BYTES, ReadOptions, open_table
from workbench.store import open_workbench


def _mixed(path: Path) -> Path:
    lines = ["Name,Company,Email"]
    lines += [f"José Núñez {i},Überall GmbH,jose{i}@example.com" for i in range(6000)]
    body = ("\n".join(lines) + "\n").encode("utf-8")
    assert len(body) > SAMPLE_BYTES
    later = b"".join(f"Caf\xe9 {i},Cr\xe8me SA,cafe{i}@example.com\n".encode("latin-1") for i in range(50))
    path.write_bytes(body + later)
    return path


def test_later_bytes_that_are_not_utf8_are_re_decoded_with_a_warning_per_row(tmp_path: Path) -> None:
    path = _mixed(tmp_path / "mixed.csv")
    with open_table(path) as reader:
        assert reader.format.encoding == "utf-8"
        rows = list(reader.rows())
    assert len(rows) == 6050
    warned = [r for r in rows if r.warning]
    assert len(warned) == 50
    assert all("read as cp1252" in r.warning for r in warned)
    assert warned[0].values[0] == "Café 0" and warned[0].values[1] == "Crème SA"
    assert not any("\ufffd" in v for r in rows for v in r.values)
    assert rows[0].values[0] == "José Núñez 0" and not rows[0].warning


def test_a_chosen_encoding_keeps_replacements_but_warns(tmp_path: Path) -> None:
    path = _mixed(tmp_path / "mixed.csv")
    with open_table(path, ReadOptions(encoding="utf-8")) as reader:
        warned = [r for r in reader.rows() if r.warning]
    assert len(warned) == 50 and warned[0].values[0] == "Caf\ufffd 0"


def test_import_counts_the_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _mixed(tmp_path / "mixed.csv")
    db = tmp_path / "w.db"
    assert main(["import", str(path), "--db", str(db), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rows"] == 6050 and result["warnings"] == 50
    with open_workbench(db) as wb, wb.session() as s:
        names = {str(r[0]) for r in s.execute(select(Lead.name))}
    assert any(n.startswith("Café") for n in names) and not any("\ufffd" in n for n in names)
