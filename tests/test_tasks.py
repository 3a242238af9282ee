"""Background tasks in the test process: what a publication queues (dummy backend), what
the tasks do (immediate backend), the database backend's rows, the outbox when the queue
is down, retries, the reaper, the periodic trigger, /healthz and the admin's retry.

Real worker processes (database and RQ) are in tests/test_workers.py."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult

from statements import workflow
from statements.models import OutboxTask, PeriodicJob, Translation, WebSubDelivery
from statements.tasks import periodic, queue, reaper, retry, side_effects

from .factories import free_port, make_person, make_public, make_statement, make_version, publish_directly
from .hub import Hub
from .pictures import store, two_halves

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
SITE = "https://press.example"


@pytest.fixture
def hub():
    stand_in = Hub()
    with override_settings(PRESSOFFICE_WEBSUB_HUB_URL=stand_in.url, PRESSOFFICE_SITE_URL=SITE):
        yield stand_in
    stand_in.stop()


def queued():
    """(task name, args, kwargs) of what the dummy backend holds."""
    return [(r.task.name, r.args, r.kwargs) for r in task_backends["default"].results]


def ready_version(staff, title="Queued", **fields):
    fields.setdefault("participants", [make_person()])
    version = make_version(make_statement(**fields), title=title, actor=staff["editor"])
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    return version


# What is queued, and when ------------------------------------------------------------------


@override_settings(TASKS=DUMMY)
def test_a_publication_queues_its_side_effects_by_id_after_commit(staff, hub, django_capture_on_commit_callbacks):
    version = ready_version(staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.publish(translation=version, actor=staff["publisher"])
    assert queued() == []  # nothing reaches the queue before the commit
    for callback in callbacks:
        callback()
    (ping, copies) = sorted(queued())
    assert copies == ("update_public_copies", [version.pk], {})
    assert ping[0] == "notify_hub" and ping[1][1] == version.pk and ping[1][0].startswith(f"publish:{version.pk}:")
    assert json.loads(json.dumps(ping[1])) == ping[1]  # ids and strings only
    assert hub.arrived == 0 and not OutboxTask.objects.exists()


@override_settings(TASKS=DUMMY)
def test_a_minor_correction_is_an_edition_that_pings_too(staff, hub, django_capture_on_commit_callbacks):
    version = ready_version(staff)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(translation=version, actor=staff["publisher"])
    task_backends["default"].clear()
    from .factories import publish_correction

    with django_capture_on_commit_callbacks(execute=True):
        publish_correction(version, staff, "Minor fix.")
    assert sorted(name for name, *_ in queued()) == ["notify_hub", "update_public_copies"]


@override_settings(TASKS=DUMMY)
def test_a_scheduled_publication_queues_its_announcement_for_its_time(staff, django_capture_on_commit_callbacks):
    version = ready_version(staff)
    at = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(translation=version, actor=staff["publisher"], at=at)
    (announce,) = [r for r in task_backends["default"].results if r.task.name == "announce_due"]
    assert announce.task.run_after == at


@override_settings(TASKS=DATABASE)
def test_on_the_database_backend_tasks_are_rows_of_the_same_transaction(staff, hub):
    version = ready_version(staff)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.publish(translation=version, actor=staff["publisher"])
        assert DBTaskResult.objects.count() == 2
        raise RuntimeError("the request failed after the publication")
    assert not DBTaskResult.objects.exists()  # rolled back together
    assert Translation.objects.get(pk=version.pk).status == "in_review"
    workflow.publish(translation=version, actor=staff["publisher"])
    assert sorted(r.task_path.rsplit(".", 1)[1] for r in DBTaskResult.objects.all()) == [
        "notify_hub",
        "update_public_copies",
    ]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.READY}
    assert not OutboxTask.objects.exists() and hub.arrived == 0


@override_settings(TASKS=DATABASE)
def test_a_hanging_hub_never_holds_the_editors_publish(staff, hub, client, django_capture_on_commit_callbacks):
    hub.mode = "hanging"
    version = ready_version(staff)
    client.force_login(staff["publisher"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:statements_translation_act", args=[version.pk, "publish"]), {"at": ""})
    assert response.status_code == 302
    assert Translation.objects.get(pk=version.pk).is_public
    assert hub.arrived == 0  # the request never spoke to the hub
    assert DBTaskResult.objects.filter(task_path__endswith="notify_hub", status="READY").count() == 1


# The tasks themselves ------------------------------------------------------------------------


def test_pings_are_sent_once_per_feed_and_change(staff, hub, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = make_public(staff, title="Once")
    assert len(hub.topics()) == len(set(hub.topics())) == 6
    (publication,) = set(WebSubDelivery.objects.values_list("publication", flat=True))
    assert side_effects.notify_hub.call(publication, version.pk) == 0  # run again: nothing owed
    assert len(hub.received) == 6


def test_a_hub_refusing_a_ping_is_recorded_and_not_retried(staff, hub, django_capture_on_commit_callbacks):
    hub.mode = "refusing"
    with django_capture_on_commit_callbacks(execute=True):
        make_public(staff, title="Refused")
    refused = WebSubDelivery.objects.exclude(refused_at=None)
    assert refused.count() == 6 and all("404" in d.last_error for d in refused)
    assert not OutboxTask.objects.filter(task_path__endswith="notify_hub").exists()
    assert side_effects.notify_hub.call(refused[0].publication, None) == 0  # run again: refusals stand
    assert hub.arrived == 6


def test_retries_back_off_and_stop(staff, hub):
    hub.mode = "failing"
    version = make_public(staff, title="Failing")
    key = f"publish:{version.pk}:test"
    before = timezone.now()
    with pytest.raises(retry.RetryScheduled):
        side_effects.notify_hub.call(key, version.pk, attempt=3)
    (next_try,) = [row for row in OutboxTask.objects.all() if row.kwargs.get("attempt")]
    assert next_try.kwargs == {"attempt": 4} and next_try.args == [key, version.pk]
    assert next_try.run_after >= before + datetime.timedelta(minutes=2)  # 30 s × 2²
    with pytest.raises(retry.GaveUp):
        side_effects.notify_hub.call(key, version.pk, attempt=retry.MAX_ATTEMPTS)
    assert len([row for row in OutboxTask.objects.all() if row.kwargs.get("attempt")]) == 1  # no seventh


def test_pinging_for_a_deleted_version_fails_for_good(db, hub):
    with pytest.raises(retry.PermanentFailure, match="no longer exists"):
        side_effects.notify_hub.call("publish:999999:gone", 999999)
    assert not OutboxTask.objects.exists() and hub.arrived == 0


def test_public_copies_follow_publication_through_the_task(staff, media_storage, django_capture_on_commit_callbacks):
    image = store("tasks.jpg", two_halves())
    statement = make_statement(participants=[make_person()], featured_image=image)
    with django_capture_on_commit_callbacks(execute=True):
        version = make_public(staff, statement=statement, title="With a picture")
    image.refresh_from_db()
    assert image.public_token and public_files(media_storage)
    assert side_effects.update_public_copies.call(version.pk)["image_files_changed"] == 0  # idempotent
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(translation=version, actor=staff["publisher"], reason="published_in_error")
    image.refresh_from_db()
    assert not image.public_token and not public_files(media_storage)


def public_files(root):
    return [path for path in (root / "public").rglob("*") if path.is_file()]


@override_settings(PRESSOFFICE_PAGE_CACHE=True, PRESSOFFICE_SITE_URL="http://testserver")
def test_the_page_cache_is_warmed_for_the_versions_page(staff, django_capture_on_commit_callbacks, client):
    """Its own page, a new address: the first reader finds it stored (lists and feeds keep
    serving their previous copy while one reader renders them)."""
    with django_capture_on_commit_callbacks(execute=True):
        version = make_public(staff, title="Warm")
    assert side_effects.pages_of(version) == [version.get_absolute_url()]
    result = side_effects.update_public_copies.call(version.pk)
    assert result["pages_warmed"] == 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get(version.get_absolute_url()).status_code == 200
    assert len(queries) == 0  # served from what the task stored


@override_settings(TASKS=DUMMY)
def test_image_crops_and_deleted_files_are_tasks(admin_client, django_capture_on_commit_callbacks):
    image = store("crop.jpg", two_halves())
    change = reverse("admin:statements_image_change", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change, {"alt_text": image.alt_text, "focal_x": "0.9", "focal_y": "0.5", "caption": ""})
    assert ("recrop_image", [image.pk], {}) in queued()
    private, public = side_effects.images.file_names(image)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:statements_image_delete", args=[image.pk]), {"post": "yes"})
    assert ("delete_image_files", [private, public], {}) in queued()


# The outbox ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_queue_that_is_down_loses_nothing_and_fails_no_one(caplog):
    from .factories import make_staff

    staff = {"editor": make_staff("Editor"), "publisher": make_staff("Publisher")}
    hub = Hub()
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there: Redis is "down"
    try:
        with override_settings(
            TASKS=RQ,
            RQ_QUEUES={"default": {"URL": closed}},
            PRESSOFFICE_WEBSUB_HUB_URL=hub.url,
            PRESSOFFICE_SITE_URL=SITE,
        ):
            version = ready_version(staff, title="While Redis is down")
            workflow.publish(translation=version, actor=staff["publisher"])
            assert Translation.objects.get(pk=version.pk).is_public
            owed = OutboxTask.objects.all()
            assert {row.task_path.rsplit(".", 1)[1] for row in owed} == {"notify_hub", "update_public_copies"}
            assert all(row.attempts == 1 and "Connection" in row.last_error for row in owed)
            assert "kept in the outbox" in caplog.text
            assert queue.drain_outbox() == (0, 2)  # still down: kept, asked once
        with override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}},
            PRESSOFFICE_WEBSUB_HUB_URL=hub.url,
            PRESSOFFICE_SITE_URL=SITE,
        ):
            assert queue.drain_outbox() == (2, 0)  # the queue is back
        assert len(hub.topics()) == len(set(hub.topics())) == 6
    finally:
        hub.stop()


# Reaper, periodic trigger, publish_due -------------------------------------------------------


def _running(path, started, workers):
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path=path,
        backend_name="default",
        run_after=datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC),
        status=TaskResultStatus.RUNNING,
        started_at=started,
        worker_ids=workers,
    )


@override_settings(TASKS=DATABASE, PRESSOFFICE_TASK_TIMEOUT=600)
def test_the_reaper_requeues_tasks_whose_worker_died_a_bounded_number_of_times(db):
    path = "statements.tasks.side_effects.announce_due"
    now = timezone.now()
    lost = _running(path, now - datetime.timedelta(minutes=11), ["w1"])
    slow_but_alive = _running(path, now - datetime.timedelta(minutes=5), ["w2"])
    hopeless = _running(path, now - datetime.timedelta(minutes=11), ["w1", "w2", "w3"])
    assert reaper.reap(now=now) == 1
    lost.refresh_from_db(), slow_but_alive.refresh_from_db(), hopeless.refresh_from_db()
    assert lost.status == TaskResultStatus.READY and lost.started_at is None
    assert slow_but_alive.status == TaskResultStatus.RUNNING
    assert hopeless.status == TaskResultStatus.FAILED and hopeless.exception_class_path.endswith("WorkerLost")
    assert reaper.reap(now=now) == 0


@override_settings(TASKS=DUMMY)
def test_the_periodic_trigger_runs_each_job_once_per_interval_across_workers(db, django_capture_on_commit_callbacks):
    now = timezone.now()

    def trigger(seconds):
        with django_capture_on_commit_callbacks(execute=True):
            return periodic.trigger(now=now + datetime.timedelta(seconds=seconds))["ran"]

    assert trigger(0) == ["announce-due", "reap", "prune", "alert-digests", "alert-purge"]
    # Nothing to announce and no digest reader: no task for them.
    assert [name for name, *_ in queued()] == ["prune_finished", "purge_addresses"]
    publish_directly(make_version(title="Gone live unannounced"))
    assert trigger(5) == []  # another worker, the same beat
    assert trigger(31) == ["announce-due"]
    assert trigger(61) == ["announce-due", "reap"]
    assert PeriodicJob.objects.get(name="prune").next_run_at == now + datetime.timedelta(days=1)
    assert [name for name, *_ in queued()] == ["prune_finished", "purge_addresses", "announce_due", "announce_due"]


@override_settings(TASKS=DUMMY)
def test_publish_due_only_queues(staff, hub):
    version = ready_version(staff)
    workflow.publish(translation=version, actor=staff["publisher"], at=timezone.now() + datetime.timedelta(seconds=1))
    task_backends["default"].clear()
    call_command("publish_due", stdout=(out := io.StringIO()))
    assert "announce-due" in out.getvalue()
    assert "announce_due" in [name for name, *_ in queued()]
    assert hub.arrived == 0


def test_a_due_scheduled_version_is_announced_by_the_task(staff, hub, django_capture_on_commit_callbacks):
    version = ready_version(staff)
    at = timezone.now() - datetime.timedelta(seconds=1)
    Translation.objects.filter(pk=version.pk)  # visibility needs no task: public once its time passed
    workflow.publish(translation=version, actor=staff["publisher"], at=timezone.now() + datetime.timedelta(hours=1))
    Translation.objects.filter(pk=version.pk).update(published_at=at, first_published_at=at)
    assert Translation.objects.public().filter(pk=version.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert side_effects.announce_due.call() == [version.pk]
    assert len(hub.received) == 6
    assert side_effects.announce_due.call() == []


def test_the_worker_command_refuses_the_immediate_backend(settings):
    from django.core.management.base import CommandError

    settings.PRESSOFFICE_TASKS = "immediate"
    with pytest.raises(CommandError, match="no worker to start"):
        call_command("worker")


# Operators: /healthz and the admin -----------------------------------------------------------


@override_settings(TASKS=DATABASE, PRESSOFFICE_TASKS="database")
def test_healthz_reports_the_queue_without_failing_when_it_is_slow(client, staff):
    version = ready_version(staff)
    workflow.publish(translation=version, actor=staff["publisher"])
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=3))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["tasks"]["waiting"] == 1 and body["tasks"]["oldest_seconds"] >= 3 * 3600
    assert body["tasks"]["state"] == "ok" and body["tasks"]["backend"] == "DatabaseBackend"


@override_settings(TASKS=DATABASE, PRESSOFFICE_TASKS="database")
def test_an_operator_retries_a_failed_task_from_the_admin(admin_client, staff, client):
    failed = DBTaskResult.objects.create(
        args_kwargs={"args": ["publish:1:x", 1], "kwargs": {"attempt": 6}},
        task_path="statements.tasks.side_effects.notify_hub",
        backend_name="default",
        run_after=datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC),
        status=TaskResultStatus.FAILED,
        exception_class_path="statements.tasks.retry.GaveUp",
        traceback="GaveUp: the hub did not answer",
    )
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = admin_client.get(changelist + "?status__exact=FAILED")
    assert page.status_code == 200 and b"GaveUp" in page.content
    response = admin_client.post(changelist, {"action": "retry", "_selected_action": [str(failed.pk)]}, follow=True)
    assert b"1 failed task queued again." in response.content
    again = DBTaskResult.objects.exclude(pk=failed.pk).get()
    assert again.status == TaskResultStatus.READY and again.args_kwargs == {"args": ["publish:1:x", 1], "kwargs": {}}
    client.force_login(staff["editor"])  # staff without the permission see no retry
    assert b'value="retry"' not in client.get(changelist).content


@pytest.mark.redis
def test_the_reaper_requeues_jobs_rq_found_abandoned(db):
    """RQ fails a job whose worker stopped sending heartbeats with AbandonedJobError
    (django-tasks-rq records the class in the job's meta); the reaper queues it again,
    at most MAX_RUNS times. Against a real Redis, on a database number of its own."""
    import django_rq
    import redis
    from rq.registry import FailedJobRegistry

    url = "redis://127.0.0.1:6379/12"
    redis.Redis.from_url(url).flushdb()
    with override_settings(TASKS=RQ, RQ_QUEUES={"default": {"URL": url}}):
        result = side_effects.announce_due.enqueue()
        rq_queue = django_rq.get_queue("default")
        job = rq_queue.fetch_job(result.id)
        failed = FailedJobRegistry(queue=rq_queue)

        def abandon():
            job = rq_queue.fetch_job(result.id)  # as RQ and django-tasks-rq leave it
            rq_queue.remove(job.id)
            job.meta["_django_tasks_rq_exceptions"] = [
                *job.meta.get("_django_tasks_rq_exceptions", []),
                reaper.ABANDONED,
            ]
            job.save_meta()
            failed.add(job, exc_string="rq.exceptions.AbandonedJobError")

        for _run in range(1, reaper.MAX_RUNS):
            abandon()
            assert reaper.reap() == 1
            assert job.id in rq_queue.get_job_ids() and job.id not in failed.get_job_ids()
        abandon()
        assert reaper.reap() == 0  # the third loss: left failed, for a person to look at
        assert job.id in failed.get_job_ids()
        other = side_effects.announce_due.enqueue()
        rq_queue.remove(other.id)
        failed.add(rq_queue.fetch_job(other.id), exc_string="ValueError")  # failed for a reason of its own
        assert reaper.reap() == 0
    redis.Redis.from_url(url).flushdb()
