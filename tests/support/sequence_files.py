"""Pipeline files of reps whose sequence figures are written down here (no workbench needed).

Dana: "New inbound" 40 enrolled — 10 active, 10 finished, 20 stopped (8 replied, 4 booked a
meeting, 6 not interested) — 6 opportunities, 2 won; "Target account contact" 25 enrolled,
25 active, nothing else yet. Lee: "new  inbound" (the same sequence, typed differently) 5
enrolled — 1 active, 1 finished, 3 stopped (1 replied, 1 meeting, 1 not interested) — 1
opportunity, none won: too few to compare (greyed).

So the comparison of "New inbound": Dana replies 12 / 40 = 30 %, meetings 4 / 40 = 10 %;
Lee 2 / 5 = 40 %, 1 / 5 = 20 %; the team 45 enrolled, 14 replies, 5 meetings, 7
opportunities, 2 won.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from workbench.exchange.pipeline_file import FileMeta, Summary, tables
from workbench.exchange.pipeline_file.writer_json import JsonPipelineWriter
from workbench.exchange.pipeline_file.writer_xlsx import XlsxPipelineWriter

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
INBOUND = "8d1c7f43-1f7e-4d5a-9d43-2d7f0c9b0a01"
TARGET = "8d1c7f43-1f7e-4d5a-9d43-2d7f0c9b0a02"
LEE_INBOUND = "5b0e2b8e-65f3-4f57-8f0e-0c6d1b7a9e03"

#: (uuid, name, retired, enrolled, active, paused, finished, stopped, replied, meeting,
#:  not interested, opportunities, won, most replies after step)
DANA_SEQUENCES: list[tuple[Any, ...]] = [
    (INBOUND, "New inbound", False, 40, 10, 0, 10, 20, 8, 4, 6, 6, 2, 1),
    (TARGET, "Target account contact", False, 25, 25, 0, 0, 0, 0, 0, 0, 0, 0, None),
]
#: (uuid, name, step, channel, reached, done, skipped, went past, replied after)
DANA_STEPS: list[tuple[Any, ...]] = [
    (INBOUND, "New inbound", 1, "call", 40, 30, 2, 32, 7),
    (INBOUND, "New inbound", 2, "email", 32, 20, 0, 20, 5),
]
LEE_SEQUENCES: list[tuple[Any, ...]] = [
    (LEE_INBOUND, "new  inbound", False, 5, 1, 0, 1, 3, 1, 1, 1, 1, 0, 2),
]
LEE_STEPS: list[tuple[Any, ...]] = [
    (LEE_INBOUND, "new  inbound", 1, "call", 5, 5, 0, 4, 0),
    (LEE_INBOUND, "new  inbound", 2, "email", 4, 4, 0, 3, 2),
]


def write_file(
    path: Path,
    rep: str,
    sequences: Sequence[Sequence[Any]] = (),
    steps: Sequence[Sequence[Any]] = (),
) -> Path:
    """A pipeline file (``.xlsx`` or ``.json``, the app's own writers) with no deals or
    leads and the given sequence rows."""
    meta = FileMeta(rep, NOW, "test", date(2026, 1, 1), date(2026, 3, 2), "USD", 21)
    writer: XlsxPipelineWriter | JsonPipelineWriter = (
        XlsxPipelineWriter(path) if path.suffix == ".xlsx" else JsonPipelineWriter(path)
    )
    writer.write_summary(meta, Summary())
    rows = {"sequences": sequences, "sequence_steps": steps}
    for spec in tables():
        meta.row_counts[spec.key] = writer.write_table(spec, rows.get(spec.key, []))
    writer.close(meta)
    return path
