"""Serving with waitress, in one process or several sharing one socket.

Python runs one thread at a time per process, so a single waitress process
uses one core however many threads it has; with several clients at once the
requests queue behind each other. ``workers`` > 1 forks that many processes
that accept from the same listening socket (the kernel spreads connections),
so every core serves. Each worker opens its own searcher and caches (the
index stores no text, which keeps that cheap); they all follow the same
index folder, so a commit by any writer reaches every worker.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Callable


def serve(make_app: Callable[[], object], host: str, port: int, threads: int, workers: int) -> None:
    from waitress import serve as waitress_serve

    if workers <= 1:
        waitress_serve(make_app(), host=host, port=port, threads=threads)
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=1024)
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: its own app, hub and searcher
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                waitress_serve(make_app(), sockets=[listener], threads=threads)
            finally:
                os._exit(0)
        children.append(pid)
    listener.close()

    def stop(signum, _frame):
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for child in children:
            try:
                os.waitpid(child, 0)
            except ChildProcessError:
                pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while children:
        try:
            pid, _ = os.wait()
        except ChildProcessError:
            break
        if pid in children:
            children.remove(pid)
