"""Writing a small OpenDocument spreadsheet the way LibreOffice saves one, for tests of
files "re-saved as ODS": a boolean it holds is written as a number with a TRUE/FALSE
style (``office:value-type="float"``), dates as ``office:date-value``."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    "<office:body><office:spreadsheet>"
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    ' manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.3"'
    ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _typed(kind: str, attributes: str, text: str) -> str:
    return (
        f'<table:table-cell office:value-type="{kind}" {attributes}>'
        f"<text:p>{escape(text)}</text:p></table:table-cell>"
    )


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        return _typed("float", f'office:value="{int(value)}"', "TRUE" if value else "FALSE")
    if isinstance(value, int | float):
        return _typed("float", f'office:value="{value!r}"', str(value))
    if isinstance(value, datetime):
        text = value.replace(tzinfo=None).isoformat(timespec="seconds")
        return _typed("date", f'office:date-value="{text}"', text)
    if isinstance(value, date):
        return _typed("date", f'office:date-value="{value.isoformat()}"', value.isoformat())
    return _typed("string", "", str(value))


def write_ods(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    parts = [_HEAD]
    for name, rows in sheets.items():
        parts.append(f"<table:table table:name={quoteattr(name)}>")
        for row in rows:
            parts.append("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>")
        parts.append("</table:table>")
    parts.append("</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", "".join(parts), zipfile.ZIP_DEFLATED)
    return path
