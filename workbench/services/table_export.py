"""Any table view as a CSV file: every row the view's filter and sort give, not just the visible ones.

Values are the stored ones (numbers as numbers, times as ISO 8601 in UTC), not the
on-screen text, so a spreadsheet can compute with them; text is neutralised against
formula injection (R10). Big SQL tables stream in batches; the file is written to a
temporary name and renamed into place, so a failure or Cancel leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from workbench.exchange.csv_safe import write_csv
from workbench.services.manager.export import ExportCancelled
from workbench.services.tables import SqlTableSource, TableQuery

BATCH = 5000
Progress = Callable[[int, int], bool]


def export_table_csv(
    source: SqlTableSource,
    query: TableQuery,
    path: Path,
    *,
    progress: Progress | None = None,
) -> int:
    """Write every row of ``source`` under ``query`` to ``path``; returns the row count."""
    total = source.count(query)
    header = [column.title for column in source.columns]
    with source.wb.engine.connect() as conn:
        result = conn.execution_options(yield_per=BATCH).execute(source.statement(query))

        def rows() -> Iterator[Sequence[Any]]:
            for done, row in enumerate(result, start=1):
                yield tuple(row)[2:]  # drop the id and the style tag
                if progress is not None and done % BATCH == 0 and not progress(done, total):
                    raise ExportCancelled

        try:
            count = write_csv(path, header, rows())
        finally:
            result.close()
    if progress is not None:
        progress(count, total)
    return count


def export_rows_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], path: Path) -> int:
    """A small in-memory table (a rollup, a chart's data) as CSV."""
    return write_csv(path, header, rows)
