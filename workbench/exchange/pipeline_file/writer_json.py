"""Writing the JSON form of a pipeline file, streamed row by row.

The document is one object (see the schema): ``schema``, ``schema_version``,
``stages``, ``summary``, the five tables as arrays of row objects, and ``meta`` last —
JSON objects are unordered, and putting ``meta`` at the end lets it carry the row
counts without holding any table in memory. Times are ISO 8601 in UTC, dates
``YYYY-MM-DD``. Text is the raw value (issue 18): JSON is data, never evaluated, and
a reader of it must not have to know the CSV rule; only CSV writers quote formulas.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from workbench.exchange.pipeline_file.model import (
    SCHEMA_NAME,
    ColumnType,
    FileMeta,
    TableSpec,
)
from workbench.exchange.pipeline_file.summary import Summary

Convert = Callable[[Any], Any]


def _iso_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _iso_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _text(value: Any) -> str:
    return value if value else ""


def _plain(value: Any) -> Any:
    return value


def _flag(value: Any) -> bool:
    return bool(value)


CONVERTERS: dict[ColumnType, Convert] = {
    ColumnType.TEXT: _text,
    ColumnType.UUID: lambda v: v or None,
    ColumnType.DATETIME: _iso_datetime,
    ColumnType.DATE: _iso_date,
    ColumnType.NUMBER: _plain,
    ColumnType.INTEGER: _plain,
    ColumnType.BOOLEAN: _flag,
}


class JsonPipelineWriter:
    """Same calls as :class:`~.writer_xlsx.XlsxPipelineWriter`: summary, tables, close."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._out: IO[str] = open(self.path, "w", encoding="utf-8")  # noqa: SIM115
        self._out.write(f'{{"schema": {json.dumps(SCHEMA_NAME)}, "schema_version": 1')
        self._stages_written = False

    def __enter__(self) -> JsonPipelineWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            self.abandon()

    def abandon(self) -> None:
        self._out.close()

    def write_summary(self, meta: FileMeta, summary: Summary) -> None:
        stages = [
            {
                "name": s.name,
                "position": s.position,
                "probability": s.probability,
                "kind": s.kind,
                "stale_days": s.stale_days,
            }
            for s in meta.stages
        ]
        self._out.write(',\n"stages": ' + json.dumps(stages, ensure_ascii=False))
        self._out.write(',\n"summary": ' + json.dumps(summary.as_json(), ensure_ascii=False))

    def write_table(
        self,
        spec: TableSpec,
        rows: Iterable[Sequence[Any]],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        keys = spec.keys
        converters = [CONVERTERS[c.type] for c in spec.columns]
        pairs = list(zip(keys, converters, strict=True))
        write, dumps = self._out.write, json.dumps
        write(f",\n{dumps(spec.key)}: [")
        total = 0
        separator = "\n"
        for values in rows:
            row = {key: convert(value) for (key, convert), value in zip(pairs, values, strict=False)}
            write(separator)
            write(dumps(row, ensure_ascii=False))
            separator = ",\n"
            total += 1
            if progress is not None and total % 5000 == 0:
                progress(total)
        write("\n]")
        if progress is not None:
            progress(total)
        return total

    def close(self, meta: FileMeta) -> None:
        data = meta.as_json()
        self._out.write(',\n"meta": ' + json.dumps(data, ensure_ascii=False) + "}\n")
        self._out.close()
