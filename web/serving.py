"""Serving with waitress, in one process or several sharing one socket.

Python runs one thread at a time per process, so a single waitress process
uses one core however many threads it has; with several clients at once the
requests queue behind each other. ``workers`` > 1 forks that many processes
that accept from the same listening socket (the kernel spreads connections),
so every core serves. Each worker opens its own searcher and caches (the
index stores no text, which keeps that cheap); they all follow the same
index folder, so a commit by any writer reaches every worker. A worker that
dies is replaced (and says why on stderr), so a crash does not halve capacity.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable


def serve(make_app: Callable[[], object], host: str, port: int, threads: int, workers: int) -> None:
    from waitress import serve as waitress_serve

    if workers <= 1:
        waitress_serve(make_app(), host=host, port=port, threads=threads)
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=1024)

    def spawn() -> int:
        pid = os.fork()
        if pid == 0:  # a worker: its own app, hub and searcher
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 0
            try:
                waitress_serve(make_app(), sockets=[listener], threads=threads)
            except BaseException:  # noqa: BLE001 - say why, then leave without running the parent's cleanup
                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        return pid

    children = [spawn() for _ in range(workers)]
    stopping = False
    restarts: list[float] = []

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True
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
            pid, status = os.wait()
        except ChildProcessError:
            break
        if pid not in children:
            continue
        children.remove(pid)
        if stopping:
            continue
        # A worker that dies (a crash, the OOM killer) is replaced, so the service keeps its
        # capacity; one that keeps dying at start is not restarted in a tight loop.
        now = time.monotonic()
        restarts[:] = [t for t in restarts if now - t < 60] + [now]
        print(f"worker {pid} exited ({_describe(status)})", file=sys.stderr, flush=True)
        if len(restarts) <= 5 * workers:
            children.append(spawn())
        else:
            print("workers keep exiting: not restarting this one", file=sys.stderr, flush=True)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"status {os.WEXITSTATUS(status)}"
