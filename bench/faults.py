"""Load and fault scripts: `make bench-faults` (or `python bench/faults.py SCENARIO`).

  editing   60 s of 32 concurrent readers (home, lists, details, feeds, sitemap, search)
            while an editor process publishes, corrects, withdraws and unpublishes
            statements; counts 5xx (must be 0) and checks that every revision the editor
            wrote is in the database afterwards, and that every worker stops serving
            what the editor unpublished. On SQLite with the cache folder (the default
            without Redis); `editing-production` does the same on a throwaway
            PostgreSQL cluster and Redis server of the script's own.
  postgres  the same readers against a throwaway PostgreSQL cluster of this script's own
            (initdb in a temporary folder, on a free port; never the shared server),
            restarted mid-run; errors must fall inside the outage, and the same gunicorn
            workers must serve again afterwards (CONN_HEALTH_CHECKS), no restart.
  redis     readers with the page cache in a Redis server of this script's own, stopped
            mid-run: pages must go on being served.

Prints a Markdown section for bench/RESULTS.md. Durations: FAULT_SECONDS (default 60
for editing, 30 for the fault scenarios).
"""

import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import GUNICORN, PYTHON, ROOT, base_environment, free_port, manage  # noqa: E402

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
CONCURRENCY = 32


def environment(database_url, **extra):
    return base_environment(database_url, DJANGO_LOG_LEVEL="WARNING", PRESSOFFICE_LOGIN_THROTTLING="off", **extra)


class Gunicorn:
    def __init__(self, env, workers=2):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="faults-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [GUNICORN, "pressoffice.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "critical", "--timeout", "30"],
            cwd=ROOT, env=env, stderr=self.log,
        )  # fmt: skip
        for _ in range(150):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def workers(self) -> list[int]:
        out = subprocess.run(["ps", "--ppid", str(self.process.pid), "-o", "pid="], capture_output=True, text=True)
        return sorted(int(pid) for pid in out.stdout.split())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()

    def log_summary(self) -> str:
        """Log lines by level and event, from the JSON lines the workers wrote."""
        counts = Counter()
        for line in Path(self.log.name).read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            counts[f"{entry.get('level')} {entry.get('event') or entry.get('logger')}"] += 1
        Path(self.log.name).unlink(missing_ok=True)
        return ", ".join(f"{key}: {count}" for key, count in sorted(counts.items())) or "none"


class Readers:
    """CONCURRENCY threads fetching the given paths in turn; every response's time and
    status is recorded (0 = no answer: connection refused or reset)."""

    def __init__(self, port, paths):
        self.port, self.paths = port, paths
        self.records, self.lock, self.stopping = [], threading.Lock(), threading.Event()
        self.started = time.monotonic()

    def _run(self, seed):
        chooser = random.Random(seed)
        while not self.stopping.is_set():
            path = chooser.choice(self.paths)
            status = 0
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
                connection.close()
            except OSError:
                time.sleep(0.05)
            with self.lock:
                self.records.append((time.monotonic() - self.started, status, path))

    def run(self, seconds, during=None):
        threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(CONCURRENCY)]
        for thread in threads:
            thread.start()
        if during:
            during()
        remaining = seconds - (time.monotonic() - self.started)
        if remaining > 0:
            time.sleep(remaining)
        self.stopping.set()
        for thread in threads:
            thread.join(timeout=30)
        return self.records


def reader_paths(port) -> list[str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/sitemap.xml")
    sitemap = connection.getresponse().read().decode()
    details = [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    details = [path for path in details if "/statements/" in path][:40]
    return [
        "/en/",
        "/fa/",
        "/en/statements/",
        "/en/statements/?page=2",
        "/en/statements/?q=talks",
        "/en/feeds/statements.rss",
        "/en/feeds/statements.atom",
        "/en/feeds/statements.json",
        "/api/ninjs/statements/",
        "/sitemap.xml",
        *details,
    ]


EDITOR = r"""
import datetime, json, os, sys, time, django
django.setup()
from statements import workflow
from statements.models import Revision, Statement, Translation, Person
from django.contrib.auth.models import Group, User

def staff(name, group):
    user, _ = User.objects.get_or_create(username=name, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)

editor, publisher = staff("fault-editor", "Editor"), staff("fault-publisher", "Publisher")
person = Person.objects.order_by("pk").first()
deadline = time.monotonic() + float(sys.argv[1])
run = sys.argv[2]
written, actions, gone, live = 0, {}, [], None
def did(name):
    actions[name] = actions.get(name, 0) + 1
n = 0
while time.monotonic() < deadline:
    n += 1
    statement = Statement.objects.create(occurred_on=datetime.date(2024, 5, 1), location=f"fault-run-{run}",
                                         original_language="en")
    statement.participations.create(person=person, position=0)
    version = Translation(statement=statement, language="en")
    workflow.save_draft(translation=version, actor=editor, title=f"Fault-run talks {run} {n}", standfirst="",
                        body="First paragraph.\n\nSecond paragraph.", base_revision=0); written += 1
    workflow.submit_for_review(translation=version, actor=editor); did("submitted")
    workflow.publish(translation=version, actor=publisher); did("published")
    workflow.save_draft(translation=version, actor=editor, title=f"Fault-run talks {run} {n}", standfirst="",
                        body="First paragraph, corrected.\n\nSecond paragraph.", base_revision=1,
                        is_major=True, change_note="Corrected the first paragraph."); written += 1
    workflow.submit_for_review(translation=version, actor=editor)
    workflow.publish(translation=version, actor=publisher, major=True, change_note="Corrected.")
    did("corrected")
    if n % 2:
        workflow.withdraw(translation=version, actor=publisher, explanation="Superseded."); did("withdrawn")
    if n % 3 == 0:
        workflow.unpublish(translation=version, actor=publisher, reason="published_in_error"); did("unpublished")
        gone.append(version.get_absolute_url())
    if n % 2 == 0 and n % 3:
        live = version.title
stored = Revision.objects.filter(translation__statement__location=f"fault-run-{run}").count()
print(json.dumps({"written": written, "stored": stored, "statements": n, "actions": actions, "gone": gone[-30:],
                  "live": live}))
"""


def run_editor(env, seconds, run_id):
    return subprocess.Popen(
        [PYTHON, "-c", EDITOR, str(seconds), run_id],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def summarise(records, seconds):
    statuses = Counter(status for _t, status, _p in records)
    server_errors = sum(count for status, count in statuses.items() if status >= 500 or status == 0)
    return statuses, server_errors, len(records) / seconds


def timeline(records, width=1.0):
    buckets = {}
    for moment, status, _path in records:
        key = int(moment // width)
        bucket = buckets.setdefault(key, Counter())
        bucket["ok" if 0 < status < 500 else "error"] += 1
    return buckets


def prepare(env, statements=300):
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "load_demo", "-v0")
    manage(env, "generate_demo", "--statements", str(statements), "--languages", "en,fa", "--seed", "3")


# Scenarios -----------------------------------------------------------------------------


def editing(seconds):
    folder = Path(tempfile.mkdtemp(prefix="faults-"))
    try:
        env = environment(f"sqlite:///{folder / 'db.sqlite3'}", PRESSOFFICE_PAGE_CACHE="true")
        return _editing(seconds, env, "SQLite, page cache in the shared cache folder")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def editing_production(seconds):
    """The same on the production stack: PostgreSQL and Redis, each a throwaway of ours."""
    cluster, redis_server = ThrowawayPostgres(), ThrowawayRedis()
    try:
        env = environment(cluster.url(), PRESSOFFICE_PAGE_CACHE="true", REDIS_URL=redis_server.url())
        return _editing(seconds, env, "PostgreSQL, page cache in Redis")
    finally:
        redis_server.stop()
        cluster.destroy()


def _editing(seconds, env, label):
    prepare(env)
    server = Gunicorn(env)
    try:
        paths = reader_paths(server.port)
        editor = run_editor(env, seconds - 2, "editing")
        records = Readers(server.port, paths).run(seconds)
        report = json.loads(editor.communicate(timeout=120)[0].strip().splitlines()[-1])
        # Every worker must know at once what the editor process took down: each of the
        # last unpublished pages, asked several times (both workers), must be gone.
        stale = 0
        for path in report["gone"]:
            for _attempt in range(4):
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
                connection.request("GET", path)
                stale += connection.getresponse().status != 410
        # ... and the newest statement it left live must be in the feed every worker serves
        # (a worker with its own stale cache would still be serving an older feed).
        for _attempt in range(4):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
            connection.request("GET", "/en/feeds/statements.json")
            titles = [item["title"] for item in json.loads(connection.getresponse().read())["items"]]
            stale += report["live"] not in titles
    finally:
        server.stop()
    logs = server.log_summary()
    statuses, errors, rate = summarise(records, seconds)
    lines = [
        f"### Readers while an editor works ({seconds} s, {CONCURRENCY} readers, {label})",
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests | {len(records)} ({rate:.0f}/s) |",
        f"| statuses | {', '.join(f'{s}: {c}' for s, c in sorted(statuses.items()))} |",
        f"| 5xx or no answer | **{errors}** |",
        f"| editor: statements / actions | {report['statements']} / {report['actions']} |",
        f"| revisions written / found afterwards | {report['written']} / {report['stored']} |",
        f"| stale answers afterwards: last {len(report['gone'])} unpublished pages and the feed, 4 asks each"
        f" | **{stale}** |",
        f"| server log lines | {logs} |",
    ]
    ok = errors == 0 and report["written"] == report["stored"] and stale == 0
    return lines, ok


class ThrowawayRedis:
    """A Redis server of our own on a free port, keeping nothing on disk."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="faults-redis-"))
        self.port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(0.5)

    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class ThrowawayPostgres:
    """A cluster of our own: initdb into a temporary folder, a free port, run as the
    postgres user (PostgreSQL refuses root)."""

    def __init__(self):
        if PG_BIN is None:
            raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _run(self, tool, *args):
        subprocess.run([*self.as_postgres, str(PG_BIN / tool), *args], check=True, capture_output=True)

    def _ctl(self, *args):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w", *args)

    def start(self):
        self._ctl("start")

    def restart(self):
        self._ctl("restart", "-m", "fast")

    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def destroy(self):
        try:
            self._ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def postgres(seconds):
    cluster = ThrowawayPostgres()
    try:
        env = environment(cluster.url(), PRESSOFFICE_PAGE_CACHE="false")
        prepare(env)
        server = Gunicorn(env)
        outage = {}
        try:
            paths = reader_paths(server.port)
            before = server.workers()
            readers = Readers(server.port, paths)

            def restart_mid_run():
                time.sleep(seconds / 3)
                outage["start"] = time.monotonic() - readers.started
                cluster.restart()
                outage["end"] = time.monotonic() - readers.started

            records = readers.run(seconds, during=restart_mid_run)
            after = server.workers()
        finally:
            server.stop()
        logs = server.log_summary()
    finally:
        cluster.destroy()
    statuses, errors, rate = summarise(records, seconds)
    failed = [moment for moment, status, _p in records if status == 0 or status >= 500]
    # A request that started before the restart may end with an error just after it.
    outside = [m for m in failed if not outage["start"] - 0.5 <= m <= outage["end"] + 2.0]
    recovered = [m for m, status, _p in records if m > outage["end"] + 2.0 and 0 < status < 500]
    after_end = [r for r in records if r[0] > outage["end"] + 2.0]
    lines = [
        f"### PostgreSQL restarted mid-run ({seconds} s, {CONCURRENCY} readers,"
        f" throwaway cluster on port {cluster.port}, page cache off)",
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests | {len(records)} ({rate:.0f}/s) |",
        f"| statuses | {', '.join(f'{s}: {c}' for s, c in sorted(statuses.items()))} |",
        f"| restart (pg_ctl restart -m fast) | {outage['start']:.1f} s → {outage['end']:.1f} s |",
        f"| errors (503 or no answer) | {errors}, first at {min(failed, default=0):.1f} s,"
        f" last at {max(failed, default=0):.1f} s |",
        f"| errors outside the outage (+2 s) | **{len(outside)}** |",
        f"| answered after the outage | {len(recovered)} of {len(after_end)} |",
        f"| gunicorn workers before / after | {before} / {after} (same processes: {before == after}) |",
        f"| server log lines | {logs} |",
    ]
    ok = not outside and recovered and len(recovered) == len(after_end) and before == after
    return lines, ok


def redis(seconds):
    folder = Path(tempfile.mkdtemp(prefix="faults-"))
    redis_server = ThrowawayRedis()
    env = environment(
        f"sqlite:///{folder / 'db.sqlite3'}", PRESSOFFICE_PAGE_CACHE="true", REDIS_URL=redis_server.url()
    )
    try:
        prepare(env)
        server = Gunicorn(env)
        stop = {}
        try:
            paths = reader_paths(server.port)
            readers = Readers(server.port, paths)

            def stop_redis():
                time.sleep(seconds / 3)
                stop["at"] = time.monotonic() - readers.started
                redis_server.stop()

            records = readers.run(seconds, during=stop_redis)
        finally:
            server.stop()
        logs = server.log_summary()
    finally:
        redis_server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    statuses, errors, rate = summarise(records, seconds)
    before = [r for r in records if r[0] < stop["at"]]
    after = [r for r in records if r[0] >= stop["at"]]
    served_after = sum(1 for r in after if 0 < r[1] < 500)
    rate_before = len(before) / stop["at"]
    rate_after = len(after) / (seconds - stop["at"])
    lines = [
        f"### Redis stopped mid-run ({seconds} s, {CONCURRENCY} readers, SQLite, page cache in Redis)",
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests | {len(records)} ({rate:.0f}/s) |",
        f"| statuses | {', '.join(f'{s}: {c}' for s, c in sorted(statuses.items()))} |",
        f"| Redis stopped at | {stop['at']:.1f} s |",
        f"| 5xx or no answer | **{errors}** |",
        f"| served after the stop | {served_after} of {len(after)} |",
        f"| requests/s with Redis / without | {rate_before:.0f} / {rate_after:.0f}"
        f" (ratio {rate_after / rate_before:.2f}) |",
        f"| server log lines | {logs} |",
    ]
    return lines, errors == 0 and served_after == len(after) and after


SCENARIOS = {
    "editing": (editing, 60),
    "editing-production": (editing_production, 60),
    "postgres": (postgres, 30),
    "redis": (redis, 30),
}


def main():
    chosen = sys.argv[1:] or list(SCENARIOS)
    failed = []
    for name in chosen:
        function, default = SCENARIOS[name]
        seconds = int(os.environ.get("FAULT_SECONDS", default))
        lines, ok = function(seconds)
        print("\n".join(lines) + f"\n\nResult: {'pass' if ok else 'FAIL'}\n", flush=True)
        if not ok:
            failed.append(name)
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
