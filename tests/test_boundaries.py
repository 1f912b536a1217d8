"""Whoosh's internals stay inside ``search/engine/``.

The engine is the one place that may depend on how one Whoosh release works
inside (:mod:`search.engine.guard` says which release, and what happens with
another). Everything else uses Whoosh's public query language and schema only:

* the search features import Whoosh's public modules only: its query objects
  and parser, fields, analysis and languages (the index itself through the
  engine's functions); ingest and web import no Whoosh at all;
* no module imports a name starting with ``_`` (another module's private name);
* no module reads a private attribute (``x._name``) that our own code does not
  define: that is Whoosh's, and it belongs in the engine.

Checked by reading the source (``ast``), so nothing needs to run.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "search" / "engine"
PRODUCT = ("search", "ingest", "web")

OTHER_LIBRARIES = {
    ("ingest/language.py", "_rowbase"): "py3langid's automaton rows, read by our array walk of the same "
    "automaton; tests/test_language.py compares the walk with the library's own on every run",
}
"""Private names of libraries other than Whoosh that our code knowingly reads, each with its safeguard."""

PUBLIC_WHOOSH = ("whoosh.query", "whoosh.qparser", "whoosh.lang")
"""Public Whoosh packages, with their sub-modules."""
PUBLIC_WHOOSH_MODULES = ("whoosh.fields", "whoosh.analysis")
"""Public Whoosh modules (their own sub-modules are Whoosh's implementation)."""


def _whoosh_module(node: ast.ImportFrom, name: str) -> str:
    """The module ``from <node.module> import <name>`` takes from: ``name`` itself when it is a sub-module."""
    assert node.module is not None
    candidate = f"{node.module}.{name}"
    try:
        return candidate if importlib.util.find_spec(candidate) is not None else node.module
    except ModuleNotFoundError:
        return node.module


def _public(module: str) -> bool:
    return module in PUBLIC_WHOOSH_MODULES or any(
        module == package or module.startswith(f"{package}.") for package in PUBLIC_WHOOSH
    )


def own_names(sources: list[str]) -> set[str]:
    """Every name our code defines: functions, classes, module and class variables, attributes it assigns
    (``self._x = ...``), ``__slots__`` entries and keyword parameters."""
    names: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
                if not isinstance(node, ast.ClassDef):
                    names.update(arg.arg for arg in (*node.args.args, *node.args.kwonlyargs))
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
                names.add(node.value)  # __slots__ entries, getattr/setattr names
    return names


def _whoosh_import_problems(node: ast.Import | ast.ImportFrom, outer: bool) -> list[str]:
    """The Whoosh modules ``node`` imports from that are not public (any, in ingest and web)."""
    if isinstance(node, ast.Import):
        taken = [(alias.name, alias.name) for alias in node.names]
    elif node.level == 0 and node.module is not None:
        taken = [(alias.name, _whoosh_module(node, alias.name)) for alias in node.names]
    else:
        return []
    return [
        f"imports {name}" + (f" from {module}" if name != module else "")
        for name, module in taken
        if (module == "whoosh" or module.startswith("whoosh.")) and (outer or not _public(module))
    ]


def _other_modules(tree: ast.Module) -> set[str]:
    """Names bound to imported modules other than Whoosh's (``os``): their underscored names (``os._exit``) are
    their own documented business, not an object's private state."""
    return {
        alias.asname or alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if not alias.name.startswith("whoosh")
    }


def violations(source: str, path: str, outer: bool, own: set[str]) -> list[str]:
    """What ``source`` (at ``path``) does against the rules above; ``outer``: a module of ingest or web."""
    tree = ast.parse(source)
    modules = _other_modules(tree)
    found = []
    for node in ast.walk(tree):
        where = f"{path}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += [f"{where} {problem}" for problem in _whoosh_import_problems(node, outer)]
        if isinstance(node, ast.ImportFrom):
            found += [
                f"{where} imports the private name {alias.name} from {node.module or '.'}"
                for alias in node.names
                if alias.name.startswith("_")
            ]
        elif isinstance(node, ast.Attribute):
            name = node.attr
            if not name.startswith("_") or name.startswith("__") or name in own:
                continue
            if isinstance(node.value, ast.Name) and node.value.id in modules:
                continue
            found.append(f"{where} reads the foreign private attribute .{name}")
    return sorted(found, key=lambda line: int(line.split(":")[1].split(" ")[0]))


def _product_files() -> list[Path]:
    return sorted(p for package in PRODUCT for p in (ROOT / package).rglob("*.py"))


def test_no_whoosh_internals_outside_the_engine():
    files = _product_files()
    own = own_names([p.read_text(encoding="utf-8") for p in files])
    found = []
    for path in files:
        if path.is_relative_to(ENGINE):
            continue
        relative = path.relative_to(ROOT)
        outer = relative.parts[0] != "search"
        found += [
            line
            for line in violations(path.read_text(encoding="utf-8"), str(relative), outer, own)
            if (str(relative), line.rsplit(".", 1)[-1]) not in OTHER_LIBRARIES
        ]
    assert found == [], "\n".join(found)


PLANTED = """
import os
import whoosh.matching
from whoosh import query as wq, reading
from whoosh.qparser.plugins import Plugin
from whoosh.analysis import RegexTokenizer
from whoosh.support.levenshtein import distance
from search.engine.writing.merging import _reservation

class Ours:
    def __init__(self):
        self._mine = 1

def count(ix):
    return len(ix._segments()) + Ours()._mine + ix.__class__.__name__.__len__() + os._exit.__hash__()
"""


def test_the_checker_finds_planted_violations():
    own = own_names([PLANTED])
    found = violations(PLANTED, "planted.py", outer=False, own=own)
    assert found == [
        "planted.py:3 imports whoosh.matching",
        "planted.py:4 imports reading from whoosh.reading",
        "planted.py:7 imports distance from whoosh.support.levenshtein",
        "planted.py:8 imports the private name _reservation from search.engine.writing.merging",
        "planted.py:15 reads the foreign private attribute ._segments",
    ]
    # In ingest or web, any Whoosh import at all.
    outer = violations("from whoosh import query\nfrom whoosh.fields import TEXT\n", "web/x.py", outer=True, own=own)
    assert outer == ["web/x.py:1 imports query from whoosh.query", "web/x.py:2 imports TEXT from whoosh.fields"]
