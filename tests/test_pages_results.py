"""The results page's ways on (issue #18) through the real app, index and catalog: clearing filters keeps the
words, a misspelling shows the corrected results at once, an empty page says what removing each filter
would bring or offers the strength areas, and members-only and staff-only documents are marked in lists."""

from __future__ import annotations

import re
from html import unescape


def links(page: str, cls: str) -> list[str]:
    return [unescape(h) for h in re.findall(rf'<a class="{cls}" href="([^"]*)"', page)]


def test_clear_filters_keeps_the_words_and_new_search_drops_everything(client):
    page = client.get("/search?q=hearing&sort=newest&area=hearing-health&lang=en&year_from=2019&year_to=2021")
    page = page.get_data(as_text=True)
    assert links(page, "clearfilters") == ["/search?q=hearing&sort=newest"]
    assert links(page, "newsearch") == ["/search"]
    cleared = client.get("/search?q=hearing&sort=newest").get_data(as_text=True)
    assert 'class="chip"' not in cleared and 'value="hearing"' in cleared
    assert links(cleared, "clearfilters") == []  # no filters, nothing to clear
