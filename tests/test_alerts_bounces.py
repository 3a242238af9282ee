"""Bounces and complaints feed the suppression list: delivery status notifications in a
mailbox (`manage.py process_bounces`), and an email service's tracking webhook through
django-anymail's real view (Postmark's format)."""

import base64
import json
import mailbox

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import clear_url_caches

from statements.alerts import suppression
from statements.models import Suppression

DSN = """From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: bounces@press.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; Gone@Example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 No such user

Final-Recipient: rfc822; busy@example.org
Action: delayed
Status: 4.2.2

--B
Content-Type: message/rfc822

Subject: Published: a fictional statement

--B--
"""

COMPLAINT = """From: feedback@isp.example
To: bounces@press.example
Subject: complaint
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F"

--F
Content-Type: text/plain

A complaint.

--F
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Fictional-FBL/1.0
Version: 1
Original-Rcpt-To: <angry@example.org>

--F--
"""

ORDINARY = """From: someone@example.org
To: bounces@press.example
Subject: Out of office

I am away.
"""


def fill(box):
    for text in (DSN, COMPLAINT, ORDINARY):
        box.add(text.encode())
    box.flush()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["mbox", "maildir"])
def test_process_bounces_suppresses_permanent_failures_and_complaints(tmp_path, kind, capsys):
    path = tmp_path / ("bounces.mbox" if kind == "mbox" else "Maildir")
    box = mailbox.mbox(path) if kind == "mbox" else mailbox.Maildir(path)
    fill(box)
    box.close()
    call_command("process_bounces", str(path), "--delete", verbosity=0)
    assert "Read 3 messages; 2 addresses newly suppressed." in capsys.readouterr().out
    assert suppression.is_suppressed("gone@example.org")
    assert suppression.is_suppressed("angry@example.org")
    assert not suppression.is_suppressed("busy@example.org")  # delayed: temporary
    assert set(Suppression.objects.values_list("reason", "source")) == {("bounce", "dsn"), ("complaint", "dsn")}
    reopened = mailbox.mbox(path) if kind == "mbox" else mailbox.Maildir(path)
    assert len(reopened) == 0  # --delete emptied it
    call_command("process_bounces", str(path), verbosity=0)  # again: nothing new, no error


@pytest.mark.django_db
def test_process_bounces_refuses_a_path_that_is_not_a_mailbox(tmp_path):
    with pytest.raises(CommandError, match="neither an mbox file nor a Maildir"):
        call_command("process_bounces", str(tmp_path / "missing"))
    assert not Suppression.objects.exists()


@pytest.fixture
def esp_webhooks():
    with override_settings(ANYMAIL={"WEBHOOK_SECRET": "hook:secret"}, ROOT_URLCONF="tests.urls_anymail"):
        clear_url_caches()
        yield
    clear_url_caches()


@pytest.mark.django_db
def test_a_postmark_bounce_webhook_suppresses_the_address(esp_webhooks):
    client = Client()
    auth = "Basic " + base64.b64encode(b"hook:secret").decode()
    bounce = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "TypeCode": 1,
        "Email": "hard@example.org",
        "ID": 1,
        "MessageID": "00000000-0000-0000-0000-000000000001",
        "BouncedAt": "2026-12-06T10:00:00Z",
    }
    soft = {**bounce, "Type": "SoftBounce", "TypeCode": 4096, "Email": "soft@example.org"}
    for payload in (bounce, soft):
        response = client.post(
            "/alerts/esp/postmark/tracking/",
            json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
        )
        assert response.status_code == 200
    assert suppression.is_suppressed("hard@example.org")
    assert not suppression.is_suppressed("soft@example.org")
    # Without the secret, nothing is taken.
    refused = client.post(
        "/alerts/esp/postmark/tracking/",
        json.dumps({**bounce, "Email": "forged@example.org"}),
        content_type="application/json",
    )
    assert refused.status_code in (400, 401, 403)
    assert not suppression.is_suppressed("forged@example.org")
