"""The alert pages: subscribing with bad input (a clear error, nothing stored), the same
list whatever the parameter order, hidden things refused like unknown ones, signed
links that are tampered with, used or expired, one-click unsubscribe for any token,
the manage page, and the privacy purges."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from statements.alerts import suppression, tokens
from statements.models import AlertList, Frequency, Subscriber, Subscription, Suppression, address_hash

from .factories import make_country, make_person, make_public, make_statement, make_topic, make_version


@pytest.fixture
def listed(staff):
    person, topic = make_person("Bo Imaginary"), make_topic("Fictional fisheries")
    country = make_country("ZZ", "Zedland")
    version = make_public(staff, participants=[person], topics=[topic])
    version.statement.countries.set([country])
    return {"person": person, "topic": topic, "country": country}


def subscribe_url(query=""):
    return reverse("alerts:subscribe") + query


def nothing_stored():
    return not (Subscriber.objects.exists() or Subscription.objects.exists() or AlertList.objects.exists())


def test_the_form_shows_the_lists_description(client, listed):
    response = client.get(subscribe_url(f"?person={listed['person'].slug}&topic={listed['topic'].slug}"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Statements with Bo Imaginary about Fictional fisheries" in text
    assert 'name="email"' in text and 'value="immediately"' in text and 'value="weekly"' in text
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an address", "frequency": "daily"}, "Enter an email address"),
        ({"email": "a" * 250 + "@example.org", "frequency": "daily"}, "at most 254 characters"),
        ({"email": "reader@example.org", "frequency": "hourly"}, "Choose immediately, daily or weekly"),
        ({"email": "reader@example.org"}, "This field is required"),
        ({"frequency": "daily"}, "This field is required"),
    ],
)
def test_bad_input_is_a_form_error_and_stores_nothing(client, listed, data, message):
    response = client.post(subscribe_url(f"?person={listed['person'].slug}"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_stored() and mail.outbox == []


def test_the_same_filter_in_another_order_is_the_same_list(client, listed, run_tasks):
    person, topic = listed["person"].slug, listed["topic"].slug
    for query in (f"?person={person}&topic={topic}", f"?topic={topic}&person={person}&person={person}&page=2"):
        response = run_tasks(client.post, subscribe_url(query), {"email": "reader@example.org", "frequency": "daily"})
        assert response.status_code == 200
    assert AlertList.objects.count() == 1
    assert AlertList.objects.get().criteria == {"person": [person], "topic": [topic]}
    assert Subscription.objects.count() == 1
    assert len(mail.outbox) == 2  # each request mails a confirmation link


def test_country_codes_are_one_list_in_either_case(client, listed, run_tasks):
    for code in ("zz", "ZZ"):
        run_tasks(client.post, subscribe_url(f"?country={code}"), {"email": "c@example.org", "frequency": "daily"})
    assert AlertList.objects.get().criteria == {"country": ["ZZ"]}


def test_unknown_and_hidden_values_are_refused_alike(client, staff, listed):
    hidden = make_person("Hidden Draftee")
    make_version(make_statement(participants=[hidden]), actor=staff["editor"])  # a draft only
    unknown = client.post(subscribe_url("?person=nobody-at-all"), {"email": "r@example.org", "frequency": "daily"})
    secret = client.post(subscribe_url(f"?person={hidden.slug}"), {"email": "r@example.org", "frequency": "daily"})
    assert unknown.status_code == secret.status_code == 400
    assert unknown.content.decode().replace("nobody-at-all", "X") == secret.content.decode().replace(hidden.slug, "X")
    assert "Hidden Draftee" not in secret.content.decode()
    assert client.get(subscribe_url(f"?person={hidden.slug}")).status_code == 400
    assert nothing_stored()


def test_malformed_filters_are_refused(client, listed):
    for query in ("?month=3", "?date_after=yesterday", "?country=ZZZ", "?q=" + "x" * 500):
        response = client.get(subscribe_url(query))
        assert response.status_code == 400, query
    assert nothing_stored()


def test_the_answer_is_the_same_for_new_known_and_suppressed_addresses(client, listed, run_tasks):
    url = subscribe_url(f"?person={listed['person'].slug}")
    suppression.suppress("blocked@example.org", Suppression.Reason.COMPLAINT)
    answers = [
        run_tasks(client.post, url, {"email": address, "frequency": "daily"}).content
        for address in ("new@example.org", "new@example.org", "blocked@example.org")
    ]
    assert answers[0] == answers[1] == answers[2]
    assert [m.to for m in mail.outbox] == [["new@example.org"], ["new@example.org"]]
    assert not Subscriber.objects.filter(email="blocked@example.org").exists()


def test_others_may_post_without_a_csrf_token(listed, run_tasks):
    client = Client(enforce_csrf_checks=True)
    response = run_tasks(
        client.post,
        subscribe_url(f"?person={listed['person'].slug}"),
        {"email": "tool@example.org", "frequency": "weekly"},
    )
    assert response.status_code == 200
    assert Subscription.objects.get().frequency == "weekly"


@override_settings(PRESSOFFICE_RATE_LIMIT_ALERTS="3/3600")
def test_too_many_requests_from_one_client_get_429(client, listed, run_tasks):
    cache.clear()
    url = subscribe_url(f"?person={listed['person'].slug}")
    codes = [
        run_tasks(client.post, url, {"email": f"r{n}@example.org", "frequency": "daily"}).status_code for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert Subscriber.objects.count() == 3
    assert client.get(url).status_code == 200  # reading the form is not limited


@override_settings(PRESSOFFICE_RATE_LIMIT_ALERT_ADDRESS="2/86400")
def test_too_many_requests_for_one_address_get_429(client, listed, run_tasks):
    cache.clear()
    url = subscribe_url(f"?person={listed['person'].slug}")
    responses = [run_tasks(client.post, url, {"email": "Same@example.org", "frequency": "daily"}) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[2]["Retry-After"]
    assert len(mail.outbox) == 2


def request_and_token(client, run_tasks, listed, frequency="daily"):
    run_tasks(
        client.post,
        subscribe_url(f"?person={listed['person'].slug}"),
        {"email": "r@example.org", "frequency": frequency},
    )
    body = mail.outbox[-1].body
    return next(line for line in body.split() if "/alerts/confirm/" in line).split("press-office", 1)[-1]


def confirm_path(subscription, frequency="daily"):
    return reverse("alerts:confirm", args=[tokens.confirm_token(subscription, frequency)])


def test_confirming_takes_a_post_and_a_used_link_says_so(client, listed, run_tasks):
    run_tasks(
        client.post,
        subscribe_url(f"?person={listed['person'].slug}"),
        {"email": "r@example.org", "frequency": "daily"},
    )
    subscription = Subscription.objects.get()
    path = confirm_path(subscription)
    assert path in mail.outbox[0].body
    assert client.get(path).status_code == 200
    assert Subscription.objects.get().confirmed_at is None  # a GET confirms nothing
    assert b"Subscribed" in client.post(path).content
    again = client.post(path)
    assert again.status_code == 200 and b"Already confirmed" in again.content


def test_tampered_and_expired_links_get_a_clear_page(client, listed, run_tasks):
    run_tasks(
        client.post,
        subscribe_url(f"?person={listed['person'].slug}"),
        {"email": "r@example.org", "frequency": "daily"},
    )
    subscription = Subscription.objects.get()
    token = tokens.confirm_token(subscription, "daily")
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for method in (client.get, client.post):
        response = method(reverse("alerts:confirm", args=[tampered]))
        assert response.status_code == 400 and b"This link is not valid" in response.content
    # A manage token is not a confirmation token.
    other = tokens.manage_token(subscription.subscriber)
    assert client.post(reverse("alerts:confirm", args=[other])).status_code == 400
    with freeze_time(timezone.now() + datetime.timedelta(days=8)):
        expired = client.post(reverse("alerts:confirm", args=[token]))
    assert expired.status_code == 410 and b"has expired" in expired.content
    assert Subscription.objects.get().confirmed_at is None


def test_a_confirmed_link_of_a_deleted_subscription_has_expired(client, listed, run_tasks):
    run_tasks(
        client.post,
        subscribe_url(f"?person={listed['person'].slug}"),
        {"email": "r@example.org", "frequency": "daily"},
    )
    path = confirm_path(Subscription.objects.get())
    Subscriber.objects.all().delete()
    assert client.post(path).status_code == 410


def active(address, criteria, frequency=Frequency.DAILY):
    from statements.alerts import criteria as criteria_module

    subscriber, _ = Subscriber.objects.get_or_create(email=address, defaults={"language": "en"})
    return Subscription.objects.create(
        subscriber=subscriber,
        alert_list=criteria_module.list_for(criteria, "en"),
        frequency=frequency,
        requested_at=timezone.now(),
        confirmed_at=timezone.now(),
    )


def test_one_click_unsubscribe_answers_200_for_any_token(listed):
    client = Client(enforce_csrf_checks=True)
    subscription = active("leaving@example.org", {"person": [listed["person"].slug]})
    token = tokens.unsubscribe_token(subscription.subscriber, [subscription.pk])
    page = client.get(reverse("alerts:unsubscribe", args=[token]))
    assert page.status_code == 200 and b'method="post"' in page.content
    assert Subscription.objects.get().unsubscribed_at is None  # the GET only asks
    for garbage in ("nonsense", token[:-4] + "AAAA", tokens.manage_token(subscription.subscriber)):
        response = client.post(reverse("alerts:unsubscribe", args=[garbage]), {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
    assert Subscription.objects.get().unsubscribed_at is None
    response = client.post(reverse("alerts:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscription.objects.get().unsubscribed_at is not None


def test_the_manage_page_changes_frequency_leaves_and_deletes_everything(client, listed):
    person, topic = listed["person"].slug, listed["topic"].slug
    first = active("owner@example.org", {"person": [person]})
    second = active("owner@example.org", {"topic": [topic]}, Frequency.WEEKLY)
    stranger = active("stranger@example.org", {"topic": [topic]})
    url = reverse("alerts:manage", args=[tokens.manage_token(first.subscriber)])
    page = client.get(url).content.decode()
    assert "owner@example.org" in page and "Bo Imaginary" in page and "Fictional fisheries" in page
    assert "stranger@example.org" not in page

    assert client.post(url, {"action": "change", "subscription": first.pk, "frequency": "weekly"}).status_code == 200
    first.refresh_from_db()
    assert first.frequency == "weekly"
    bad = client.post(url, {"action": "change", "subscription": first.pk, "frequency": "hourly"})
    assert b"Nothing was changed" in bad.content
    # Another address's subscription cannot be touched from this page.
    client.post(url, {"action": "change", "subscription": stranger.pk, "frequency": "weekly"})
    client.post(url, {"action": "leave", "subscription": stranger.pk})
    stranger.refresh_from_db()
    assert stranger.frequency == "daily" and stranger.unsubscribed_at is None
    assert client.post(url, {"action": "explode"}).status_code == 400

    client.post(url, {"action": "leave", "subscription": second.pk})
    second.refresh_from_db()
    assert second.unsubscribed_at is not None

    gone = client.post(url, {"action": "delete-everything"})
    assert gone.status_code == 200 and b"Address deleted" in gone.content
    assert not Subscriber.objects.filter(email="owner@example.org").exists()
    assert not Subscription.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert client.get(url).status_code == 410


def test_lists_link_to_their_email_alerts(client, listed):
    person = listed["person"]
    page = client.get(reverse("statements:person", args=[person.slug])).content.decode()
    assert f'{reverse("alerts:subscribe")}?person={person.slug}"' in page
    listing = client.get(reverse("statements:list") + f"?topic={listed['topic'].slug}&page=1&sort=oldest")
    assert f'{reverse("alerts:subscribe")}?topic={listed["topic"].slug}"' in listing.content.decode()


def test_unconfirmed_and_unsubscribed_addresses_are_forgotten(listed):
    now = timezone.now()
    old = active("old-unconfirmed@example.org", {"person": [listed["person"].slug]})
    Subscription.objects.filter(pk=old.pk).update(confirmed_at=None, requested_at=now - datetime.timedelta(days=8))
    Subscriber.objects.filter(pk=old.subscriber_id).update(created_at=now - datetime.timedelta(days=8))
    fresh = active("fresh-unconfirmed@example.org", {"person": [listed["person"].slug]})
    Subscription.objects.filter(pk=fresh.pk).update(confirmed_at=None)
    left = active("left@example.org", {"person": [listed["person"].slug]})
    Subscription.objects.filter(pk=left.pk).update(unsubscribed_at=now - datetime.timedelta(days=31))
    Subscriber.objects.filter(pk=left.subscriber_id).update(created_at=now - datetime.timedelta(days=60))
    recent = active("left-recently@example.org", {"person": [listed["person"].slug]})
    Subscription.objects.filter(pk=recent.pk).update(unsubscribed_at=now - datetime.timedelta(days=3))
    suppression.suppress("left@example.org", Suppression.Reason.BOUNCE)

    assert suppression.purge(now=now) == {"unconfirmed": 1, "unsubscribed": 1, "addresses": 2}
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "fresh-unconfirmed@example.org",
        "left-recently@example.org",
    }
    # The suppression list keeps only the hash.
    assert Suppression.objects.get().email_hash == address_hash("left@example.org")
