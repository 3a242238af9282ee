"""Addresses never break: when a live statement's meeting date changes, every address
its versions had answers 301 to the current one, in every language; 410 once the
version is unpublished (or 301 to where it was consolidated); hidden versions answer
like unknown addresses; the sitemap lists only the current address."""

import datetime

import pytest

from statements import workflow
from statements.models import FormerAddress, Translation

from .factories import make_public, make_version, review_and_publish

pytestmark = pytest.mark.django_db


def move(statement, staff, day):
    def apply():
        statement.occurred_on = day
        statement.save()

    workflow.update_statement(statement=statement, actor=staff["publisher"], apply=apply)


def fresh(version):
    return Translation.objects.get(pk=version.pk)


@pytest.fixture
def bilingual(staff):
    english = make_public(staff, title="Harbour talks", occurred_on=datetime.date(2026, 3, 2))
    persian = review_and_publish(
        make_version(english.statement, language="fa", title="گفت‌وگوی بندر", actor=staff["editor"]), staff
    )
    return english, persian


def test_meeting_date_change_redirects_every_former_address_in_every_language(client, staff, bilingual):
    english, persian = bilingual
    old = [english.get_absolute_url(), persian.get_absolute_url()]
    move(english.statement, staff, datetime.date(2026, 3, 3))
    new = [fresh(english).get_absolute_url(), fresh(persian).get_absolute_url()]
    assert new[0] == "/en/statements/2026/03/03/harbour-talks/"
    for before, after in zip(old, new, strict=True):
        response = client.get(before)
        assert response.status_code == 301, before
        assert response["Location"] == after
        assert client.get(after).status_code == 200


def test_a_second_date_change_sends_both_former_addresses_to_the_current_one(client, staff, bilingual):
    english, _ = bilingual
    first = english.get_absolute_url()
    move(english.statement, staff, datetime.date(2026, 3, 3))
    second = fresh(english).get_absolute_url()
    move(english.statement, staff, datetime.date(2026, 3, 4))
    current = fresh(english).get_absolute_url()
    assert {client.get(url)["Location"] for url in (first, second)} == {current}
    # Moving back to the first date: that address is current again, not a former one.
    move(english.statement, staff, datetime.date(2026, 3, 2))
    assert client.get(first).status_code == 200
    assert not FormerAddress.objects.filter(translation=english, occurred_on=datetime.date(2026, 3, 2)).exists()


def test_former_addresses_answer_gone_once_unpublished_or_consolidated(client, staff, bilingual):
    english, persian = bilingual
    old_en, old_fa = english.get_absolute_url(), persian.get_absolute_url()
    move(english.statement, staff, datetime.date(2026, 3, 3))
    publisher = staff["publisher"]
    workflow.unpublish(translation=fresh(english), actor=publisher, reason="published_in_error", explanation="")
    assert client.get(old_en).status_code == 410
    assert client.get(fresh(english).get_absolute_url()).status_code == 410
    target = make_public(staff, title="Harbour talks, consolidated").get_absolute_url()
    workflow.unpublish(translation=fresh(persian), actor=publisher, reason="consolidated", redirect_url=target)
    response = client.get(old_fa)
    assert response.status_code == 301 and response["Location"] == target


def test_former_address_of_a_scheduled_version_answers_like_an_unknown_one(client, staff):
    english = make_public(staff, title="Later talks", occurred_on=datetime.date(2026, 3, 2))
    scheduled = make_version(english.statement, language="fa", title="گفت‌وگوی بعدی", actor=staff["editor"])
    review_and_publish(scheduled, staff, at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC))
    old = fresh(scheduled).get_absolute_url()
    move(english.statement, staff, datetime.date(2026, 3, 3))
    assert FormerAddress.objects.filter(translation=scheduled).exists()
    unknown = client.get("/fa/statements/2026/03/02/no-such-statement/")
    response = client.get(old)
    assert response.status_code == unknown.status_code == 404
    assert "بعدی" not in response.content.decode()


def test_drafts_leave_no_former_address(staff):
    english = make_public(staff, title="Quiet talks", occurred_on=datetime.date(2026, 3, 2))
    draft = make_version(english.statement, language="fa", title="پیش‌نویس", actor=staff["editor"])
    move(english.statement, staff, datetime.date(2026, 3, 3))
    assert not FormerAddress.objects.filter(translation=draft).exists()
    assert FormerAddress.objects.filter(translation=english).count() == 1


def test_sitemap_lists_only_the_current_address(client, staff, bilingual):
    english, _ = bilingual
    old = english.get_absolute_url()
    move(english.statement, staff, datetime.date(2026, 3, 3))
    sitemap = client.get("/sitemap.xml").content.decode()
    assert fresh(english).get_absolute_url() in sitemap
    assert old not in sitemap
