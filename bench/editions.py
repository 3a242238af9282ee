"""Signed editions benchmark: what signing and logging adds to a publication, and what the
log's addresses cost, with an empty log and with a large one. Run with `make bench-editions`.

For each database (a temporary SQLite file; a fresh `pressoffice_bench` PostgreSQL
database) and each log size (empty; BENCH_LOG_SIZE leaves, default 100 000, appended
first), it times in one process, alternating so that noise hits both alike:
- publishing a reviewed version (submit + publish), with its edition signed and logged,
  against the same transition with the edition step switched off (the ratio is what
  signing, canonical JSON, the log append and the checkpoint cost);
- an inclusion proof, a consistency proof and a record, through the test client.
"""

import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
LOG_SIZE = int(os.environ.get("BENCH_LOG_SIZE", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))


def measure(database_url: str) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressoffice.settings.dev")
    os.environ["PRESSOFFICE_TASKS"] = "immediate"
    os.environ["PRESSOFFICE_RATE_LIMIT_FEEDS"] = "off"  # the benchmark asks more often than a reader may
    os.environ["PRESSOFFICE_SIGNING_KEY_FILE"] = str(Path(tempfile.mkdtemp()) / "bench-key.pem")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client

    from statements import tlog, transparency, workflow
    from statements.models import Person, Statement, Translation

    call_command("migrate", verbosity=0)
    editor = User.objects.create_user("bench-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    publisher = User.objects.create_user("bench-publisher", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publisher"))
    person = Person.objects.create(name="Ilse Varga", slug="ilse-varga")
    counter = iter(range(10**6))

    def publish_one():
        statement = Statement.objects.create(occurred_on=datetime.date(2024, 3, 1))
        statement.participations.create(person=person)
        version = Translation(statement=statement, language="en")
        title = f"Bench {next(counter)}"
        workflow.save_draft(
            translation=version, actor=editor, title=title, standfirst="", body="Text.", base_revision=0
        )
        workflow.submit_for_review(translation=version, actor=editor)
        started = time.perf_counter()
        workflow.publish(translation=version, actor=publisher)
        return time.perf_counter() - started, version

    def timed(url, client):
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return time.perf_counter() - started

    results = {}
    for label, size in (("empty log", 0), (f"{LOG_SIZE:,} entries", LOG_SIZE)):
        if size:
            log = transparency.Appender()
            for number in range(size - transparency.size()):
                log.append(tlog.leaf_hash(f"bench {number}".encode()))
            log.flush()
        signed, unsigned, version = [], [], None
        for _ in range(ROUNDS):
            seconds, version = publish_one()
            signed.append(seconds)
            with mock.patch("statements.workflow.publication.new_edition"):
                unsigned.append(publish_one()[0])
        client = Client()
        tree = transparency.latest_checkpoint().tree_size
        urls = {
            "inclusion proof": f"/transparency/proof/inclusion?edition={version.uuid}/1&size={tree}",
            "consistency proof": f"/transparency/proof/consistency?from={max(tree // 3, 1)}&to={tree}",
            "record": f"/api/editions/{version.uuid}/1.json",
            "checkpoint": "/transparency/checkpoint",
        }
        served = {
            name: statistics.median(timed(url, client) for _ in range(ROUNDS)) * 1000 for name, url in urls.items()
        }
        results[label] = {
            "tree": tree,
            "publish_signed_ms": statistics.median(signed) * 1000,
            "publish_unsigned_ms": statistics.median(unsigned) * 1000,
            **{f"{name}_ms": value for name, value in served.items()},
        }
    return results


def run(database_url: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", database_url], capture_output=True, text=True, cwd=ROOT
    )
    if output.returncode:
        raise SystemExit(output.stderr[-3000:])
    return json.loads(output.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2])))
        return
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = run(f"sqlite:///{folder}/bench.sqlite3")
    subprocess.run(
        ["psql", PG_ADMIN_URL + "/postgres", "-qc", "DROP DATABASE IF EXISTS pressoffice_bench"], check=True
    )
    subprocess.run(["psql", PG_ADMIN_URL + "/postgres", "-qc", "CREATE DATABASE pressoffice_bench"], check=True)
    results["PostgreSQL"] = run(PG_ADMIN_URL + "/pressoffice_bench")
    print(f"Medians of {ROUNDS} rounds each.\n")
    print("| database | log | publish, signed (ms) | publish, edition step off (ms) | ratio | inclusion proof (ms) "
          "| consistency proof (ms) | record (ms) | checkpoint (ms) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name, rows in results.items():
        for label, row in rows.items():
            ratio = row["publish_signed_ms"] / row["publish_unsigned_ms"]
            print(
                f"| {name} | {label} | {row['publish_signed_ms']:.1f} | {row['publish_unsigned_ms']:.1f} | "
                f"{ratio:.2f} | {row['inclusion proof_ms']:.2f} | {row['consistency proof_ms']:.2f} | "
                f"{row['record_ms']:.2f} | {row['checkpoint_ms']:.2f} |"
            )


if __name__ == "__main__":
    main()
