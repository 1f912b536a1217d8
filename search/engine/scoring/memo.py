"""A small bounded memo: values worth keeping for a generation, but never without limit.

A scorer lives as long as its index generation and sees every query of it;
remembering each query word's statistics forever would grow with the traffic.
This keeps the most recently used ``max_entries`` and forgets the rest.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedMemo(Generic[K, V]):
    """At most ``max_entries`` values by key, the least recently used forgotten first; safe across threads."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The value remembered for ``key``, or ``make()``'s (then remembered).

        ``make`` runs outside the lock: two threads may both make a value for
        one key, which costs a little work but never a wrong answer.
        """
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
