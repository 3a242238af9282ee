"""Structured logs: transitions, refusals, lockouts, rate limits and errors, as JSON lines."""

import json
import logging

import pytest
from django.test import Client, override_settings

from statements import workflow
from statements.logs import JsonFormatter

from .factories import make_person, make_staff, make_statement, make_version

pytestmark = pytest.mark.django_db


def records(caplog, event):
    return [record for record in caplog.records if getattr(record, "event", None) == event]


def test_transitions_are_logged_after_commit_with_their_fields(caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="statements")
    editor = make_staff("Editor", "ed")
    version = make_version(make_statement(participants=[make_person()]), actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_for_review(translation=version, actor=editor)
    (record,) = [r for r in records(caplog, "transition") if r.action == "submit_for_review"]
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "transition" and line["actor"] == "ed" and line["translation"] == version.pk
    assert line["from_status"] == "draft" and line["to_status"] == "in_review"
    assert line["level"] == "INFO" and line["logger"] == "statements.workflow" and line["time"].endswith("+00:00")


def test_refusals_are_logged_with_the_reason(caplog):
    editor = make_staff("Editor", "ed")
    version = make_version(make_statement(participants=[make_person()]), actor=editor)
    with pytest.raises(workflow.TransitionError):
        workflow.publish(translation=version, actor=editor)
    (record,) = records(caplog, "transition_refused")
    line = json.loads(JsonFormatter().format(record))
    assert line["action"] == "publish" and line["actor"] == "ed" and line["target"] == f"Translation:{version.pk}"
    assert line["reason"] and line["level"] == "WARNING"


@override_settings(PRESSOFFICE_RATE_LIMIT_FEEDS="1/60")
def test_rate_limit_refusals_are_logged(caplog, client):
    client.get("/en/feeds/statements.rss")
    client.get("/en/feeds/statements.rss")
    (record,) = records(caplog, "rate_limited")
    assert json.loads(JsonFormatter().format(record))["bucket"] == "feeds"


def test_server_errors_are_logged_with_the_traceback_but_pages_show_none(caplog):
    with override_settings(DEBUG=False, ROOT_URLCONF="tests.urls_boom"):
        response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500 and "secret detail" not in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    line = json.loads(JsonFormatter().format(record))
    assert line["status"] == 500 and line["path"] == "/boom/" and "RuntimeError: secret detail" in line["exception"]


def test_not_found_is_logged_as_a_warning(caplog, client):
    client.get("/en/people/nobody-at-all/")
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["status"] == 404 and line["level"] == "WARNING"


def test_production_logs_are_json_by_default():
    from pressoffice.settings import base

    assert base.LOGGING["handlers"]["console"]["formatter"] == "json"


def test_a_cache_outage_is_logged_once_a_minute_not_once_a_request(caplog, monkeypatch):
    from statements import freshness

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(freshness.cache, "get_many", broken)
    for _request in range(5):
        assert freshness.cached("probe", lambda: "computed", ["site"]) == "computed"
    assert len(records(caplog, "cache_unreachable")) == 1
    monkeypatch.setattr(freshness.time, "monotonic", lambda: 10**9)
    freshness.cached("probe", lambda: "computed", ["site"])
    second = records(caplog, "cache_unreachable")[1]
    assert second.suppressed_since_last == 4
