"""Real worker processes: `manage.py worker` started as a separate process on the test
database (a file for SQLite, the test database on PostgreSQL), with a stand-in WebSub
hub on 127.0.0.1. The test process only queues (database or RQ backend); pings, image
files and page warming are seen done by the worker.

- the database backend's worker, on SQLite (make test) and PostgreSQL (make test-postgres);
- a worker killed in the middle of a ping: reaped, run again, each feed pinged once;
- a scheduled version's pings go out at its time with only the worker running;
- RQ (marked redis: make test-redis): an `rqworker` on a Redis database number of its
  own, and Redis down during a publication (a redis-server of the test's own, stopped
  and started again on the same port); a job failed for good, seen and requeued in the
  admin's Django-RQ dashboard served by gunicorn.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from statements import workflow
from statements.models import Image, OutboxTask, PeriodicJob, Translation, WebSubDelivery

from .factories import free_port, make_person, make_staff, make_statement, make_version
from .hub import Hub
from .pictures import store, two_halves

ROOT = Path(__file__).resolve().parent.parent
SITE = "http://127.0.0.1:8000"  # a host the worker's settings allow, for page warming
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
QUEUE_REDIS_DB = 14  # the tests' own Redis database number for the queue (the cache's is 15)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`manage.py worker` in a process (and process group) of its own."""

    def __init__(self, folder: Path, *, backend="database", **env):
        self.log = folder / f"worker-{time.monotonic_ns()}.log"
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PRESSOFFICE_", "REDIS"))}
        environment.update(
            DJANGO_SETTINGS_MODULE="pressoffice.settings.dev",
            DATABASE_URL=database_url(),
            PRESSOFFICE_TASKS=backend,
            PRESSOFFICE_MEDIA_ROOT=str(folder),
            PRESSOFFICE_CACHE_DIR=str(folder / "cache"),
            PRESSOFFICE_SITE_URL=SITE,
            PRESSOFFICE_WEBSUB_HUB_URL=settings.PRESSOFFICE_WEBSUB_HUB_URL,
            PRESSOFFICE_TASK_BEAT="0.5",
            **env,
        )
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--interval", "0.1"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self):
        """SIGKILL, as the kernel's OOM killer or a lost machine would: no clean-up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def wait_for(condition, seconds=45, message="condition", worker=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    log = worker.output()[-3000:] if worker else ""
    raise AssertionError(f"timed out waiting for {message}\n{log}")


@pytest.fixture
def hub():
    stand_in = Hub()
    with override_settings(PRESSOFFICE_WEBSUB_HUB_URL=stand_in.url, PRESSOFFICE_SITE_URL=SITE):
        yield stand_in
    stand_in.stop()


@pytest.fixture
def staff():
    return {"editor": make_staff("Editor"), "publisher": make_staff("Publisher")}


def ready_version(staff, title, **fields):
    version = make_version(make_statement(participants=[make_person()], **fields), title=title, actor=staff["editor"])
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    return version


def feeds_pinged(hub):
    return len(hub.topics())


# The database backend -------------------------------------------------------------------------


@override_settings(TASKS=DATABASE, PRESSOFFICE_TASKS="database")
def test_the_database_worker_does_a_publications_pings_and_public_files(staff, hub, media_storage):
    image = store("worker.jpg", two_halves())
    version = ready_version(staff, "Done by the worker", featured_image=image)
    worker = Worker(media_storage)
    try:
        workflow.publish(translation=version, actor=staff["publisher"])
        assert hub.arrived == 0  # this process only queued
        wait_for(lambda: feeds_pinged(hub) == 6, message="six pings", worker=worker)
        wait_for(
            lambda: not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists(),
            message="every task finished",
            worker=worker,
        )
    finally:
        worker.stop()
    assert len(set(hub.topics())) == 6 and all(topic.startswith(SITE) for topic in hub.topics())
    assert Image.objects.get(pk=image.pk).public_token
    assert [p for p in (media_storage / "public").rglob("*") if p.is_file()]
    copies = DBTaskResult.objects.get(task_path__endswith="update_public_copies")
    assert copies.return_value == {"image_files_changed": 1, "pages_warmed": 1}  # its own page
    assert copies.worker_ids  # claimed and run by the worker process
    assert "Traceback" not in worker.output()


@override_settings(TASKS=DATABASE, PRESSOFFICE_TASKS="database")
def test_a_scheduled_versions_pings_go_out_at_its_time_with_only_the_worker_running(staff, hub, media_storage):
    version = ready_version(staff, "At its time")
    at = timezone.now() + timezone.timedelta(seconds=4)
    worker = Worker(media_storage)
    try:
        workflow.publish(translation=version, actor=staff["publisher"], at=at)
        wait_for(lambda: feeds_pinged(hub) == 6, seconds=60, message="pings at the scheduled time", worker=worker)
    finally:
        worker.stop()
    assert timezone.now() >= at
    version.refresh_from_db()
    assert version.announced_at >= at


@override_settings(TASKS=DATABASE, PRESSOFFICE_TASKS="database")
def test_a_worker_killed_mid_ping_is_reaped_and_each_feed_is_pinged_once(staff, hub, media_storage):
    hub.mode = "hanging"
    version = ready_version(staff, "Killed mid-task")
    first = Worker(media_storage, PRESSOFFICE_TASK_TIMEOUT="1")
    try:
        workflow.publish(translation=version, actor=staff["publisher"])
        wait_for(lambda: hub.arrived >= 1, message="the worker inside a ping", worker=first)
    finally:
        first.kill()
    ping_task = DBTaskResult.objects.get(task_path__endswith="notify_hub")
    assert ping_task.status == TaskResultStatus.RUNNING  # left so by the dead worker
    hub.mode = "ok"
    hub.release.set()  # the held request finds its client gone: not accepted
    leased = WebSubDelivery.objects.exclude(claimed_until=None).get()
    wait_for(lambda: timezone.now() > leased.claimed_until, seconds=15, message="the dead worker's lease to lapse")
    PeriodicJob.objects.filter(name="reap").update(next_run_at=timezone.now())  # as a minute later
    second = Worker(media_storage, PRESSOFFICE_TASK_TIMEOUT="1")
    try:
        wait_for(lambda: feeds_pinged(hub) == 6, message="the pings after the restart", worker=second)
        wait_for(
            lambda: DBTaskResult.objects.get(pk=ping_task.pk).status == TaskResultStatus.SUCCESSFUL,
            message="the reaped task to finish",
            worker=second,
        )
    finally:
        second.stop()
    assert sorted(hub.topics()) == sorted(set(hub.topics()))  # each feed accepted exactly once
    assert len(DBTaskResult.objects.get(pk=ping_task.pk).worker_ids) == 2  # run by both workers
    assert "queued again" in second.output()
    assert WebSubDelivery.objects.filter(delivered_at=None).count() == 0


# RQ on Redis ----------------------------------------------------------------------------------


def redis_url(port=6379, db=QUEUE_REDIS_DB):
    return f"redis://127.0.0.1:{port}/{db}"


@pytest.fixture
def rq_queue():
    """The queue's own Redis database number, empty before and after."""
    import redis

    client = redis.Redis.from_url(redis_url())
    client.flushdb()
    with override_settings(TASKS=RQ, PRESSOFFICE_TASKS="rq", RQ_QUEUES={"default": {"URL": redis_url()}}):
        yield client
    client.flushdb()


@pytest.mark.postgres
@pytest.mark.redis
def test_an_rq_worker_does_a_publications_pings_and_cache_work(staff, hub, media_storage, rq_queue, rf):
    from statements import pagecache

    assert connection.vendor == "postgresql" and settings.REDIS_URL
    version = ready_version(staff, "Done by RQ")
    worker = Worker(media_storage, backend="rq", PRESSOFFICE_QUEUE_REDIS_URL=redis_url(), REDIS_URL=settings.REDIS_URL)
    try:
        workflow.publish(translation=version, actor=staff["publisher"])
        assert hub.arrived == 0 and rq_queue.keys("rq:job:*")  # queued in Redis, not run here
        wait_for(lambda: feeds_pinged(hub) == 6, message="six pings from the RQ worker", worker=worker)
        site = urllib.parse.urlsplit(settings.PRESSOFFICE_SITE_URL)
        page = Translation.objects.get(pk=version.pk).get_absolute_url()
        key = pagecache.entry_key(rf.get(page, HTTP_HOST=site.netloc), "en")
        from django.core.cache import cache

        wait_for(lambda: cache.get(key) is not None, message="the version's page warmed by the worker", worker=worker)
    finally:
        worker.stop()
    assert len(set(hub.topics())) == 6
    assert not OutboxTask.objects.exists()


class OwnRedis:
    """A redis-server of the test's own on a free port, in a folder of its own."""

    def __init__(self, folder: Path):
        self.port, self.folder = free_port(), folder
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        client = redis.Redis(port=self.port)
        wait_for(lambda: _pings(client), seconds=10, message="redis-server to start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except OSError:
        return False
    except Exception:  # noqa: BLE001 - redis.ConnectionError before it listens
        return False


@pytest.mark.postgres
@pytest.mark.redis
def test_redis_down_during_a_publication_loses_nothing(staff, hub, media_storage, tmp_path):
    assert connection.vendor == "postgresql"
    own = OwnRedis(tmp_path)
    queue = {"default": {"URL": redis_url(own.port, 0)}}
    worker = None
    try:
        with override_settings(TASKS=RQ, PRESSOFFICE_TASKS="rq", RQ_QUEUES=queue):
            version = ready_version(staff, "While Redis is down")
            own.stop()
            workflow.publish(translation=version, actor=staff["publisher"])  # commits; no 500, no exception
            assert Translation.objects.get(pk=version.pk).is_public
            assert OutboxTask.objects.count() == 2 and all(row.last_error for row in OutboxTask.objects.all())
            own.start()  # Redis is back; the worker's periodic trigger drains the outbox
            worker = Worker(media_storage, backend="rq", PRESSOFFICE_QUEUE_REDIS_URL=redis_url(own.port, 0))
            wait_for(lambda: feeds_pinged(hub) == 6, message="the pings owed while Redis was down", worker=worker)
            wait_for(lambda: not OutboxTask.objects.exists(), message="the outbox drained", worker=worker)
    finally:
        if worker:
            worker.stop()
        own.stop()
    assert len(set(hub.topics())) == 6


@pytest.mark.postgres
@pytest.mark.redis
def test_operators_see_and_requeue_failed_rq_jobs_in_the_admin(hub, media_storage, rq_queue):
    """A task that failed for good on a real RQ worker (its version does not exist) is
    listed in the admin's Django-RQ dashboard (served by gunicorn with PRESSOFFICE_TASKS=rq)
    and requeued from there; /healthz reports the queue."""
    import re
    import urllib.parse
    import urllib.request

    import django_rq
    from rq.registry import FailedJobRegistry

    from statements.tasks import side_effects

    from .factories import make_user
    from .test_two_servers import AppServer, logged_in_opener

    result = side_effects.notify_hub.enqueue("publish:999999:gone", 999999)  # a version that does not exist
    worker = Worker(media_storage, backend="rq", PRESSOFFICE_QUEUE_REDIS_URL=redis_url())
    queue = django_rq.get_queue("default")
    failed = FailedJobRegistry(queue=queue)
    try:
        wait_for(lambda: result.id in failed.get_job_ids(), message="the job to fail", worker=worker)
    finally:
        worker.stop()
    assert "PermanentFailure: version 999999 no longer exists" in queue.fetch_job(result.id).latest_result().exc_string
    server = AppServer(PRESSOFFICE_TASKS="rq", PRESSOFFICE_QUEUE_REDIS_URL=redis_url())
    try:
        opener = logged_in_opener(make_user("operator", superuser=True))
        base = "/admin/django_rq/dashboard/queues/0/"
        status, page = server.get(base + "failed/", opener)
        assert status == 200 and result.id in page
        status, page = server.get(f"{base}{result.id}/", opener)
        assert "statements.tasks.side_effects.notify_hub" in page and "publish:999999:gone" in page
        _status, page = server.get(f"{base}{result.id}/requeue/", opener)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        request = urllib.request.Request(
            server.base + f"{base}{result.id}/requeue/",
            data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
            method="POST",
        )
        with opener.open(request, timeout=10) as response:
            assert response.status == 200
        assert result.id in queue.get_job_ids() and result.id not in failed.get_job_ids()
        health = json.loads(server.get("/healthz")[1])
        assert health["status"] == "ok"
        # What /healthz reports is the queue as it is: the requeued job, and any daily
        # housekeeping the worker's periodic trigger queued just before it stopped.
        assert health["tasks"]["backend"] == "RQBackend"
        assert health["tasks"]["waiting"] == queue.count >= 1
    finally:
        server.stop()
