"""The filtered audit log as a CSV file, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) would be read as a formula
by Excel or LibreOffice; anyone who can type an e-mail on the login page or a title in an upload could put
one there. Such a cell gets a leading apostrophe, which spreadsheets show as text (OWASP's advice).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from web.audit_page import AuditRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("when_utc", "actor", "action", "action_label", "document_id", "document_title", "account", "detail")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(rows: Iterable[AuditRow]) -> Iterator[str]:
    """The header, then one CSV line per row (streamed: a line is made when the response sends it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Iterable[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(c) for c in cells])
        return buffer.getvalue()

    yield line(HEADER)
    for row in rows:
        e = row.entry
        detail = {k: v for k, v in e.detail.items() if k != "account"}
        yield line(
            (
                e.at,
                e.actor,
                e.action,
                row.action,
                e.doc_id,
                row.doc_title,
                row.account,
                json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
            )
        )
