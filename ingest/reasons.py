"""Why ingest refused or passed over a file: the English a person reads, with a stable code and parameters.

Ingest speaks English: ``skh ingest``, its ``--json`` report and the logs print these texts as they are. The
web interface also speaks Danish, and it must not parse English to say the same, so every reason ingest gives
is a :class:`Reason`: the English text itself (a ``str``), plus a ``code`` and the ``params`` it was filled in
with. ``web.messages_ingest`` has a gettext message per code. This is the same arrangement as the search
layer's notes (``search.limits.NOTICES`` and ``Notice``).

Every reason's English is in :data:`REASONS`, keyed by its code, so the set of codes is one list that a test
can hold the web's translations against; a parameter's format spec (``{chars:d}``, ``{mb:g}``) says it is a
number, which the interface writes the reader's way. A parameter may itself be a :class:`Reason` (where a
wrong field was found: a sidecar, a manifest row), and is translated with it.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    # The bytes are no format we read (ingest.detect).
    "empty": "the file is empty (0 bytes)",
    "blank": "the file is empty (only blank space)",
    "zip_damaged": "a damaged ZIP file (a Word document cut short?)",
    "zip_excel": "an Excel workbook, not a document; save it as PDF",
    "zip_powerpoint": "a PowerPoint presentation; save it as PDF",
    "zip_opendocument": "an OpenDocument file; save it as .docx or PDF",
    "zip_epub": "an EPUB e-book; save it as PDF",
    "zip_other": "a ZIP archive that is not a Word document",
    "binary_executable": "an executable, not a document",
    "binary_windows_executable": "a Windows executable, not a document",
    "binary_png": "a PNG image, not a document",
    "binary_jpeg": "a JPEG image, not a document",
    "binary_gif": "a GIF image, not a document",
    "binary_gzip": "a gzip archive, not a document",
    "binary_rar": "a RAR archive, not a document",
    "binary_7zip": "a 7-Zip archive, not a document",
    "binary_old_office": "an old Office file (.doc/.xls/.ppt); save it as .docx or PDF, not a document",
    "binary_rtf": "an RTF file; save it as .docx or PDF, not a document",
    "binary_postscript": "a PostScript file; convert it to PDF, not a document",
    "binary_ogg": "an Ogg audio file, not a document",
    "binary_flac": "a FLAC audio file, not a document",
    "binary_mp3": "an MP3 audio file, not a document",
    "binary_riff": "a RIFF (WAV/AVI) file, not a document",
    "binary_other": "binary data, not a document",
    # The format is right but the file cannot be read (ingest.parsers, ingest.zipsafety).
    "no_parser": "no parser for {format}",
    "docx_unsafe": "the Word file is unsafe to open: {detail}",
    "docx_not_zip": "the Word file is damaged (not a readable ZIP archive)",
    "docx_no_document": "the Word file is damaged (no word/document.xml)",
    "docx_damaged": "the Word file is damaged ({error})",
    "docx_no_text": "the Word document contains no text",
    "zip_members": "the archive has {members:d} members (limit {limit:d}): a ZIP bomb?",
    "zip_total": "the archive would unpack to {mb:d} MB (limit {limit_mb:d} MB): a ZIP bomb?",
    "zip_ratio": "{member} would unpack {ratio:d}x ({packed_kb:d} KB to {mb:d} MB; limit {limit:d}x): a ZIP bomb?",
    # A member of an uploaded archive that is not unpacked (ingest.archive).
    "zip_path": "{member}: a path outside the archive's folder: not unpacked",
    "zip_link": "{member}: a symbolic link: not unpacked",
    "zip_encrypted": "{member}: encrypted with a password: not unpacked",
    "zip_member_damaged": "{member}: damaged in the archive ({error})",
    # A file of a bulk upload beyond the batch's limit (ingest.archive.batch_full).
    "batch_full": "the batch already holds {limit:d} files: upload this one in another batch",
    "pdf_encrypted": "the PDF is encrypted with a password",
    "pdf_security": "the PDF uses an unsupported security handler",
    "pdf_unopenable": "the PDF is damaged (PDFium cannot open it: not a valid PDF structure)",
    "pdf_no_pages": "the PDF has no pages",
    "pdf_damaged": "the PDF is damaged ({error})",
    "pdf_scanned": (
        "the PDF has no text layer: {images:d} of {pages:d} page(s) are images only (a scan; run OCR on it first)"
    ),
    "pdf_no_text": "the PDF contains no text ({pages:d} page(s) without text or images)",
    "text_bad_bom": "the text starts with a {encoding} byte-order mark but is not {encoding}",
    "text_no_encoding": "the text is in no encoding we recognise",
    # What was parsed is not enough, or the parse broke a limit (ingest.extract, ingest.sandbox).
    "no_text": "no readable text in the {format} file",
    "too_little_text": (
        "too little text to index: {chars:d} characters in the {format} file (at least {needed:d} needed)"
    ),
    "text_cut": "text cut to the first {kept:,} of {chars:,} characters for the index",
    # Grouped with a document already in the hub (ingest.work_candidates): a note, not a failure.
    "another_format": "another format of document {doc_id}: found in search as one work",
    "memory": "parsing needed more than the {mb:g} MB memory limit",
    "nested": "the file is nested too deeply to parse",
    "parser_failed": "the parser failed on this file ({error})",
    "timeout": "parsing took longer than the {seconds:g} s time limit and was stopped",
    "killed": "the parser was killed (SIGKILL; out of memory?)",
    "crashed": "the parser crashed on this file ({signal}; a damaged file, or more than the {mb:g} MB memory limit)",
    "exited": "the parser exited unexpectedly on this file (exit code {exit_code:d})",
    # Reading the file (ingest.pipeline).
    "metadata_file": "a metadata file (sidecar or manifest), not a document",
    "not_regular_now": "not a regular file (any more): not opened",
    "too_large": "the file is larger than the {mb:g} MB limit",
    "too_large_bytes": "the file is larger than the {mb:g} MB limit ({bytes:,} bytes)",
    "unreadable": "cannot read the file ({error})",
    "save_failed": "could not be saved ({error})",
    "in_trash": "the same file is in the trash as document {doc_id} (“{title}”): restore it from the trash instead",
    # Entries a folder walk passes over (ingest.walk).
    "folder_unreadable": "cannot read the folder ({error})",
    "link_not_followed": "a symbolic link to {target}: not followed (--follow-symlinks follows links)",
    "link_broken": "a broken symbolic link (to {target}): not followed",
    "link_loop": "a symbolic link loop: not followed",
    "link_loop_found": "a symbolic link loop",
    "folder_loop": "a symbolic link loop (a link to a folder that contains it)",
    "cannot_look": "cannot look at it ({error})",
    "fifo": "a FIFO (named pipe), not a document: not opened",
    "char_device": "a character device, not a document: not opened",
    "block_device": "a block device, not a document: not opened",
    "socket": "a socket, not a document: not opened",
    "not_regular": "not a regular file, not a document: not opened",
    # Metadata a person gave in a sidecar or a manifest (ingest.explicit, ingest.manifest).
    "in_sidecar": "sidecar {name}",
    "in_manifest_row": "{manifest}, row for {name}",
    "unknown_field": "{where}: unknown field {field} (fields: {allowed})",
    "bad_visibility": "{where}: visibility {value} is not one of {allowed}",
    "areas_not_list": "{where}: areas must be a list or a ';'-separated string",
    "unknown_area": "{where}: unknown area {areas} (known: {known})",
    "bad_year": "{where}: year {value} is not a date",
    "bad_date": "{where}: date {value} is not a date",
    "sidecar_json": "sidecar {name} is not valid JSON (line {line:d}: {error})",
    "sidecar_unreadable": "sidecar {name} cannot be read ({error})",
    "sidecar_not_object": "sidecar {name} must hold one JSON object",
    "manifest_unreadable": "the folder's manifest {manifest} cannot be read: {error}",
    "manifest_no_path": "it has no 'path' column (columns: {columns})",
    "manifest_no_columns": "it has no 'path' column (columns: none)",
}
"""Every reason ingest gives, by code: its English (``{name}``: a parameter; with a format spec, a number)."""


class Reason(str):
    """A reason as ingest says it: the English text (a ``str``, so printing and JSON need nothing new), plus a
    stable ``code`` of :data:`REASONS` and the ``params`` it was filled in with."""

    code: str
    params: dict[str, object]

    def __new__(cls, code: str, text: str, **params: object) -> Reason:
        said = super().__new__(cls, text)
        said.code = code
        said.params = params
        return said

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # pickling (a parser child's answer)
        return self.code, str(self)


def reason(code: str, **params: object) -> Reason:
    """The :class:`Reason` ``code``, its English filled in with ``params``."""
    return Reason(code, REASONS[code].format(**params), **params)


class ReasonError(ValueError):
    """An error whose message is a :class:`Reason` (or, from outside our code, plain English)."""

    @property
    def reason(self) -> str:
        """The message: a :class:`Reason` when we wrote it."""
        first = self.args[0] if self.args else ""
        return first if isinstance(first, str) else str(self)

    @property
    def code(self) -> str | None:
        return getattr(self.reason, "code", None)

    @property
    def params(self) -> dict[str, object]:
        return getattr(self.reason, "params", {})


__all__ = ["REASONS", "Reason", "ReasonError", "reason"]
