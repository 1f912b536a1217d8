"""Why ingest refused or passed over a file, said in the interface language.

Ingest writes its reasons in English (the command line and the logs read them) and gives each a stable code
and parameters (:class:`ingest.reasons.Reason`, the message of ``IngestError``, ``ParseError`` and the others).
Here each code has its gettext message, filled in with the parameters written the reader's way: counts and
sizes as 1.024 in Danish, a nested reason (the sidecar or manifest row a wrong field was found in) in the same
language. A code this module does not know is shown as its English text, so a new reason is never lost, only
untranslated until it is added here; ``tests/test_i18n_ingest.py`` fails until it is.

What a library or the operating system says inside a reason (an XML parser's complaint, "Permission denied")
comes as a parameter and stays as it was written.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from web.i18n import format_name, number

MESSAGES = {
    # The bytes are no format we read.
    "empty": _l("the file is empty (0 bytes)"),
    "blank": _l("the file is empty (only blank space)"),
    "zip_damaged": _l("a damaged ZIP file (a Word document cut short?)"),
    "zip_excel": _l("an Excel workbook, not a document; save it as PDF"),
    "zip_powerpoint": _l("a PowerPoint presentation; save it as PDF"),
    "zip_opendocument": _l("an OpenDocument file; save it as .docx or PDF"),
    "zip_epub": _l("an EPUB e-book; save it as PDF"),
    "zip_other": _l("a ZIP archive that is not a Word document"),
    "binary_executable": _l("an executable, not a document"),
    "binary_windows_executable": _l("a Windows executable, not a document"),
    "binary_png": _l("a PNG image, not a document"),
    "binary_jpeg": _l("a JPEG image, not a document"),
    "binary_gif": _l("a GIF image, not a document"),
    "binary_gzip": _l("a gzip archive, not a document"),
    "binary_rar": _l("a RAR archive, not a document"),
    "binary_7zip": _l("a 7-Zip archive, not a document"),
    "binary_old_office": _l("an old Office file (.doc/.xls/.ppt); save it as .docx or PDF, not a document"),
    "binary_rtf": _l("an RTF file; save it as .docx or PDF, not a document"),
    "binary_postscript": _l("a PostScript file; convert it to PDF, not a document"),
    "binary_ogg": _l("an Ogg audio file, not a document"),
    "binary_flac": _l("a FLAC audio file, not a document"),
    "binary_mp3": _l("an MP3 audio file, not a document"),
    "binary_riff": _l("a RIFF (WAV/AVI) file, not a document"),
    "binary_other": _l("binary data, not a document"),
    # The format is right but the file cannot be read.
    "no_parser": _l("no parser for %(format)s"),
    "docx_unsafe": _l("the Word file is unsafe to open: %(detail)s"),
    "docx_not_zip": _l("the Word file is damaged (not a readable ZIP archive)"),
    "docx_no_document": _l("the Word file is damaged (no word/document.xml)"),
    "docx_damaged": _l("the Word file is damaged (%(error)s)"),
    "docx_no_text": _l("the Word document contains no text"),
    "zip_members": _l("the archive has %(members)s members (limit %(limit)s): a ZIP bomb?"),
    "zip_total": _l("the archive would unpack to %(mb)s MB (limit %(limit_mb)s MB): a ZIP bomb?"),
    "zip_ratio": _l(
        "%(member)s would unpack %(ratio)sx (%(packed_kb)s KB to %(mb)s MB; limit %(limit)sx): a ZIP bomb?"
    ),
    "zip_path": _l("%(member)s: a path outside the archive's folder: not unpacked"),
    "zip_link": _l("%(member)s: a symbolic link: not unpacked"),
    "zip_encrypted": _l("%(member)s: encrypted with a password: not unpacked"),
    "zip_member_damaged": _l("%(member)s: damaged in the archive (%(error)s)"),
    "batch_full": _l("the batch already holds %(limit)s files: upload this one in another batch"),
    "pdf_encrypted": _l("the PDF is encrypted with a password"),
    "pdf_security": _l("the PDF uses an unsupported security handler"),
    "pdf_unopenable": _l("the PDF is damaged (PDFium cannot open it: not a valid PDF structure)"),
    "pdf_no_pages": _l("the PDF has no pages"),
    "pdf_damaged": _l("the PDF is damaged (%(error)s)"),
    "pdf_scanned": _l(
        "the PDF has no text layer: %(images)s of %(pages)s page(s) are images only (a scan; run OCR on it first)"
    ),
    "pdf_no_text": _l("the PDF contains no text (%(pages)s page(s) without text or images)"),
    "text_bad_bom": _l("the text starts with a %(encoding)s byte-order mark but is not %(encoding)s"),
    "text_no_encoding": _l("the text is in no encoding we recognise"),
    # What was parsed is not enough, or the parse broke a limit.
    "no_text": _l("no readable text in the %(format)s file"),
    "too_little_text": _l(
        "too little text to index: %(chars)s characters in the %(format)s file (at least %(needed)s needed)"
    ),
    "text_cut": _l("text cut to the first %(kept)s of %(chars)s characters for the index"),
    "another_format": _l("another format of document %(doc_id)s: found in search as one work"),
    "memory": _l("parsing needed more than the %(mb)s MB memory limit"),
    "nested": _l("the file is nested too deeply to parse"),
    "parser_failed": _l("the parser failed on this file (%(error)s)"),
    "timeout": _l("parsing took longer than the %(seconds)s s time limit and was stopped"),
    "killed": _l("the parser was killed (SIGKILL; out of memory?)"),
    "crashed": _l(
        "the parser crashed on this file (%(signal)s; a damaged file, or more than the %(mb)s MB memory limit)"
    ),
    "exited": _l("the parser exited unexpectedly on this file (exit code %(exit_code)s)"),
    # Reading the file.
    "metadata_file": _l("a metadata file (sidecar or manifest), not a document"),
    "not_regular_now": _l("not a regular file (any more): not opened"),
    "too_large": _l("the file is larger than the %(mb)s MB limit"),
    "too_large_bytes": _l("the file is larger than the %(mb)s MB limit (%(bytes)s bytes)"),
    "unreadable": _l("cannot read the file (%(error)s)"),
    "save_failed": _l("could not be saved (%(error)s)"),
    "in_trash": _l(
        "the same file is in the trash as document %(doc_id)s (“%(title)s”): restore it from the trash instead"
    ),
    # Entries a folder walk passes over.
    "folder_unreadable": _l("cannot read the folder (%(error)s)"),
    "link_not_followed": _l("a symbolic link to %(target)s: not followed (--follow-symlinks follows links)"),
    "link_broken": _l("a broken symbolic link (to %(target)s): not followed"),
    "link_loop": _l("a symbolic link loop: not followed"),
    "link_loop_found": _l("a symbolic link loop"),
    "folder_loop": _l("a symbolic link loop (a link to a folder that contains it)"),
    "cannot_look": _l("cannot look at it (%(error)s)"),
    "fifo": _l("a FIFO (named pipe), not a document: not opened"),
    "char_device": _l("a character device, not a document: not opened"),
    "block_device": _l("a block device, not a document: not opened"),
    "socket": _l("a socket, not a document: not opened"),
    "not_regular": _l("not a regular file, not a document: not opened"),
    # Metadata a person gave in a sidecar or a manifest.
    "in_sidecar": _l("sidecar %(name)s"),
    "in_manifest_row": _l("%(manifest)s, row for %(name)s"),
    "unknown_field": _l("%(where)s: unknown field %(field)s (fields: %(allowed)s)"),
    "bad_visibility": _l("%(where)s: visibility %(value)s is not one of %(allowed)s"),
    "areas_not_list": _l("%(where)s: areas must be a list or a ';'-separated string"),
    "unknown_area": _l("%(where)s: unknown area %(areas)s (known: %(known)s)"),
    "bad_year": _l("%(where)s: year %(value)s is not a date"),
    "bad_date": _l("%(where)s: date %(value)s is not a date"),
    "sidecar_json": _l("sidecar %(name)s is not valid JSON (line %(line)s: %(error)s)"),
    "sidecar_unreadable": _l("sidecar %(name)s cannot be read (%(error)s)"),
    "sidecar_not_object": _l("sidecar %(name)s must hold one JSON object"),
    "manifest_unreadable": _l("the folder's manifest %(manifest)s cannot be read: %(error)s"),
    "manifest_no_path": _l("it has no 'path' column (columns: %(columns)s)"),
    "manifest_no_columns": _l("it has no 'path' column (columns: none)"),
}
"""The gettext message of each code of ``ingest.reasons.REASONS`` (``%(name)s``: its parameters)."""

DIGITS = frozenset({"exit_code", "line"})
"""Numbers that name something rather than count it, shown as plain digits in every language."""


def _param(name: str, value: object) -> object:
    """One parameter as the reader's language writes it."""
    if getattr(value, "code", None) in MESSAGES:
        return ingest_reason(value)  # where a wrong field was found, what made an archive unsafe
    if isinstance(value, bool) or name in DIGITS:
        return value
    if isinstance(value, int | float):
        return number(value)
    if name == "format" and isinstance(value, str):
        return format_name(value)
    return value


def ingest_reason(said: object) -> str:
    """Why a file could not become a document or was passed over, in the interface language.

    ``said`` is an ingest error (``IngestError``, ``ParseError``, ...) or its reason (an ``Outcome.reason``, a
    walk's ``Skipped.reason``); without a known code it is shown as its English.
    """
    reason = getattr(said, "reason", said)
    code = getattr(reason, "code", None)
    params = getattr(reason, "params", None)
    message = MESSAGES.get(code) if isinstance(code, str) else None
    if message is None:
        return str(reason)
    values = params if isinstance(params, dict) else {}
    try:
        return str(message) % {name: _param(name, value) for name, value in values.items()}
    except (KeyError, TypeError, ValueError):  # a translation that names a parameter the reason lacks
        return str(reason)


__all__ = ["MESSAGES", "ingest_reason"]
