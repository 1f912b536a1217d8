"""One parser per format; each turns bytes into :class:`ingest.model.Parsed`.

Parsers raise :class:`ParseError` with a reason a person can act on
("the PDF is encrypted"), never a bare traceback.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.model import Parsed
from ingest.reasons import ReasonError, reason


class ParseError(ReasonError):
    """The file has the right type but cannot be read; the message (a :class:`ingest.reasons.Reason`) says why."""


def get_parser(fmt: str) -> Callable[[bytes], Parsed]:
    if fmt == "html":
        from ingest.parsers.html import parse_html as parser
    elif fmt == "markdown":
        from ingest.parsers.markdown import parse_markdown as parser
    elif fmt == "text":
        from ingest.parsers.text import parse_text as parser
    elif fmt == "pdf":
        from ingest.parsers.pdf import parse_pdf as parser
    elif fmt == "docx":
        from ingest.parsers.docx import parse_docx as parser
    else:
        raise ParseError(reason("no_parser", format=fmt))
    return parser
