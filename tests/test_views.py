"""The placeholder public pages reach content only through Translation.objects.public()."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statements.models import Translation

from .factories import make_statement, make_version, publish_directly

pytestmark = pytest.mark.django_db


def test_root_redirects_to_the_readers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fa,en;q=0.5")
    assert response.status_code == 302 and response["Location"] == "/fa/"


def test_home_lists_public_versions_of_its_language_only(client):
    live = publish_directly(make_version(title="Live statement"))
    make_version(title="Draft statement")
    publish_directly(make_version(title="Scheduled statement"), at=timezone.now() + datetime.timedelta(hours=1))
    publish_directly(make_version(live.statement, language="fa", title="بیانیه فارسی"))
    page = client.get("/en/").content.decode()
    assert "Live statement" in page
    assert "Draft statement" not in page and "Scheduled statement" not in page and "بیانیه" not in page
    fa_page = client.get("/fa/").content.decode()
    assert "بیانیه فارسی" in fa_page and 'dir="rtl"' in fa_page


def test_public_version_detail(client):
    version = publish_directly(make_version(make_statement(occurred_on=datetime.date(2023, 11, 6)), title="Met"))
    assert version.get_absolute_url() == "/en/statements/2023/11/06/met/"
    response = client.get(version.get_absolute_url())
    assert response.status_code == 200 and "Met" in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_unpublished_states_answer_like_unknown_urls(client, status):
    version = make_version(title="Hidden")
    Translation.objects.filter(pk=version.pk).update(status=status)
    assert client.get(version.get_absolute_url()).status_code == 404


def test_scheduled_version_invisible_until_its_time(client):
    version = publish_directly(make_version(title="Soon"), at=timezone.now() + datetime.timedelta(seconds=60))
    assert client.get(version.get_absolute_url()).status_code == 404
    assert not Translation.objects.public().filter(pk=version.pk).exists()
    later = timezone.now() + datetime.timedelta(seconds=61)
    assert Translation.objects.public(now=later).filter(pk=version.pk).exists()


def test_bad_dates_and_languages_are_404_not_500(client):
    assert client.get("/en/statements/2023/02/30/x/").status_code == 404
    assert client.get("/xx/").status_code == 404


def test_home_query_count_constant(client):
    publish_directly(make_version())
    with CaptureQueriesContext(connection) as small:
        client.get("/en/")
    for _ in range(8):
        publish_directly(make_version())
    with CaptureQueriesContext(connection) as large:
        client.get("/en/")
    assert len(small) == len(large) == 1
