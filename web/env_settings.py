"""Reading one positive number from an ``SKH_...`` environment variable, strictly.

Security settings (session lifetimes, login back-off) are not guessed: a value
that is not a positive number stops ``skh serve`` with the variable's name,
rather than quietly falling back to a default the operator did not choose.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def positive_number(name: str, default: float, whole: bool = False, env: Mapping[str, str] | None = None) -> float:
    """``name``'s value (``default`` when unset); ValueError naming the variable when it is not a positive
    number (a whole one with ``whole``)."""
    raw = (os.environ if env is None else env).get(name, "").strip()
    kind = "whole number" if whole else "number"
    try:
        value = (int(raw) if whole else float(raw)) if raw else default
    except ValueError as exc:
        raise ValueError(f"{name} must be a {kind}, not {raw!r}") from exc
    if value <= 0:
        raise ValueError(f"{name} must be more than 0")
    return value
