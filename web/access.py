"""Who may see what. Every path that can reveal a document asks this module."""

from __future__ import annotations

from ingest.model import Document

LEVELS = {
    "anonymous": ("public",),
    "member": ("public", "members"),
    "staff": ("public", "members", "staff"),
    "admin": ("public", "members", "staff"),
}


def visible_levels() -> tuple[str, ...]:
    """Visibility levels the current request may see."""
    return LEVELS["anonymous"]


def can_see(doc: Document | None) -> bool:
    return doc is not None and doc.visibility in visible_levels()
