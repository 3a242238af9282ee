"""Email alerts in the admin: publishers see counts per list and frequency, the runs with
sent and failed counts, and the suppression list, never an address; superusers see
addresses; a staff member suppresses an address by typing it (only its hash is kept)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from statements.alerts import criteria as criteria_module
from statements.models import AlertRun, Delivery, Frequency, Subscriber, Subscription, Suppression, address_hash

pytestmark = pytest.mark.django_db


def follow(address, criteria, frequency, confirmed=True):
    subscriber, _ = Subscriber.objects.get_or_create(email=address, defaults={"language": "en"})
    now = timezone.now()
    return Subscription.objects.create(
        subscriber=subscriber,
        alert_list=criteria_module.list_for(criteria, "en"),
        frequency=frequency,
        requested_at=now,
        confirmed_at=now if confirmed else None,
    )


@pytest.fixture
def subscriptions():
    follow("a@example.org", {"kind": ["speech"]}, Frequency.IMMEDIATELY)
    follow("b@example.org", {"kind": ["speech"]}, Frequency.IMMEDIATELY)
    follow("c@example.org", {"kind": ["speech"]}, Frequency.WEEKLY)
    follow("d@example.org", {"kind": ["speech"]}, Frequency.DAILY, confirmed=False)
    run = AlertRun.objects.create(kind="daily", period="2026-12-06", started_at=timezone.now())
    for address, outcome in (("a@example.org", "sent"), ("b@example.org", "sent"), ("c@example.org", "failed")):
        Delivery.objects.create(run=run, subscriber=Subscriber.objects.get(email=address), outcome=outcome)
    return run


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_publishers_see_counts_but_no_addresses(staff, subscriptions):
    client = logged_in(staff["publisher"])
    page = client.get(reverse("admin:statements_alertlist_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Statements (Speech)" in text
    cells = [cell.strip() for cell in text.split('<td class="field-')[1:]]
    counts = {cell.split('"')[0]: cell.split(">", 1)[1].split("<", 1)[0] for cell in cells}
    assert counts["immediately"] == "2" and counts["weekly"] == "1" and counts["daily"] == "0"
    assert counts["unconfirmed"] == "1"
    assert "@example.org" not in text
    runs = client.get(reverse("admin:statements_alertrun_changelist")).content.decode()
    assert '<td class="field-sent">2</td>' in runs and '<td class="field-failed">1</td>' in runs
    assert client.get(reverse("admin:statements_subscriber_changelist")).status_code == 403
    assert "@example.org" not in client.get(reverse("admin:index")).content.decode()


def test_editors_see_nothing_of_alerts(staff, subscriptions):
    client = logged_in(staff["editor"])
    assert client.get(reverse("admin:statements_alertlist_changelist")).status_code == 403
    assert client.get(reverse("admin:statements_suppression_changelist")).status_code == 403


def test_superusers_see_addresses_and_delete_everything_about_one(superuser, subscriptions):
    client = logged_in(superuser)
    page = client.get(reverse("admin:statements_subscriber_changelist")).content.decode()
    assert "a@example.org" in page and "d@example.org" in page
    reader = Subscriber.objects.get(email="a@example.org")
    response = client.post(reverse("admin:statements_subscriber_delete", args=[reader.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Subscriber.objects.filter(email="a@example.org").exists()
    assert not Delivery.objects.filter(subscriber_id=reader.pk).exists()


def test_a_publisher_suppresses_an_address_and_only_its_hash_is_kept(staff):
    client = logged_in(staff["publisher"])
    url = reverse("admin:statements_suppression_add")
    assert client.post(url, {"email": "Noisy@Example.org"}).status_code == 302
    row = Suppression.objects.get()
    assert row.email_hash == address_hash("noisy@example.org") and row.reason == "manual"
    again = client.post(url, {"email": "noisy@example.org"})
    assert again.status_code == 200 and "suppressed already" in again.content.decode()
    bad = client.post(url, {"email": "not an address"})
    assert bad.status_code == 200 and Suppression.objects.count() == 1
    found = client.get(reverse("admin:statements_suppression_changelist"), {"q": "noisy@example.org"})
    assert row.email_hash in found.content.decode()
    assert (
        client.post(reverse("admin:statements_suppression_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    )
