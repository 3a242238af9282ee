"""Publish surge: `make bench-surge N=10000` (or `python bench/surge.py`).

Readers (wrk, 16 connections) pick at random among the home page, list pages 1-5, the
three feeds, 10 topic lists and their RSS feeds, 20 person pages and 300 statement pages
spread over the archive; 30 s with nobody publishing, then 30 s while a publisher process
publishes one reviewed version every 5 s (each about a topic and a person of the
archive, so real lists and feeds change). Cached in Redis, 2 gunicorn workers, a task
worker beside them. `VARNISH=1`: the same with varnishd (deploy/varnish/default.vcl) in
front, purged by tag; also prints Varnish's hit ratio. Targets (issue 17): requests/s
while publishing ≥ 0.8 × quiet, p99 ≤ 2 × quiet.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import PYTHON, REDIS, ROOT, Server, environment, free_port, prepare  # noqa: E402

SECONDS = int(os.environ.get("SURGE_SECONDS", "30"))
EVERY = float(os.environ.get("SURGE_EVERY", "5"))

SETUP = r"""
import json, random, sys, django
django.setup()
from django.contrib.auth.models import Group, User
from statements import workflow
from statements.models import Person, Statement, Topic, Translation
count = int(sys.argv[1])
chooser = random.Random(11)
def staff(name, group):
    user, _ = User.objects.get_or_create(username=name, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)
editor = staff("surge-editor", "Editor")
public = Translation.objects.public().filter(language="en")
topics = list(Topic.objects.filter(statements__translations__in=public).distinct().order_by("slug")[:10])
people = list(Person.objects.filter(participations__statement__translations__in=public).distinct().order_by("pk")[:20])
ready = []
for n in range(count):
    statement = Statement.objects.create(occurred_on=public.order_by("-occurred_on").first().occurred_on,
                                         original_language="en")
    statement.participations.create(person=chooser.choice(people), position=0)
    statement.topics.add(chooser.choice(topics))
    version = Translation(statement=statement, language="en")
    workflow.save_draft(translation=version, actor=editor, title=f"Surge readout {n}", standfirst="Talks.",
                        body="A paragraph of the readout.\n\nAnother paragraph.", base_revision=0)
    workflow.submit_for_review(translation=version, actor=editor)
    ready.append(version.pk)
ids = list(public.order_by("pk").values_list("pk", flat=True))
step = max(1, len(ids) // 300)
details = [Translation.objects.get(pk=pk).get_absolute_url() for pk in ids[::step][:300]]
paths = ["/en/"] + [f"/en/statements/?page={n}" if n > 1 else "/en/statements/" for n in range(1, 6)]
paths += ["/en/feeds/statements.rss", "/en/feeds/statements.atom", "/en/feeds/statements.json"]
for topic in topics:
    paths += [f"/en/topics/{topic.slug}/", f"/en/topics/{topic.slug}/feed.rss"]
paths += [f"/en/people/{person.slug}/" for person in people]
paths += details
print(json.dumps({"ready": ready, "paths": paths}))
"""

PUBLISHER = r"""
import sys, time, django
django.setup()
from django.contrib.auth.models import Group, User
from statements import workflow
from statements.models import Translation
user, _ = User.objects.get_or_create(username="surge-publisher", defaults={"is_staff": True})
user.groups.add(Group.objects.get(name="Publisher"))
publisher = User.objects.get(pk=user.pk)
every, ids = float(sys.argv[1]), [int(pk) for pk in sys.argv[2].split(",")]
started = time.monotonic()
for n, pk in enumerate(ids):
    time.sleep(max(0, started + n * every - time.monotonic()))
    workflow.publish(translation=Translation.objects.get(pk=pk), actor=publisher)
    print("published", pk, flush=True)
"""

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("SURGE_PATHS")) do paths[#paths + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Encoding"] = "gzip"})
end
"""


def fetch(url) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own servers
        return response.read().decode()


def wrk(base, script, seconds, paths_file):
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "10s", "-s", script, base],
        capture_output=True,
        text=True,
        env={**os.environ, "SURGE_PATHS": paths_file},
    ).stdout

    def percentile(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": percentile("50"),
        "p99": percentile("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


class Varnish:
    def __init__(self, folder: Path, backend_port: int, port: int):
        self.port, self.folder = port, folder
        vcl = (
            (ROOT / "deploy" / "varnish" / "default.vcl")
            .read_text()
            .replace('.port = "8000";', f'.port = "{backend_port}";')
        )
        (folder / "default.vcl").write_text(vcl)
        self.process = subprocess.Popen(
            [shutil.which("varnishd") or "/usr/sbin/varnishd", "-F", "-j", "none", "-n", str(folder / "work"),
             "-a", f"127.0.0.1:{self.port}", "-f", str(folder / "default.vcl"), "-s", "malloc,512m", "-T", "none"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)  # noqa: S310
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("varnishd did not start")

    def counters(self) -> dict:
        out = subprocess.run(
            ["varnishstat", "-n", str(self.folder / "work"), "-1", "-f", "MAIN.cache_hit", "-f", "MAIN.cache_miss",
             "-f", "MAIN.cache_hit_grace", "-f", "MAIN.n_obj_purged"],
            capture_output=True, text=True,
        ).stdout  # fmt: skip
        return {line.split()[0]: int(line.split()[1]) for line in out.splitlines() if line.strip()}

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def main():
    count = int(os.environ.get("N", "10000"))
    use_varnish = os.environ.get("VARNISH", "") not in ("", "0")
    folder = Path(tempfile.mkdtemp(prefix="surge-"))
    database_url = f"sqlite:///{folder}/surge.sqlite3"
    seconds = prepare(database_url, count)
    env = environment(database_url, cached=True)
    env.update(PRESSOFFICE_TASKS="database", DJANGO_LOG_LEVEL="ERROR")
    varnish_port = free_port() if use_varnish else None
    if use_varnish:
        env["PRESSOFFICE_PURGE_URLS"] = f"http://127.0.0.1:{varnish_port}/"
    publications = int(SECONDS / EVERY) + 2
    setup = subprocess.run([PYTHON, "-c", SETUP, str(publications)], cwd=ROOT, env=env, capture_output=True, text=True)
    if setup.returncode:
        raise SystemExit(setup.stderr[-3000:])
    plan = json.loads(setup.stdout.strip().splitlines()[-1])
    paths_file = folder / "paths.txt"
    paths_file.write_text("\n".join(plan["paths"]) + "\n")
    script = folder / "surge.lua"
    script.write_text(LUA)
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], capture_output=True)
    server = Server(env)
    # The task worker (SURGE_WORKER=0 leaves it out, to see what it costs readers).
    command = [PYTHON, "manage.py", "worker"] if os.environ.get("SURGE_WORKER", "1") != "0" else ["sleep", "86400"]
    worker_log = open(os.environ.get("SURGE_WORKER_LOG", os.devnull), "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT,
                              start_new_session=True)  # fmt: skip
    varnish = None
    try:
        if use_varnish:
            varnish = Varnish(folder, server.port, varnish_port)
            base = f"http://127.0.0.1:{varnish.port}"
        else:
            base = f"http://127.0.0.1:{server.port}"
        for path in plan["paths"]:  # every page once: the quiet phase measures a warm site
            urllib.request.urlopen(base + path).read()  # noqa: S310 - our own server
        before = varnish.counters() if varnish else None
        quiet = wrk(base, str(script), SECONDS, str(paths_file))
        middle = varnish.counters() if varnish else None
        publisher = subprocess.Popen(
            [PYTHON, "-c", PUBLISHER, str(EVERY), ",".join(map(str, plan["ready"]))],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        busy = wrk(base, str(script), SECONDS, str(paths_file))
        publisher.send_signal(signal.SIGTERM)
        published = publisher.communicate(timeout=60)[0].count("published")
        after = varnish.counters() if varnish else None
        # The newest publication is on the list and in the feed readers get (through the
        # front when there is one), within a second of the run's end.
        newest = f"Surge readout {published - 1}"
        deadline, seen = time.monotonic() + 1, False
        while not seen and time.monotonic() < deadline:
            seen = all(newest in fetch(base + path) for path in ("/en/statements/", "/en/feeds/statements.rss"))
    finally:
        if varnish:
            varnish.stop()
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        worker_log.close()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    label = "behind Varnish" if use_varnish else "cached in Redis, no Varnish"
    made = f"generated in {seconds:.0f} s" if seconds else "data set copied from BENCH_DATA"
    print(f"### Publish surge, N = {count} ({label}; {made})\n")
    print(
        f"{len(plan['paths'])} paths, 16 connections, {SECONDS} s per phase; {published} publications; "
        f"the last on the list and feed readers get within a second: {'yes' if seen else 'NO'}.\n"
    )
    print("| phase | requests/s | p50 ms | p99 ms | non-2xx | × quiet (req/s) | × quiet (p99) |")
    print("|---|---|---|---|---|---|---|")
    for name, row in (("nobody publishing", quiet), (f"one publication every {EVERY:.0f} s", busy)):
        print(
            f"| {name} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | {row['errors']} | "
            f"{row['rps'] / quiet['rps']:.2f} | {row['p99'] / quiet['p99']:.2f} |"
        )
    if varnish:
        for name, (start, end) in (("quiet", (before, middle)), ("publishing", (middle, after))):
            hits = end["MAIN.cache_hit"] - start["MAIN.cache_hit"]
            misses = end["MAIN.cache_miss"] - start["MAIN.cache_miss"]
            grace = end.get("MAIN.cache_hit_grace", 0) - start.get("MAIN.cache_hit_grace", 0)
            purged = end.get("MAIN.n_obj_purged", 0) - start.get("MAIN.n_obj_purged", 0)
            print(
                f"\nVarnish, {name}: hit ratio {hits / max(1, hits + misses):.3f} ({hits} hits, {misses} misses; "
                f"{grace} hits served in grace while refreshed; {purged} objects purged)"
            )


if __name__ == "__main__":
    main()
