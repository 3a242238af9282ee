"""Email alerts end to end, through a real SMTP server on loopback (tests/smtp.py):
subscribe, confirm, the alert of a publication, headers, digests, one-click
unsubscribe, suppression, and runs interrupted and run again sending nothing twice."""

import datetime
import re

import pytest
from django.core import mail as django_mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from statements import workflow
from statements.alerts import sending, suppression
from statements.models import AlertRun, Delivery, Edition, Frequency, Subscriber, Subscription, Suppression
from statements.tasks import alerts as alert_tasks

from .factories import edit_text, make_person, make_public, make_statement, make_topic, make_version
from .smtp import SMTPServer

SITE = "https://press.example"


@pytest.fixture
def smtp():
    server = SMTPServer()
    with override_settings(**server.settings(), PRESSOFFICE_SITE_URL=SITE, DEFAULT_FROM_EMAIL="alerts@press.example"):
        yield server
    server.stop()


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text)


def path_of(url: str) -> str:
    assert url.startswith(SITE), url
    return url[len(SITE) :]


def subscribe(client, run_tasks, query: str, address: str, frequency="immediately", language="en"):
    with translation.override(language):
        url = reverse("alerts:subscribe") + query
    return run_tasks(client.post, url, {"email": address, "frequency": frequency})


def confirm_from(smtp, client, run_tasks, address):
    """Follow the confirmation mail's link: the GET shows a button, the POST confirms."""
    message = smtp.to(address)[-1]
    confirm = next(link for link in links(message.part("text/plain")) if "/alerts/confirm/" in link)
    page = client.get(path_of(confirm))
    assert page.status_code == 200 and b'method="post"' in page.content
    assert not Subscription.objects.filter(subscriber__email=address, confirmed_at__isnull=False).exists()
    return run_tasks(client.post, path_of(confirm))


@pytest.fixture
def person():
    return make_person("Ada Fictional")


def test_subscribe_confirm_alert_and_one_click_unsubscribe(client, staff, smtp, run_tasks, person):
    make_public(staff, participants=[person])  # the person's page exists publicly
    response = subscribe(client, run_tasks, f"?person={person.slug}", "Reader@Example.org")
    assert response.status_code == 200
    assert b"Check your inbox" in response.content
    [confirmation] = smtp.to("reader@example.org")
    assert confirmation.message["Subject"].startswith("Confirm your email alert")
    assert "Ada Fictional" in confirmation.part("text/plain")
    # Nothing is sent before the reader confirms.
    pending = Subscription.objects.get()
    assert pending.confirmed_at is None and pending.frequency == Frequency.IMMEDIATELY

    page = confirm_from(smtp, client, run_tasks, "reader@example.org")
    assert page.status_code == 200 and b"Subscribed" in page.content
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is not None
    assert "Ada Fictional" in subscription.wording and subscription.alert_list.criteria == {"person": [person.slug]}

    # An editor publishes a statement with the person: one alert, with everything in it.
    statement = make_statement(participants=[person], occurred_on=datetime.date(2026, 11, 6))
    version = make_version(statement, title="Fictional talks held", standfirst="They talked.", actor=staff["editor"])
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    run_tasks(workflow.publish, translation=version, actor=staff["publisher"])
    [alert] = [m for m in smtp.to("reader@example.org") if m is not confirmation]
    message = alert.message
    assert message["Subject"] == "Published: Fictional talks held"
    assert message["Content-Language"] == "en"
    assert message["Message-ID"].endswith("@press.example>") and message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<(https://press\.example/en/alerts/unsubscribe/[^>]+/)>", message["List-Unsubscribe"].strip()
    )
    assert unsubscribe, message["List-Unsubscribe"]
    text, html = alert.part("text/plain"), alert.part("text/html")
    for expected in ("Fictional talks held", "They talked.", "Ada Fictional", "Nov. 6, 2026"):
        assert expected in text and expected in html
    version.refresh_from_db()
    assert f"{SITE}{version.get_absolute_url()}" in text
    assert unsubscribe.group(1) in text  # every link is in the plain text, absolute
    assert all(link.startswith(SITE) for link in links(text))
    assert '<html lang="en" dir="ltr">' in html

    # One click (RFC 8058: a POST with List-Unsubscribe=One-Click, no cookie, no CSRF token).
    one_click = client.post(path_of(unsubscribe.group(1)), {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert Subscription.objects.get().unsubscribed_at is not None
    before = len(smtp.received)
    later = run_tasks(make_public, staff, participants=[person])
    assert AlertRun.objects.filter(edition__translation=later).exists()  # the fan-out ran
    assert len(smtp.received) == before  # and the next publication alerts nobody


def publish_with(staff, run_tasks, **statement_fields):
    statement = make_statement(**statement_fields)
    version = make_version(statement, actor=staff["editor"])
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    return run_tasks(workflow.publish, translation=version, actor=staff["publisher"])


def confirmed(address, criteria, frequency=Frequency.IMMEDIATELY, language="en", at=None):
    from statements.alerts import criteria as criteria_module

    subscriber, _ = Subscriber.objects.get_or_create(email=address, defaults={"language": language})
    with translation.override(language):
        alert_list = criteria_module.list_for(criteria, language)
    return Subscription.objects.create(
        subscriber=subscriber,
        alert_list=alert_list,
        frequency=frequency,
        requested_at=at or timezone.now() - datetime.timedelta(hours=1),
        confirmed_at=at or timezone.now() - datetime.timedelta(hours=1),
    )


def test_major_corrections_and_withdrawals_alert_minor_corrections_do_not(staff, smtp, run_tasks, person):
    confirmed("follower@example.org", {"person": [person.slug]})
    version = publish_with(staff, run_tasks, participants=[person])
    assert len(smtp.to("follower@example.org")) == 1

    edit_text(version, staff["editor"], "A typo fixed.")
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    run_tasks(workflow.publish, translation=version, actor=staff["publisher"], major=False)
    assert len(smtp.to("follower@example.org")) == 1  # minor: nothing

    edit_text(version, staff["editor"], "A figure corrected.")
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    run_tasks(workflow.publish, translation=version, actor=staff["publisher"], major=True, change_note="Figure fixed.")
    corrected = smtp.to("follower@example.org")[-1]
    assert corrected.message["Subject"].startswith("Corrected: ")
    assert "Figure fixed." in corrected.part("text/plain")

    run_tasks(workflow.withdraw, translation=version, actor=staff["publisher"], explanation="Issued in error.")
    withdrawn = smtp.to("follower@example.org")[-1]
    assert withdrawn.message["Subject"].startswith("Withdrawn: ")
    assert "Issued in error." in withdrawn.part("text/plain")
    assert len(smtp.to("follower@example.org")) == 3
    assert set(Edition.objects.filter(alert_runs__isnull=False).values_list("change", flat=True)) == {
        "publication",
        "major-correction",
        "withdrawal",
    }


def test_a_scheduled_version_alerts_only_from_its_publication_time(staff, smtp, run_tasks, person):
    confirmed("early@example.org", {"person": [person.slug]})
    version = make_version(make_statement(participants=[person]), actor=staff["editor"])
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    at = timezone.now() + datetime.timedelta(hours=2)
    run_tasks(workflow.publish, translation=version, actor=staff["publisher"], at=at)
    edition = Edition.objects.get(translation=version)
    assert smtp.to("early@example.org") == []
    assert sending.fan_out(edition.pk) is None  # not public yet: nothing is written
    assert not Delivery.objects.exists()
    run = run_tasks(sending.fan_out, edition.pk, now=at + datetime.timedelta(seconds=1))
    assert run is not None and run.deliveries.count() == 1
    # The fan-out was queued for the publication time by the transition itself.
    from statements.models import OutboxTask

    assert OutboxTask.objects.filter(task_path__endswith="alerts.fan_out", run_after=at).exists()


def test_an_alert_goes_in_the_subscribers_language_and_direction(staff, smtp, run_tasks, person):
    statement = make_statement(participants=[person])
    make_public(staff, statement=statement)  # English
    confirmed("reader-fa@example.org", {"person": [person.slug]}, language="fa")
    version = make_version(statement, language="fa", title="گفت‌وگوی خیالی", actor=staff["editor"])
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    run_tasks(workflow.publish, translation=version, actor=staff["publisher"])
    [alert] = smtp.to("reader-fa@example.org")
    assert alert.message["Content-Language"] == "fa"
    assert '<html lang="fa" dir="rtl">' in alert.part("text/html")
    assert "گفت‌وگوی خیالی" in alert.message["Subject"]
    assert "/fa/alerts/unsubscribe/" in alert.message["List-Unsubscribe"]


def test_a_daily_digest_collects_the_day_and_is_never_sent_empty(staff, smtp, run_tasks, person):
    topic = make_topic("Fictional trade")
    confirmed(
        "daily@example.org", {"topic": [topic.slug]}, Frequency.DAILY, at=timezone.now() - datetime.timedelta(days=2)
    )
    confirmed("weekly@example.org", {"topic": [topic.slug]}, Frequency.WEEKLY)
    confirmed("nothing@example.org", {"person": [person.slug]}, Frequency.DAILY)
    first = publish_with(staff, run_tasks, participants=[make_person()], topics=[topic])
    second = publish_with(staff, run_tasks, participants=[make_person()], topics=[topic])
    assert smtp.received == []  # digests only
    now = timezone.now()
    with override_settings(PRESSOFFICE_DIGEST_HOUR=(timezone.localtime(now).hour + 1) % 24):
        later = now + datetime.timedelta(hours=1, minutes=1)
        runs = run_tasks(sending.start_due_digests, now=later)
        assert {run.kind for run in runs} >= {"daily"}
        again = run_tasks(sending.start_due_digests, now=later + datetime.timedelta(minutes=5))
        assert again == []  # one run per period
    [digest] = smtp.to("daily@example.org")
    text = digest.part("text/plain")
    assert digest.message["Subject"] == "Your daily digest: 2 statements"
    assert first.title in text and second.title in text
    assert digest.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert smtp.to("nothing@example.org") == []  # nothing in it: never sent
    daily = AlertRun.objects.get(kind="daily")
    assert daily.deliveries.count() == 1
    # Building the run again writes and sends nothing more.
    run_tasks(sending.build_digest, daily.pk)
    assert len(smtp.to("daily@example.org")) == 1


def test_an_interrupted_fan_out_run_again_sends_nothing_twice(
    staff, smtp, run_tasks, person, django_capture_on_commit_callbacks
):
    for n in range(5):
        confirmed(f"reader{n}@example.org", {"person": [person.slug]})
    smtp.handler.accept_only = 2  # the server hangs up after two messages
    with override_settings(PRESSOFFICE_ALERT_BATCH_SIZE=10):
        version = publish_with(staff, run_tasks, participants=[person])
    assert len(smtp.received) == 2
    edition = Edition.objects.get(translation=version)
    run = AlertRun.objects.get(edition=edition)
    outcomes = sorted(run.deliveries.values_list("outcome", flat=True))
    assert outcomes == ["pending"] * 3 + ["sent"] * 2  # the rest wait for the retry
    assert all(d.error for d in run.deliveries.filter(outcome="pending"))

    smtp.handler.accept_only = None
    run_tasks(alert_tasks.fan_out.call, edition.pk)  # the fan-out again: no new rows, the rest queued
    assert run.deliveries.count() == 5
    assert len(smtp.received) == 5
    assert sorted(m.to for m in smtp.received) == [f"reader{n}@example.org" for n in range(5)]
    # Every batch once more: nothing is pending, nothing goes.
    ids = list(run.deliveries.values_list("pk", flat=True))
    assert sending.send(ids) == {}
    assert len(smtp.received) == 5


def test_the_server_down_keeps_everything_for_the_retry(staff, smtp, run_tasks, person):
    confirmed("patient@example.org", {"person": [person.slug]})
    smtp.stop()
    version = publish_with(staff, run_tasks, participants=[person])
    run = AlertRun.objects.get(edition__translation=version)
    [delivery] = run.deliveries.all()
    assert delivery.outcome == "pending" and delivery.attempts == 1
    smtp.start()
    assert sending.send([delivery.pk]) == {"sent": 1}
    assert len(smtp.to("patient@example.org")) == 1
    assert sending.send([delivery.pk]) == {}


def test_a_refused_recipient_is_suppressed_and_never_retried(staff, smtp, run_tasks, person):
    confirmed("gone@example.org", {"person": [person.slug]})
    confirmed("here@example.org", {"person": [person.slug]})
    smtp.handler.refuse["gone@example.org"] = "550 5.1.1 No such user"
    publish_with(staff, run_tasks, participants=[person])
    assert [m.to for m in smtp.received] == ["here@example.org"]
    assert Delivery.objects.get(subscriber__email="gone@example.org").outcome == "failed"
    assert suppression.is_suppressed("gone@example.org")
    row = Suppression.objects.get()
    assert "gone" not in row.email_hash and row.reason == "rejected"
    publish_with(staff, run_tasks, participants=[person])
    assert [m.to for m in smtp.received] == ["here@example.org", "here@example.org"]


def test_a_bounce_signal_stops_the_next_alert(staff, smtp, run_tasks, person):
    from anymail.signals import AnymailTrackingEvent, tracking

    confirmed("bouncing@example.org", {"person": [person.slug]})
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type="bounced", recipient="Bouncing@example.org"),
        esp_name="Test",
    )
    assert Suppression.objects.get().reason == "bounce"
    publish_with(staff, run_tasks, participants=[person])
    assert smtp.to("bouncing@example.org") == []
    # A deferred (soft) bounce suppresses nothing.
    tracking.send(
        sender=object, event=AnymailTrackingEvent(event_type="deferred", recipient="x@example.org"), esp_name="Test"
    )
    assert Suppression.objects.count() == 1


def test_the_envelope_sender_is_the_bounce_address(staff, smtp, run_tasks, person):
    confirmed("reader@example.org", {"person": [person.slug]})
    with override_settings(PRESSOFFICE_BOUNCE_ADDRESS="bounces@press.example"):
        publish_with(staff, run_tasks, participants=[person])
    [alert] = smtp.received
    assert alert.mail_from == "bounces@press.example"
    assert alert.message["From"] == "alerts@press.example"


def test_the_locmem_backend_is_not_what_these_tests_read(smtp):
    assert django_mail.outbox == []


def test_a_weekly_digest_goes_on_its_weekday_and_the_next_window_starts_where_it_ended(staff, smtp, run_tasks):
    topic = make_topic("Fictional ports")
    long_ago = timezone.now() - datetime.timedelta(days=10)
    confirmed("weekly@example.org", {"topic": [topic.slug]}, Frequency.WEEKLY, at=long_ago)
    version = publish_with(staff, run_tasks, participants=[make_person()], topics=[topic])
    later = timezone.now() + datetime.timedelta(hours=1, minutes=1)
    local = timezone.localtime(later)
    with override_settings(PRESSOFFICE_DIGEST_HOUR=local.hour, PRESSOFFICE_DIGEST_WEEKDAY=local.weekday()):
        [weekly] = run_tasks(sending.start_due_digests, now=later)
        assert weekly.kind == "weekly" and weekly.window_end <= later
        assert weekly.window_end - weekly.window_start == datetime.timedelta(days=7)
        [digest] = smtp.to("weekly@example.org")
        assert digest.message["Subject"] == "Your weekly digest: 1 statements"
        assert version.title in digest.part("text/plain")
        # A week later: the window starts where the last one ended, so nothing is sent twice.
        next_week = later + datetime.timedelta(days=7)
        [second] = run_tasks(sending.start_due_digests, now=next_week)
        assert second.window_start == weekly.window_end
        assert len(smtp.to("weekly@example.org")) == 1  # nothing new that week: no email
