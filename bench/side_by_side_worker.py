"""One checkout's side of ``bench/side_by_side.py``: ingest, or answer search passes, with that checkout's code.

Run by the side-by-side parent, never by hand::

    python -I -S bench/side_by_side_worker.py --checkout DIR --site SITE_PACKAGES ingest --data D --size N
    python -I -S bench/side_by_side_worker.py --checkout DIR --site SITE_PACKAGES search --data D

Why ``-I -S`` and a hand-made ``sys.path``: the venv has an editable install of one
tree (a setuptools *finder* in a ``.pth`` file, which maps ``search``, ``ingest`` and
``web`` to that tree). ``-S`` keeps ``site`` from running the ``.pth`` files, ``-I``
keeps the script's folder and ``PYTHONPATH`` out, and the worker then puts the
checkout first and site-packages (for the dependencies only) last. The parent still
sets ``PYTHONPATH=checkout`` for anything started without these flags. Child processes
(the ingest's forked parsers, a spawned background merge) inherit this ``sys.path``.

The measuring code (corpus listing, the request mix, timing, the shared ingest loop)
is the harness's own, from the tree this file is in, whatever the checkout: both
sides are measured by the same code. Before that is imported, the checkout's
``search``, ``ingest`` and ``web`` are imported, so later imports of their modules
resolve inside the checkout; each answer lists any loaded module of theirs from
elsewhere, and the parent refuses the run if there is one.

Only JSON lines go to the real standard output; everything else (the service's own
messages) goes to standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
import types
from pathlib import Path

HARNESS = Path(__file__).resolve().parent.parent
PACKAGES = ("search", "ingest", "web")

# Where each name the bench needs has lived: the package itself first (the restructured
# tree exports them), then the paths after the move, then the paths before it.
NAMES: dict[str, tuple[str, ...]] = {
    "SearchRequest": ("search", "search.searching", "search.engine"),
    "search": ("search", "search.searching", "search.engine"),
    "SearcherPool": ("search", "search.engine.reading.searcher", "search.searcher"),
}


def isolate(checkout: Path, site: str) -> None:
    """Put ``checkout`` first on ``sys.path`` and import its packages; the harness's ``bench`` alone."""
    sys.path[:] = [str(checkout)] + [p for p in sys.path if p and "site-packages" not in p] + [site]
    for name in PACKAGES:
        __import__(name)
    # ``bench`` has no __init__.py (a namespace package): given both trees it would merge their bench/
    # folders, the checkout's first. Pinned here, bench.* is the harness's measuring code.
    bench = types.ModuleType("bench")
    bench.__path__ = [str(HARNESS / "bench")]
    sys.modules["bench"] = bench


def forget_harness_path() -> None:
    """The harness's modules put its root on sys.path when imported; the checkout's packages stay first."""
    root = str(HARNESS)
    sys.path[:] = [sys.path[0]] + [p for p in sys.path[1:] if p != root]


def strays(checkout: Path) -> list[str]:
    """Loaded modules of ``search``, ``ingest`` or ``web`` that do not come from ``checkout``."""
    out = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name.split(".")[0] in PACKAGES and file and not Path(file).resolve().is_relative_to(checkout):
            out.append(f"{name}: {file}")
    return out


def resolve(name: str) -> tuple[object, str]:
    """The first of :data:`NAMES`' places that has ``name`` (a function or class, not a module)."""
    import importlib

    for where in NAMES[name]:
        try:
            found = getattr(importlib.import_module(where), name)
        except (ImportError, AttributeError):
            continue
        if not isinstance(found, types.ModuleType):
            return found, where
    raise ImportError(f"{name} not found in any of {NAMES[name]}")


def ingest(data: Path, size: int, taxonomy: Path) -> dict:
    import shutil

    from bench.search_build import ingest_files
    from bench.speed_corpus import write_corpus
    from web.hub import Hub

    forget_harness_path()
    files = write_corpus(HARNESS / "bench" / "out" / "docs", size)  # cached by the parent: only listed here
    shutil.rmtree(data, ignore_errors=True)
    hub = Hub.open(data, taxonomy=str(taxonomy))
    return ingest_files(hub, files, log=lambda m: print(f"  {m}", file=sys.stderr, flush=True))


def serve_search(data: Path, taxonomy: Path, answer) -> None:
    """Open the index, warm it, answer ``pass`` lines with one timed pass over the mix each."""
    from werkzeug.datastructures import MultiDict

    from bench.search_bench import LIST_FILTERS, _pairs, time_mix
    from web.hub import Hub
    from web.results import search_from_args

    forget_harness_path()
    found = {name: resolve(name) for name in NAMES}
    SearchRequest, search, SearcherPool = (found[n][0] for n in ("SearchRequest", "search", "SearcherPool"))
    hub = Hub.open(data, taxonomy=str(taxonomy))
    assert isinstance(hub.pool, SearcherPool), "the hub's pool is not the SearcherPool the bench resolved"
    hub.pool.get().warm()

    def full(q: str, options: dict) -> None:
        search_from_args(hub, MultiDict(_pairs(q, options)), ("public",))

    def engine(q: str, options: dict) -> None:
        year = {k: int(options[k][0]) for k in ("year_from", "year_to") if k in options}
        filters = {k: v for k, v in options.items() if k in LIST_FILTERS}
        page = options.get("page", 1)
        request = SearchRequest(q=q, filters=filters, sort=options.get("sort", "relevance"), page=page, **year)
        search(hub.pool.get(), request)

    first = {"full": time_mix(full), "engine": time_mix(engine)}
    answer({"ready": True, "first": first, "names": {n: where for n, (_, where) in found.items()}})
    for line in sys.stdin:
        if line.strip() != "pass":
            break
        answer({"full": time_mix(full), "engine": time_mix(engine)})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkout", type=Path, required=True)
    parser.add_argument("--site", required=True, help="the venv's site-packages, for the dependencies")
    sub = parser.add_subparsers(dest="job", required=True)
    job_ingest = sub.add_parser("ingest")
    job_ingest.add_argument("--data", type=Path, required=True)
    job_ingest.add_argument("--size", type=int, required=True)
    job_search = sub.add_parser("search")
    job_search.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    taxonomy = checkout / "corpus" / "areas.toml"
    out, sys.stdout = sys.stdout, sys.stderr

    def answer(message: dict) -> None:
        import search as package

        message |= {"search_file": package.__file__, "strays": strays(checkout)}
        out.write(json.dumps(message) + "\n")
        out.flush()

    isolate(checkout, args.site)
    if args.job == "ingest":
        answer(ingest(args.data, args.size, taxonomy))
    else:
        serve_search(args.data, taxonomy, answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
