"""Soak bench: readers, writers and a rebuild at once against a real server, for a given time.

    python bench/soak_bench.py                          # 300 s, sample corpus + 3,000 generated reports
    python bench/soak_bench.py --seconds 20 --generated 0

On a temporary data directory seeded with the sample corpus (``skh seed``) and
``--generated`` synthetic reports (:mod:`bench.speed_corpus`, through ``skh
ingest``), it starts ``skh serve --workers 2`` on loopback (no result cache, no
rate limit) and runs, until ``--seconds`` have passed:

* 8 readers: ``/api/search`` over a mix of queries, one request after another;
* a command-line writer: every few seconds ``skh ingest`` of one small new file
  with a word of its own;
* a web uploader: a staff account logged in through the real form, uploading
  and publishing one small file at a time through the real forms (every other
  one visible to staff only), each with a word of its own;
* one ``skh reindex`` half-way through.

After each write it polls ``/api/search`` for the write's word (as staff for a
staff-only upload) until the document is found. It prints the errors (any
answer that is not 2xx/3xx, or a command that failed, by kind), the readers'
p50/p95, the time from a write's return until it is searchable (p95, max), the
longest write wait (a publish's whole request; for ``skh ingest``, the time it
says it waited for another writer, since the command's own start-up as a new
process is not a wait; its whole time is printed too) and how long the reindex
took. Every loop is bounded by the deadline; it talks to
127.0.0.1 only and stops by itself. Exit status 1 if there were errors or a
write never became searchable.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.search_bench import free_port, stop  # noqa: E402
from bench.soak_forms import LoopbackIsSecure, csrf, multipart, publish_form  # noqa: E402
from bench.soak_results import Results, report  # noqa: E402

READERS = 8
STAFF_EMAIL = "soak-staff@cluster.example"
STAFF_PASSWORD = "soak bench staff password"
SEARCHABLE_WITHIN = 60.0
"""A write not found by then counts as never searchable."""
POLL_SECONDS = 0.05

MIX = [
    "hearing",
    "hearing aids",
    "speech intelligibility",
    "loudspeaker distortion",
    "støj",
    "høreapparater",
    '"hearing aid"',
    "loud*",
    "reverberaton~",
    "title:noise",
    "",
    "measurement",
    "hearing -noise",
    "speech OR music",
]


def unique_word(prefix: str, number: int) -> str:
    """Letters only (so the analyser keeps it one token), different for every write of every run."""
    letters = string.ascii_lowercase
    n, out = number, []
    for _ in range(5):
        n, r = divmod(n, 26)
        out.append(letters[r])
    return f"{prefix}{''.join(out)}"


class Soak:
    def __init__(self, args: argparse.Namespace, data: Path):
        self.args = args
        self.data = data
        self.work = data.parent
        self.port = args.port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            SKH_DATA_DIR=str(data),
            SKH_RESULT_CACHE="0",
            SKH_RATE_LIMIT="0",
            PYTHONUNBUFFERED="1",
        )
        skh = Path(sys.executable).parent / "skh"
        self.skh = [str(skh)] if skh.exists() else [sys.executable, "-m", "web.cli"]
        self.results = Results()
        self.run_id = "".join(secrets.choice(string.ascii_lowercase) for _ in range(3))
        self.deadline = 0.0
        self.start = 0.0
        self.written: list[tuple[object, str]] = []
        """(the session that found it, its word) of every write found: checked again after the reindex."""

    # -- set-up -------------------------------------------------------------------------------------

    def skh_run(
        self, *args: str, stdin: str | None = None, timeout: float = 3600, workers: int = 0
    ) -> subprocess.CompletedProcess:
        """Run ``skh``; ``workers`` parser children if given (one small file needs one, not a pool of them)."""
        env = dict(self.env, SKH_INGEST_WORKERS=str(workers)) if workers else self.env
        return subprocess.run(
            self.skh + list(args), env=env, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=timeout
        )

    def seed(self) -> None:
        done = self.skh_run("seed", str(ROOT / "corpus" / "docs"))
        if done.returncode:
            raise SystemExit(f"skh seed failed: {done.stderr}")
        if self.args.generated:
            from bench.speed_corpus import write_corpus

            folder = self.work / "generated"
            write_corpus(folder, self.args.generated)
            t = time.perf_counter()
            done = self.skh_run("ingest", str(folder))
            print(f"ingested {self.args.generated:,} generated reports in {time.perf_counter() - t:.1f} s", flush=True)
            if done.returncode:
                raise SystemExit(f"skh ingest of the generated reports failed: {done.stderr[-2000:]}")
        done = self.skh_run("users", "add", STAFF_EMAIL, "--role", "staff", "--password-stdin", stdin=STAFF_PASSWORD)
        if done.returncode:
            raise SystemExit(f"skh users add failed: {done.stderr}")

    def start_server(self) -> subprocess.Popen:
        log = open(self.work / "serve.log", "w")  # noqa: SIM115 - the server's, closed with it
        server = subprocess.Popen(
            self.skh + ["serve", "--port", str(self.port), "--workers", str(self.args.workers)],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        limit = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=5).read()
                return server
            except OSError:
                if time.monotonic() > limit or server.poll() is not None:
                    server.kill()
                    raise SystemExit(f"the server did not start; see {self.work / 'serve.log'}") from None
                time.sleep(0.2)

    # -- HTTP -----------------------------------------------------------------------------------------

    def get(self, opener, path: str, kind: str) -> bytes | None:
        try:
            with opener.open(self.base + path, timeout=120) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            self.results.error(f"{kind} HTTP {exc.code}", f"{path}: {exc.read().decode(errors='replace')}")
        except OSError as exc:
            self.results.error(f"{kind} {type(exc).__name__}", f"{path}: {exc}")
        return None

    def found(self, opener, word: str) -> bool:
        body = self.get(opener, f"/api/search?q={word}", "poll")
        return body is not None and json.loads(body)["total"] >= 1

    def wait_searchable(self, opener, word: str, written_at: float) -> None:
        limit = written_at + SEARCHABLE_WITHIN
        while time.monotonic() < limit:
            if self.found(opener, word):
                self.written.append((opener, word))
                took = time.monotonic() - written_at
                with self.results.lock:
                    self.results.searchable.append(took)
                    self.results.searchable_log.append((round(written_at - self.start, 1), round(took, 2)))
                return
            time.sleep(POLL_SECONDS)
        with self.results.lock:
            self.results.never_searchable.append(word)

    # -- the load -------------------------------------------------------------------------------------

    def reader(self, number: int) -> None:
        opener = urllib.request.build_opener()
        k = number
        while time.monotonic() < self.deadline:
            query = urllib.parse.urlencode({"q": MIX[k % len(MIX)], "page": 1 + (k // len(MIX)) % 2})
            k += 1
            t = time.monotonic()
            if self.get(opener, f"/api/search?{query}", "read") is not None:
                took = time.monotonic() - t
                with self.results.lock:
                    self.results.reads.append(took)
                    self.results.read_log.append((round(t - self.start, 1), round(took, 3), query))

    def cli_writer(self) -> None:
        opener = urllib.request.build_opener()
        folder = self.work / "cli-writes"
        folder.mkdir(exist_ok=True)
        number = 0
        while time.monotonic() < self.deadline:
            word = unique_word(f"soakcli{self.run_id}", number)
            path = folder / f"{word}.txt"
            path.write_text(f"Soak note {word}\n\nA short field note about hearing, numbered {word}.\n")
            t = time.monotonic()
            done = self.skh_run("ingest", "--visibility", "public", str(path), timeout=600, workers=1)
            written = time.monotonic()
            self.note_write("ingest", t, written)
            waited = sum(float(m) for m in re.findall(r"waited (\d+(?:\.\d+)?) s for another writer", done.stderr))
            with self.results.lock:
                self.results.ingest_lock_waits.append(waited)
            if done.returncode:
                self.results.error("ingest exit status", done.stderr)
            else:
                self.wait_searchable(opener, word, written)
            number += 1
            pause_until = written + self.args.write_every
            while time.monotonic() < min(pause_until, self.deadline):
                time.sleep(0.1)

    def login(self):
        jar = http.cookiejar.CookieJar(policy=LoopbackIsSecure())
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = (self.get(opener, "/login", "login") or b"").decode()
        form = {"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": csrf(page)}
        self.post(opener, "/login", urllib.parse.urlencode(form).encode(), "login")
        return opener

    def post(self, opener, path: str, body: bytes, kind: str, content_type: str = "") -> str | None:
        headers = {"Content-Type": content_type or "application/x-www-form-urlencoded"}
        request = urllib.request.Request(self.base + path, data=body, headers=headers, method="POST")
        try:
            with opener.open(request, timeout=120) as response:
                return response.read().decode()
        except urllib.error.HTTPError as exc:
            self.results.error(f"{kind} HTTP {exc.code}", exc.read().decode(errors="replace"))
        except OSError as exc:
            self.results.error(f"{kind} {type(exc).__name__}", str(exc))
        return None

    def uploader(self) -> None:
        opener = self.login()
        number = 0
        while time.monotonic() < self.deadline:
            word = unique_word(f"soakweb{self.run_id}", number)
            visibility = "staff" if number % 2 else "public"
            number += 1
            text = f"---\ntitle: Soak upload {word}\ntype: report\n---\n# Soak upload\n\nListening test notes {word}.\n"
            page = (self.get(opener, "/upload", "upload form") or b"").decode()
            fields = [("csrf_token", csrf(page)), ("visibility", visibility)]
            body, content_type = multipart(fields, "files", f"{word}.md", text.encode())
            review = self.post(opener, "/upload", body, "upload", content_type)
            if review is None:
                time.sleep(min(self.args.write_every, max(0.0, self.deadline - time.monotonic())))
                continue
            t = time.monotonic()
            done = self.post(opener, "/upload/publish", publish_form(review, visibility), "publish")
            written = time.monotonic()
            self.note_write("publish", t, written)
            if done is not None:
                self.wait_searchable(opener, word, written)
            pause_until = written + self.args.write_every
            while time.monotonic() < min(pause_until, self.deadline):
                time.sleep(0.1)

    def note_write(self, kind: str, started: float, ended: float) -> None:
        with self.results.lock:
            self.results.write_waits[kind].append(ended - started)
            self.results.write_log.append((kind, round(started - self.start, 1), round(ended - started, 2)))

    def reindexer(self, start_at: float) -> None:
        while time.monotonic() < start_at:
            time.sleep(0.1)
        t = time.monotonic()
        done = self.skh_run("reindex", timeout=3600)
        self.results.reindex = {
            "started_at_s": round(t - self.start, 1),
            "seconds": round(time.monotonic() - t, 1),
            "output": done.stdout.strip(),
            "messages": done.stderr.strip().splitlines()[-3:],
        }
        if done.returncode:
            self.results.error("reindex exit status", done.stderr)

    def run(self) -> Results:
        self.seed()
        server = self.start_server()
        try:
            start = self.start = time.monotonic()
            self.deadline = start + self.args.seconds
            threads = [threading.Thread(target=self.reader, args=(n,), daemon=True) for n in range(READERS)]
            threads += [
                threading.Thread(target=self.cli_writer, daemon=True),
                threading.Thread(target=self.uploader, daemon=True),
            ]
            if self.args.reindex_at >= 0:
                at = start + self.args.seconds * self.args.reindex_at
                threads.append(threading.Thread(target=self.reindexer, args=(at,), daemon=True))
            for thread in threads:
                thread.start()
            for thread in threads:  # each stops at the deadline, a write's poll within SEARCHABLE_WITHIN more
                thread.join(timeout=self.args.seconds + SEARCHABLE_WITHIN + 3600)
            self.results.reindex.setdefault("seconds", None)
            # Once the rebuilt index is live, every write found before must still be found.
            self.results.lost_after_reindex = [word for opener, word in self.written if not self.found(opener, word)]
        finally:
            stop(server)
        return self.results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--generated", type=int, default=3000, help="synthetic reports seeded besides the corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-every", type=float, default=3.0, help="seconds between one writer's writes")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--reindex-at", type=float, default=0.4, help="when to start `skh reindex`, as a share of the run (<0: none)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="skh-soak-"))
    try:
        results = Soak(args, work / "data").run()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    figures = report(results, args.seconds)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")
    return 1 if figures["errors"] or figures["never_searchable"] or figures["lost_after_reindex"] else 0


if __name__ == "__main__":
    sys.exit(main())
