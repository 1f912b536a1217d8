"""pypdf against pypdfium2 (PDFium) on real PDFs: text found, failures, speed.

Run: ``.venv/bin/python bench/pdf_engines.py`` (``make bench-ingest`` runs it too).

The files: the real-world PDFs (``SKH_REALWORLD``, default
``<repo>/../shared/fixtures/realworld``) and the corpus PDFs. For each engine:
characters of text (whitespace collapsed), files that fail to open, files with
any text, and seconds (best of ``--repeat`` runs per file, after one warm-up
pass). The chosen engine is recorded in ``ingest/parsers/pdf.py``. Exits 0.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
import time
import warnings
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)


def text_with_pypdf(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted")
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def text_with_pdfium(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            out.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        return "\n".join(out)
    finally:
        pdf.close()


ENGINES = {"pypdf": text_with_pypdf, "pypdfium2": text_with_pdfium}


def measure(files: list[Path], repeat: int) -> None:
    totals = {name: {"chars": 0, "failed": 0, "with_text": 0, "seconds": 0.0} for name in ENGINES}
    rows = []
    for path in files:
        data = path.read_bytes()
        row = [path.name[:48]]
        for name, engine in ENGINES.items():
            best, chars, error = float("inf"), -1, ""
            for attempt in range(repeat + 1):  # attempt 0 warms up
                started = time.perf_counter()
                try:
                    chars = len(" ".join(engine(data).split()))
                except Exception as exc:  # noqa: BLE001 - a failure is a figure here
                    error = exc.__class__.__name__
                if attempt:
                    best = min(best, time.perf_counter() - started)
            total = totals[name]
            total["seconds"] += best
            if error:
                total["failed"] += 1
                row.append(f"{'FAILED ' + error:>22}")
            else:
                total["chars"] += chars
                total["with_text"] += chars > 0
                row.append(f"{chars:>8} ch {best * 1000:8.1f} ms")
        rows.append(row)
    print(f"{'file':<48} {'pypdf':>22} {'pypdfium2':>22}")
    for row in rows:
        print(" ".join(row))
    print()
    for name, total in totals.items():
        print(
            f"{name:<10} {total['chars']:>9} characters  {total['with_text']:>3} files with text  "
            f"{total['failed']:>2} failed  {total['seconds']:6.2f} s"
        )
    ratio = totals["pypdf"]["seconds"] / max(totals["pypdfium2"]["seconds"], 1e-9)
    print(f"\npypdfium2 is {ratio:.1f}x the speed of pypdf on these {len(files)} files")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    realworld = Path(os.environ.get("SKH_REALWORLD") or ROOT.parent / "shared" / "fixtures" / "realworld")
    files = sorted(realworld.rglob("*.pdf")) + sorted((ROOT / "corpus" / "docs").rglob("*.pdf"))
    print(f"CPUs: {os.cpu_count()}, Python {sys.version.split()[0]}; a shared, noisy machine")
    if not realworld.is_dir():
        print(f"(real-world fixtures not found at {realworld}; corpus PDFs only)")
    measure(files, args.repeat)


if __name__ == "__main__":
    main()
