"""Hostile queries against a real server: does one visitor's worst query slow everyone else?

    python bench/hostile_bench.py                                # the sample corpus, 10 s per phase
    python bench/hostile_bench.py --data-dir DIR --seconds 60    # an existing data dir

Starts ``skh serve`` on loopback (result cache and rate limit off, so every
request is computed and none is refused for its rate), then runs the ordinary
query mix of :mod:`bench.search_bench` with ``--clients`` threads for
``--seconds``, first alone, then while ``--attackers`` threads send the worst
queries of the language (fuzzy ``~999``, one-letter prefixes, ``*``, many
clauses and ORs, long input, ranges). Prints the worst single hostile request,
the ordinary p50/p95 without and during the attack, and status counts. A 503
is the service saying "too expensive" (:mod:`search.limits`) and is counted
apart from other 5xx, which are failures. Every loop is bounded by the clock
and the server is stopped at the end. Exits 1 when any request got a 5xx
other than 503 or no ordinary request was answered; timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.search_bench import MIX, free_port, percentiles, stop  # noqa: E402

TAXONOMY = ROOT / "corpus" / "areas.toml"
HOSTILE: list[str] = [
    "listening~999999",
    "microphone~999",
    "a~2 e~2 i~2 o~2 s~2",
    "a*",
    "s* t* c* p*",
    "*",
    "*a*",
    "*ing",
    " OR ".join(f"{c}*" for c in "abcdefghijklmnoprstuv"),
    " OR ".join(["hearing", "noise", "sound", "audio", "speech", "music", "room", "test"] * 12),
    "hearing " * 200,
    "x" * 5000,
    "(" * 300 + "noise" + ")" * 300,
    '"' + " ".join(["the sound of the room"] * 40) + '"',
    "year:[1900 TO 3000]",
    "title:[a TO z]",
    "[a TO zzzz]",
    "year:>=1000 a* OR b* OR c~2",
]
"""The worst queries the language allows, each a different way to ask for unbounded work."""


def _url(base: str, q: str, options: dict) -> str:
    pairs = [("q", q)]
    for key, value in options.items():
        for v in value if isinstance(value, list) else [value]:
            pairs.append((key, str(v)))
    return f"{base}/api/search?{urllib.parse.urlencode(pairs)}"


def _get(url: str, timeout: float) -> tuple[int, float]:
    """Status (0: no answer) and seconds."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = 0
    return status, time.perf_counter() - started


class Tally:
    def __init__(self):
        self.times: list[float] = []
        self.status: Counter[int] = Counter()
        self.worst = (0.0, "")
        self.lock = threading.Lock()

    def add(self, status: int, seconds: float, q: str) -> None:
        with self.lock:
            self.status[status] += 1
            if status == 200:
                self.times.append(seconds)
            if seconds > self.worst[0]:
                self.worst = (seconds, q)


def run_phase(base: str, seconds: float, clients: int, attackers: int, timeout: float) -> tuple[Tally, Tally]:
    ordinary, hostile = Tally(), Tally()
    stop_at = time.monotonic() + seconds

    def ordinary_client(number: int) -> None:
        k = number * 7
        while time.monotonic() < stop_at:
            q, options = MIX[k % len(MIX)]
            ordinary.add(*_get(_url(base, q, options), timeout), q)
            k += 1

    def attacker(number: int) -> None:
        k = number * 5
        while time.monotonic() < stop_at:
            q = HOSTILE[k % len(HOSTILE)]
            hostile.add(*_get(_url(base, q, {}), timeout), q[:60])
            k += 1

    threads = [threading.Thread(target=ordinary_client, args=(n,)) for n in range(clients)]
    threads += [threading.Thread(target=attacker, args=(n,)) for n in range(attackers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ordinary, hostile


def sample_data_dir(folder: Path, skh: list[str], env: dict) -> Path:
    """The sample corpus (``corpus/docs``) ingested into a fresh data dir."""
    data = folder / "data"
    subprocess.run(
        skh + ["ingest", str(ROOT / "corpus" / "docs")],
        env=dict(env, SKH_DATA_DIR=str(data)),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return data


def _describe(label: str, tally: Tally) -> str:
    p = percentiles(tally.times) if tally.times else {"p50": 0.0, "p95": 0.0, "n": 0}
    statuses = ", ".join(f"{code or 'no answer'}: {n}" for code, n in sorted(tally.status.items()))
    return f"{label:30} p50 {p['p50']:8.1f} ms  p95 {p['p95']:8.1f} ms  answered {p['n']:5d}  statuses {{{statuses}}}"


def failures(*tallies: Tally) -> int:
    """Requests answered with a 5xx other than 503 ("too expensive"), or not answered at all."""
    return sum(n for t in tallies for code, n in t.status.items() if code == 0 or (code >= 500 and code != 503))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: the sample corpus in a temp dir")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--clients", type=int, default=4, help="ordinary client threads")
    parser.add_argument("--attackers", type=int, default=4, help="hostile client threads")
    parser.add_argument("--workers", type=int, default=1, help="skh serve --workers")
    parser.add_argument("--threads", type=int, default=8, help="skh serve --threads")
    parser.add_argument("--timeout", type=float, default=120.0, help="client timeout per request, seconds")
    args = parser.parse_args(argv)

    skh_path = Path(sys.executable).parent / "skh"
    skh = [str(skh_path)] if skh_path.exists() else [sys.executable, "-m", "web.cli"]
    env = dict(os.environ, SKH_TAXONOMY=str(TAXONOMY), SKH_RESULT_CACHE="0", SKH_RATE_LIMIT="0")
    with tempfile.TemporaryDirectory(prefix="skh-hostile-") as tmp:
        data = args.data_dir or sample_data_dir(Path(tmp), skh, env)
        port = free_port()
        log_path = Path(tmp) / "serve.log"
        with open(log_path, "w") as log:
            server = subprocess.Popen(
                skh + ["serve", "--host", "127.0.0.1", "--port", str(port)]
                + ["--threads", str(args.threads), "--workers", str(args.workers)],
                env=dict(env, SKH_DATA_DIR=str(data)),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            try:
                started = time.monotonic()
                while _get(f"{base}/healthz", 5)[0] != 200:
                    if server.poll() is not None or time.monotonic() - started > 120:
                        print(log_path.read_text()[-2000:], file=sys.stderr)
                        return 1
                    time.sleep(0.3)
                run_phase(base, min(2.0, args.seconds), args.clients, 0, args.timeout)  # warm-up
                alone, _ = run_phase(base, args.seconds, args.clients, 0, args.timeout)
                during, hostile = run_phase(base, args.seconds, args.clients, args.attackers, args.timeout)
            finally:
                stop(server)
        tracebacks = log_path.read_text().count("Traceback")
    print(
        f"hostile bench: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; "
        f"data {args.data_dir or 'sample corpus'}; "
        f"{args.clients} ordinary clients, {args.attackers} attackers, {args.seconds:g} s per phase, "
        f"{args.workers} worker(s) x {args.threads} threads"
    )
    print(_describe("ordinary, alone", alone))
    print(_describe("ordinary, during the attack", during))
    print(_describe("hostile", hostile))
    print(f"worst hostile request: {hostile.worst[0] * 1000:.0f} ms ({hostile.worst[1]!r})")
    print(f"worst ordinary request during the attack: {during.worst[0] * 1000:.0f} ms ({during.worst[1]!r})")
    bad = failures(alone, during, hostile)
    print(f"failures (5xx other than 503, or no answer): {bad}; tracebacks in the server log: {tracebacks}")
    return 1 if bad or tracebacks or not alone.times else 0


if __name__ == "__main__":
    sys.exit(main())
