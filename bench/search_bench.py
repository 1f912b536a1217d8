"""Search speed, measured: the service against a naive Whoosh set-up, side by side.

    python bench/search_bench.py                      # 10k, 30k and 100k reports (long the first time)
    python bench/search_bench.py --sizes 2000         # a quick smoke run

For each size it builds (once; cached under ``bench/out/``) a synthetic corpus
through the service's own ingest path and a naive Whoosh index of the same
documents (:mod:`bench.search_build`), then times a full search (query, five
facets' counts, ten hits with snippets from the catalog) over a fixed mix of
30 requests:

* in-process, through the code the page and the API call (``web.results.search_from_args``:
  search, snippets, facet links, did-you-mean), as an anonymous visitor;
* over HTTP: a real ``skh serve`` (waitress) process, 8 concurrent clients on
  ``/api/search``;
* the naive set-up in-process (``bench.search_naive``), for the ratio.

The service's result cache is turned off (``SKH_RESULT_CACHE=0``) so every
request is computed; its per-generation term and column caches stay on, as
they are in service ("first pass" shows requests before they are warm).

Each engine runs in its own child process so its memory (RSS) is its own.
Timings are wall-clock on a shared machine: other jobs on the same cores
make them noisy, so the CPU count and load are printed beside them.
Exits 0; timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.search_build import TAXONOMY, build_lean, build_naive, size_dir  # noqa: E402

MIX: list[tuple[str, dict]] = [
    ("hearing", {}),
    ("hearing aids", {}),
    ("noise", {"area": ["acoustics-noise"]}),
    ("speech intelligibility", {}),
    ("loudspeaker distortion", {}),
    ("microphone array", {}),
    ("støj", {}),
    ("høreapparater", {}),
    ("tinnitus patients", {}),
    ("room acoustics reverberation", {}),
    ("signal processing", {"year_from": ["2018"], "year_to": ["2024"]}),
    ("audio", {"type": ["report"]}),
    ("sound", {"sort": "newest"}),
    ("", {}),
    ("", {"area": ["hearing-health"]}),
    ("hearing", {"page": 2}),
    ('"hearing aid"', {}),
    ("loud*", {}),
    ("reverberaton~", {}),
    ("title:noise", {}),
    ("author:jensen", {}),
    ("hearing -noise", {}),
    ("speech OR music", {}),
    ("cochlear implant children", {}),
    ("vibration measurement", {}),
    ("klinik patienter", {"lang": ["da"]}),
    ("headphones", {"org": ["Nordlyd Acoustics A/S"]}),
    ("measurement", {}),
    ("listening test", {"area": ["audio-tech"], "lang": ["en"]}),
    ("acoustic", {"type": ["publication", "report"], "year_from": ["2020"]}),
]
LIST_FILTERS = ("area", "type", "org", "lang")


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))] * 1000

    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "n": len(ordered)}


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- child processes: one engine each ------------------------------------


def _pairs(q: str, options: dict) -> list[tuple[str, str]]:
    pairs = [("q", q)]
    for key, value in options.items():
        for v in value if isinstance(value, list) else [value]:
            pairs.append((key, str(v)))
    return pairs


def time_mix(run, passes: int = 1) -> list[float]:
    """Seconds each request of ``passes`` passes over :data:`MIX` took; ``run(q, options)`` answers one.

    Shared with ``bench/side_by_side.py``, which times one pass at a time, alternating checkouts.
    """
    samples = []
    for _ in range(passes):
        for q, options in MIX:
            t = time.perf_counter()
            run(q, options)
            samples.append(time.perf_counter() - t)
    return samples


def worker_lean(size: int, rounds: int) -> dict:
    from werkzeug.datastructures import MultiDict

    from web.hub import Hub
    from web.results import search_from_args

    hub = Hub.open(size_dir(size) / "data", taxonomy=str(TAXONOMY))
    rss_before = rss_mb()
    t0 = time.perf_counter()
    hub.pool.get().warm()
    open_s = time.perf_counter() - t0
    cold = time_mix(lambda q, options: search_from_args(hub, MultiDict(_pairs(q, options)), ("public",)))
    warm = time_mix(lambda q, options: search_from_args(hub, MultiDict(_pairs(q, options)), ("public",)), rounds)
    return {
        "open_s": open_s,
        "cold": percentiles(cold),
        "warm": percentiles(warm),
        "rss_mb": rss_mb(),
        "rss_index_mb": rss_mb() - rss_before,
    }


def worker_naive(size: int, rounds: int) -> dict:
    from whoosh import index as whoosh_index
    from whoosh.filedb import compound, structfile

    from bench.search_naive import naive_search

    # Stock Whoosh: undo search.engine.format.lean_files (imported with the bench's builders), so its
    # memory is what Whoosh itself takes (it copies each segment into memory).
    compound.BufferFile = structfile.BufferFile

    rss_before = rss_mb()
    ix = whoosh_index.open_dir(str(size_dir(size) / "naive-whoosh"))
    searcher = ix.searcher()
    samples = []
    for _ in range(rounds):
        for q, options in MIX:
            filters = {k: v for k, v in options.items() if k in LIST_FILTERS + ("year_from", "year_to")}
            t = time.perf_counter()
            naive_search(searcher, q, filters, options.get("sort", "relevance"), options.get("page", 1))
            samples.append(time.perf_counter() - t)
    return {"warm": percentiles(samples), "rss_mb": rss_mb(), "rss_index_mb": rss_mb() - rss_before}


def run_worker(kind: str, size: int, rounds: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--sizes", str(size), "--rounds", str(rounds)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, SKH_RESULT_CACHE="0"),
    )
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
        return {}
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- HTTP ------------------------------------------------------------------


def _url(base: str, q: str, options: dict) -> str:
    return f"{base}/api/search?{urllib.parse.urlencode(_pairs(q, options))}"


def free_port() -> int:
    """A port no one listens on now (others on this machine run servers too)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_rss_mb(pid: int) -> list[float]:
    """RSS of each serving process: the server itself, or its forked workers."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return [rss_mb(c) for c in children] or [rss_mb(pid)]


def http_bench(size: int, clients: int, rounds: int, port: int, workers: int) -> dict:
    port = port or free_port()
    data = str(size_dir(size) / "data")
    env = dict(os.environ, SKH_DATA_DIR=data, SKH_TAXONOMY=str(TAXONOMY), SKH_RESULT_CACHE="0", SKH_RATE_LIMIT="0")
    skh = Path(sys.executable).parent / "skh"
    command = [str(skh)] if skh.exists() else [sys.executable, "-m", "web.cli"]
    log_path = size_dir(size) / "serve.log"  # the server's own messages: a worker that died says why
    log = open(log_path, "w")  # noqa: SIM115 - open for the server's whole life, closed in ``finally``
    server = subprocess.Popen(
        command + ["serve", "--port", str(port), "--threads", str(clients), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    return {}
                time.sleep(0.3)
        samples: list[float] = []
        errors = 0
        first_error: list[str] = []
        lock = threading.Lock()

        def client(number: int, requests: int) -> None:
            nonlocal errors
            for k in range(requests):
                q, options = MIX[(number * 7 + k) % len(MIX)]
                t = time.perf_counter()
                try:
                    with urllib.request.urlopen(_url(base, q, options), timeout=300) as response:
                        response.read()
                    problem = ""
                except OSError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                with lock:
                    if not problem:
                        samples.append(time.perf_counter() - t)
                    else:
                        errors += 1
                        first_error[:] = first_error or [problem]

        def run_clients(requests: int) -> float:
            threads = [threading.Thread(target=client, args=(n, requests)) for n in range(clients)]
            t0 = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return time.perf_counter() - t0

        # Warm-up: every worker process builds its own columns and caches, so the
        # whole mix is sent by all clients at once (each worker sees most of it).
        run_clients(2 * len(MIX))
        samples.clear()
        errors = 0
        wall = run_clients(rounds * len(MIX))
        return {
            **percentiles(samples),
            "errors": errors,
            "first_error": first_error[0] if first_error else "",
            "per_s": len(samples) / wall,
            "rss_mb": max(worker_rss_mb(server.pid)),
            "workers": len(worker_rss_mb(server.pid)),
        }
    finally:
        stop(server)
        log.close()
        exits = [line for line in log_path.read_text().splitlines() if " exited " in line]
        if exits:
            print(f"  server workers that died and were replaced during the run: {exits} (see {log_path})")


# -- report ------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the mix (service)")
    parser.add_argument("--naive-rounds", type=int, default=1, help="passes over the mix (naive Whoosh)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=0, help="default: any free port")
    parser.add_argument("--workers", type=int, default=0, help="skh serve --workers (0: one per CPU)")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-naive", action="store_true")
    parser.add_argument("--worker", choices=("lean", "naive"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.worker:
        work = worker_lean if args.worker == "lean" else worker_naive
        print(json.dumps(work(sizes[0], args.rounds)))
        return 0

    print(f"search bench: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; mix of {len(MIX)}")
    print("(shared machine: other jobs on the same cores make timings noisy; result cache off: every request computed)")
    for size in sizes:
        lean = build_lean(size, log=lambda m: print(m, flush=True))
        naive = {} if args.no_naive else build_naive(size, log=lambda m: print(m, flush=True))
        ours = run_worker("lean", size, args.rounds)
        http = {} if args.no_http else http_bench(size, args.clients, max(1, args.rounds // 2), args.port, args.workers)
        base = {} if args.no_naive else run_worker("naive", size, args.naive_rounds)
        print(f"\n== {size:,} reports  ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
        print(
            f"ingest (service path): {lean['ingest_docs_per_s']:.0f} documents/s "
            f"({lean['documents']:,} in {lean['ingest_seconds']:.0f} s); index {lean['index_mb']:.0f} MB"
            + (f"; naive index {naive['index_mb']:.0f} MB" if naive else "")
        )
        print(f"{'full search, ms':34} {'p50':>9} {'p95':>9} {'p99':>9} {'n':>6} {'RSS MB':>8}  (RSS: per process)")
        rows = []
        if ours:
            rows.append(("service in-process (warm)", ours["warm"], ours["rss_mb"]))
            rows.append(("service in-process (first pass)", ours["cold"], None))
        if http:
            label = f"HTTP {args.clients} clients, {http['workers']} workers ({http['per_s']:.0f}/s)"
            rows.append((label, http, http["rss_mb"]))
        if base:
            rows.append(("naive Whoosh in-process", base["warm"], base["rss_mb"]))
        for label, p, rss in rows:
            memory = f"{rss:8.0f}" if rss else f"{'':8}"
            print(f"{label:34} {p['p50']:9.1f} {p['p95']:9.1f} {p['p99']:9.1f} {p['n']:6d} {memory}")
        if ours and base:
            print(
                f"ratio naive/service p95: {base['warm']['p95'] / ours['warm']['p95']:.0f}x  "
                f"(p50 {base['warm']['p50'] / ours['warm']['p50']:.0f}x)"
            )
        if ours:
            print(f"opening a searcher and building its columns: {ours['open_s']:.2f} s")
        if http and http["errors"]:
            print(f"HTTP errors: {http['errors']} (first: {http['first_error']})")
    return 0


def stop(server: subprocess.Popen, timeout: float = 20) -> None:
    """End a bench's ``skh serve``: terminate, and kill it if it has not gone within ``timeout`` s."""
    server.terminate()
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
