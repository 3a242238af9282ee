"""Background tasks: `make bench-tasks` (or `python bench/tasks.py`).

1. The editor's publish request (the admin's publish form, through the whole middleware
   stack, committed) while the WebSub hub hangs: *before* = side effects run in the
   request after commit (what the project did until the tasks issue; the immediate
   backend reproduces it), *after* = the database backend (the default), where the
   request only writes the task rows.
2. 10 000 no-op tasks through the database backend (SQLite and PostgreSQL) and RQ:
   enqueue rate in one process, then one worker process drains them (`db_worker
   --batch`, `rqworker --burst`): tasks/s per worker, the worker's peak memory, and what
   10 000 waiting tasks take in the queue (table size, Redis `used_memory`).

Prints a Markdown section for bench/RESULTS.md. TASKS_N changes the task count.
"""

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
COUNT = int(os.environ.get("TASKS_N", "10000"))


def child_environment(database_url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRESSOFFICE_", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="pressoffice.settings.dev",
        DATABASE_URL=database_url,
        DJANGO_LOG_LEVEL="ERROR",
        PRESSOFFICE_LOGIN_THROTTLING="off",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def run_child(part, database_url, **extra) -> dict:
    env = child_environment(database_url, **extra)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [sys.executable, __file__, part], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# Part 1: the publish request -------------------------------------------------------------------


def publish_requests() -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.test import Client, override_settings
    from django.urls import reverse

    from statements import workflow
    from statements.models import Person, Statement, Translation
    from tests.hub import Hub

    hub = Hub()
    hub.mode = "hanging"
    user = django.contrib.auth.get_user_model().objects.create_superuser("bench-publisher", password=None)
    user.groups.add(*Group.objects.all())
    person = Person.objects.create(name="A. Participant", slug="a-participant")
    client = Client()
    client.force_login(user)
    backends = {
        "before: in the request (immediate)": "django_tasks.backends.immediate.ImmediateBackend",
        "after: database backend": "django_tasks_db.DatabaseBackend",
    }
    results = {}
    for label, backend in backends.items():
        timings = []
        for number in range(3):
            statement = Statement.objects.create(occurred_on=datetime.date(2024, 3, 1), original_language="en")
            statement.participants.add(person)
            version = Translation(statement=statement, language="en")
            workflow.save_draft(
                translation=version, actor=user, title=f"Bench {number} {label}", standfirst="",
                body="A paragraph.", base_revision=0,
            )  # fmt: skip
            workflow.submit_for_review(translation=version, actor=user)
            url = reverse("admin:statements_translation_act", args=[version.pk, "publish"])
            with override_settings(
                TASKS={"default": {"BACKEND": backend, "QUEUES": ["default"]}},
                PRESSOFFICE_WEBSUB_HUB_URL=hub.url,
                PRESSOFFICE_FOUR_EYES=False,
            ):
                started = time.perf_counter()
                response = client.post(url, {"at_0": "", "at_1": ""})
                timings.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
        results[label] = timings
    hub.stop()
    return results


# Part 2: 10 000 tasks ----------------------------------------------------------------------------


def enqueue_many() -> dict:
    import django

    django.setup()
    from django.db import connection, transaction

    from bench.noop import noop

    size_before = table_size(connection)
    started = time.perf_counter()
    with transaction.atomic():
        for number in range(COUNT):
            noop.enqueue(number)
    enqueue_seconds = time.perf_counter() - started
    return {"enqueue_per_s": COUNT / enqueue_seconds, "queue_bytes": table_size(connection) - size_before}


def table_size(connection) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('django_tasks_database_dbtaskresult')")
        else:
            cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'django_tasks_database%'")
        return int(cursor.fetchone()[0] or 0)


def drain(command, env) -> tuple[float, float]:
    """Seconds for one worker process to run every task, and its peak resident memory in
    MB (VmHWM, read until it exits; RQ's forked work horses are not counted)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak = max(peak, int(status.split("VmHWM:")[1].split()[0]))
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"{command[2]} exited with {process.returncode}")
    return seconds, peak / 1024


def database_backend(database_url) -> dict:
    env = child_environment(database_url, PRESSOFFICE_TASKS="database")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    enqueued = json.loads(
        subprocess.run(
            [sys.executable, __file__, "enqueue"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    seconds, rss = drain(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0", "-v0",
         "--no-reload"],
        env,
    )  # fmt: skip
    return {**enqueued, "per_s": COUNT / seconds, "rss": rss}


def rq_backend(database_url) -> dict:
    import redis

    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    env = child_environment(database_url, PRESSOFFICE_TASKS="rq", PRESSOFFICE_QUEUE_REDIS_URL=REDIS)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    memory_before = client.info("memory")["used_memory"]
    enqueued = json.loads(
        subprocess.run(
            [sys.executable, __file__, "enqueue"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    enqueued["queue_bytes"] = client.info("memory")["used_memory"] - memory_before
    rows = {}
    for label, worker_class in (("fork per task (RQ's default)", None), ("SimpleWorker", "rq.worker.SimpleWorker")):
        if rows:  # the same tasks again for the second worker class
            client.flushdb()
            subprocess.run([sys.executable, __file__, "enqueue"], cwd=ROOT, env=env, check=True, capture_output=True)
        command = [sys.executable, "manage.py", "rqworker", "default", "--burst", "-v0"]
        if worker_class:
            command += ["--worker-class", worker_class]
        seconds, rss = drain(command, env)
        rows[label] = {**enqueued, "per_s": COUNT / seconds, "rss": rss}
    client.flushdb()
    return rows


def main():
    if len(sys.argv) > 1:
        part = {"publish": publish_requests, "enqueue": enqueue_many}[sys.argv[1]]
        print(json.dumps(part()))
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-tasks-"))
    publish = run_child("publish", f"sqlite:///{folder / 'publish.sqlite3'}")
    results = {"SQLite, database backend": database_backend(f"sqlite:///{folder / 'tasks.sqlite3'}")}
    subprocess.run(["psql", PG_ADMIN_URL + "/postgres", "-qc", "DROP DATABASE IF EXISTS pressoffice_bench_tasks"])
    subprocess.run(["psql", PG_ADMIN_URL + "/postgres", "-qc", "CREATE DATABASE pressoffice_bench_tasks"], check=True)
    pg = PG_ADMIN_URL + "/pressoffice_bench_tasks"
    results["PostgreSQL, database backend"] = database_backend(pg)
    for label, row in rq_backend(pg).items():
        results[f"RQ on Redis, {label}"] = row

    print("## Background tasks (`make bench-tasks`)\n")
    print("The admin's publish request (a statement with one participant: 6 feeds to ping) while the WebSub")
    print("hub accepts connections and never answers, three requests each:\n")
    print("| side effects | request s (each) | mean s |")
    print("|---|---|---|")
    for label, timings in publish.items():
        print(f"| {label} | {', '.join(f'{t:.3f}' for t in timings)} | {sum(timings) / len(timings):.3f} |")
    print(f"\n{COUNT} no-op tasks: enqueued in one process (one transaction), then run by one worker process.\n")
    print("| backend | enqueued per s | run per s per worker | worker peak RSS MB | queue size for all waiting |")
    print("|---|---|---|---|---|")
    for label, row in results.items():
        print(
            f"| {label} | {row['enqueue_per_s']:.0f} | {row['per_s']:.0f} | {row['rss']:.0f} | "
            f"{row['queue_bytes'] / 1e6:.1f} MB |"
        )


if __name__ == "__main__":
    main()
