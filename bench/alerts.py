"""Email alerts benchmark: 100 000 confirmed subscriptions over 2 000 lists, one
publication matching 20 000 of them, and a daily digest run over all of them. Run with
`make bench-alerts` (BENCH_SUBSCRIPTIONS, BENCH_LISTS and BENCH_MATCHED change the sizes).

For each database (a temporary SQLite file; a fresh `pressoffice_bench` PostgreSQL
database), in a process of its own:
- the data: subscribers, lists and subscriptions written in bulk; people, topics and
  countries for the lists to name; the matched share is one "everything" list and four
  lists of the publication's people, topic and country (big lists are the popular ones);
  twenty lists are searches (asked of the database);
- matching: `sending.fan_out` for the publication's edition (which lists, which
  subscribers, one delivery row each, the send batches queued), timed;
- sending: a real `manage.py worker --burst` (the database task backend) sends the
  batches through Django's SMTP backend into a local aiosmtpd sink on loopback (it counts
  and drops); emails per second from the worker's start to its exit, and the worker's
  peak RSS;
- a daily digest: every subscription moved to daily, two more publications (one for the
  same 20 000, one for a few lists), `sending.build_digest` timed, then the worker again.
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
SUBSCRIPTIONS = int(os.environ.get("BENCH_SUBSCRIPTIONS", "100000"))
LISTS = int(os.environ.get("BENCH_LISTS", "2000"))
MATCHED = int(os.environ.get("BENCH_MATCHED", "20000"))
# The matched lists' shares of MATCHED: everything, two people, a topic, a country.
SHARES = (0.4, 0.2, 0.15, 0.15, 0.1)
WORKER = (
    "import atexit, resource, runpy, sys\n"
    "peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "atexit.register(lambda: print('MAXRSS_KB', peak(), file=sys.stderr))\n"
    "sys.argv = ['manage.py', 'worker', '--burst', '--no-beat', '--verbosity', '0']\n"
    "runpy.run_path('manage.py', run_name='__main__')\n"
)


def environment(database_url: str, folder: str, smtp_port: int) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "pressoffice.settings.dev",
        "DJANGO_DEBUG": "false",
        "PRESSOFFICE_TASKS": "database",
        "PRESSOFFICE_SIGNING_KEY_FILE": str(Path(folder) / "bench-key.pem"),
        "PRESSOFFICE_CACHE_DIR": str(Path(folder) / "cache"),
        "PRESSOFFICE_SITE_URL": "https://press.example",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
        "DJANGO_DEFAULT_FROM_EMAIL": "alerts@press.example",
    }


def worker(env) -> tuple[float, int]:
    """Run a worker until the queue is empty: (seconds, peak RSS in MB)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WORKER], env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    peak = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("MAXRSS_KB")]
    return seconds, round(peak[-1] / 1024) if peak else 0


def measure(database_url: str) -> dict:
    from tests.smtp import SMTPServer

    sink = SMTPServer(keep=False)
    folder = tempfile.mkdtemp()
    env = environment(database_url, folder, sink.port)
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from statements import workflow
    from statements.alerts import criteria as criteria_module
    from statements.alerts import matching, sending
    from statements.models import (
        AlertList,
        AlertRun,
        Country,
        Delivery,
        Edition,
        Person,
        Statement,
        Subscriber,
        Subscription,
        Topic,
        Translation,
        address_hash,
    )

    call_command("migrate", verbosity=0)
    editor = User.objects.create_user("bench-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    publisher = User.objects.create_user("bench-publisher", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publisher"))

    # The vocabularies the lists name.
    n_people, n_topics = LISTS // 2, LISTS // 4
    n_countries = LISTS - 1 - n_people - n_topics - 20
    Person.objects.bulk_create([Person(name=f"Bench Person {n}", slug=f"p{n}") for n in range(n_people)])
    Topic.objects.bulk_create([Topic(name=f"Bench Topic {n}", slug=f"t{n}") for n in range(n_topics)])
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = [a + b for a in letters for b in letters][:n_countries]
    Country.objects.bulk_create([Country(code=code, name=f"Bench Country {code}") for code in codes])
    criteria = [{}]
    criteria += [{"person": [f"p{n}"]} for n in range(n_people)]
    criteria += [{"topic": [f"t{n}"]} for n in range(n_topics)]
    criteria += [{"country": [code]} for code in codes]
    criteria += [{"q": f"nowhere{n}"} for n in range(20)]
    AlertList.objects.bulk_create(
        [AlertList(language="en", key=criteria_module.key(c), criteria=c, description=json.dumps(c)) for c in criteria]
    )
    lists = dict(AlertList.objects.values_list("key", "pk"))
    matched_lists = [lists[criteria_module.key(c)] for c in ({}, {"person": ["p1"]}, {"person": ["p2"]},
                                                              {"topic": ["t1"]}, {"country": [codes[1]]})]  # fmt: skip
    others = [pk for pk in lists.values() if pk not in matched_lists]
    plan = []  # the list of each subscription, in order
    for pk, share in zip(matched_lists, SHARES, strict=True):
        plan += [pk] * round(MATCHED * share)
    rest = SUBSCRIPTIONS - len(plan)
    plan += [others[n % len(others)] for n in range(rest)]

    started = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    chunk = 5000
    for start in range(0, len(plan), chunk):
        part = plan[start : start + chunk]
        subscribers = Subscriber.objects.bulk_create(
            [
                Subscriber(
                    email=f"reader{start + n}@bench.example",
                    email_hash=address_hash(f"reader{start + n}@bench.example"),
                    language="en",
                )
                for n in range(len(part))
            ]
        )
        if subscribers[0].pk is None:  # SQLite before RETURNING: read the ids back
            emails = [f"reader{start + n}@bench.example" for n in range(len(part))]
            ids = dict(Subscriber.objects.filter(email__in=emails).values_list("email", "pk"))
            subscriber_ids = [ids[email] for email in emails]
        else:
            subscriber_ids = [s.pk for s in subscribers]
        Subscription.objects.bulk_create(
            [
                Subscription(
                    subscriber_id=sid, alert_list_id=lid, frequency="immediately", requested_at=now, confirmed_at=now
                )
                for sid, lid in zip(subscriber_ids, part, strict=True)
            ]
        )
    setup_seconds = time.perf_counter() - started

    def publish(people, topics, countries):
        statement = Statement.objects.create(occurred_on=datetime.date(2026, 12, 1))
        for position, slug in enumerate(people):
            statement.participations.create(person=Person.objects.get(slug=slug), position=position)
        statement.topics.set(Topic.objects.filter(slug__in=topics))
        statement.countries.set(Country.objects.filter(code__in=countries))
        version = Translation(statement=statement, language="en")
        workflow.save_draft(
            translation=version, actor=editor, title="Bench talks", standfirst="Talks.", body="Text.", base_revision=0
        )
        workflow.submit_for_review(translation=version, actor=editor)
        workflow.publish(translation=version, actor=publisher)
        # The publication queued its fan-out; the benchmark runs that function itself, timed.
        DBTaskResult.objects.filter(task_path__endswith="fan_out").delete()
        return Edition.objects.get(translation=version)

    edition = publish(["p1", "p2"], ["t1"], [codes[1]])
    version = Translation.objects.select_related("statement").get(pk=edition.translation_id)
    started = time.perf_counter()
    found = matching.lists_for(version)
    match_seconds = time.perf_counter() - started
    started = time.perf_counter()
    run = sending.fan_out(edition.pk)
    fan_out_seconds = time.perf_counter() - started
    deliveries = run.deliveries.count()
    received_before = sink.handler.count
    send_seconds, send_rss = worker(env)
    sent = Delivery.objects.filter(run=run, outcome="sent").count()
    received = sink.handler.count - received_before

    Subscription.objects.update(frequency="daily")
    publish(["p1", "p2"], ["t1"], [codes[1]])
    publish([f"p{n_people - 1}"], [f"t{n_topics - 1}"], [])
    digest = AlertRun.objects.create(
        kind="daily",
        period="bench",
        started_at=datetime.datetime.now(datetime.UTC),
        window_start=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1),
        window_end=datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=1),
    )
    time.sleep(1.5)  # the window closes after the publications
    started = time.perf_counter()
    sending.build_digest(digest.pk)
    digest_build_seconds = time.perf_counter() - started
    digests = digest.deliveries.count()
    received_before = sink.handler.count
    digest_seconds, digest_rss = worker(env)
    digest_sent = Delivery.objects.filter(run=digest, outcome="sent").count()
    digest_received = sink.handler.count - received_before
    sink.stop()
    return {
        "subscriptions": Subscription.objects.count(),
        "lists": AlertList.objects.count(),
        "setup_s": setup_seconds,
        "lists_matched": len(found),
        "match_ms": match_seconds * 1000,
        "fan_out_s": fan_out_seconds,
        "deliveries": deliveries,
        "sent": sent,
        "received": received,
        "send_s": send_seconds,
        "send_rss_mb": send_rss,
        "digest_deliveries": digests,
        "digest_build_s": digest_build_seconds,
        "digest_sent": digest_sent,
        "digest_received": digest_received,
        "digest_s": digest_seconds,
        "digest_rss_mb": digest_rss,
    }


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
    if os.environ.get("BENCH_POSTGRES", "1") != "0":
        admin = PG_ADMIN_URL + "/postgres"
        subprocess.run(["psql", admin, "-qc", "DROP DATABASE IF EXISTS pressoffice_bench"], check=True)
        subprocess.run(["psql", admin, "-qc", "CREATE DATABASE pressoffice_bench"], check=True)
        results["PostgreSQL"] = run(PG_ADMIN_URL + "/pressoffice_bench")
    print("| database | subscriptions / lists | lists matched | match (ms) | fan-out: deliveries written (s) "
          "| emails | sent (s) | emails/s | worker peak RSS (MB) | digest: built (s) | digests | sent (s) "
          "| emails/s | worker peak RSS (MB) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['subscriptions']:,} / {r['lists']:,} | {r['lists_matched']} | {r['match_ms']:.1f} "
            f"| {r['deliveries']:,} in {r['fan_out_s']:.2f} | {r['sent']:,} sent, {r['received']:,} received "
            f"| {r['send_s']:.1f} | {r['sent'] / r['send_s']:.0f} | {r['send_rss_mb']} "
            f"| {r['digest_build_s']:.2f} | {r['digest_sent']:,} sent, {r['digest_received']:,} received "
            f"| {r['digest_s']:.1f} | {r['digest_sent'] / r['digest_s']:.0f} | {r['digest_rss_mb']} |"
        )


if __name__ == "__main__":
    main()
