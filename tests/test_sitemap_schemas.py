"""sitemap.xml and news-sitemap.xml against their XML Schemas (tests/schemas/), when
empty and when full: the news sitemap must validate even with nothing published in the
last two days."""

import datetime
from pathlib import Path

import pytest
import xmlschema
from django.utils import timezone

from statements.models import Translation

from .factories import make_public

pytestmark = pytest.mark.django_db
SCHEMA = xmlschema.XMLSchema(str(Path(__file__).parent / "schemas" / "sitemap-0.9.xsd"))


def validate(client, path):
    response = client.get(path)
    assert response.status_code == 200
    SCHEMA.validate(response.content.decode())
    return response.content.decode()


def test_schema_refuses_an_empty_urlset_and_a_news_entry_without_title():
    empty = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
    assert not SCHEMA.is_valid(empty)
    untitled = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:n="http://www.google.com/schemas/sitemap-news/0.9">'
        "<url><loc>https://press.example/en/x/</loc><n:news><n:publication><n:name>O</n:name>"
        "<n:language>en</n:language></n:publication><n:publication_date>2026-01-01</n:publication_date>"
        "</n:news></url></urlset>"
    )
    assert not SCHEMA.is_valid(untitled)


def test_sitemap_is_valid_on_a_site_with_nothing_public(client):
    body = validate(client, "/sitemap.xml")
    assert body.count("<url>") == 1 and "/en/</loc>" in body


def test_news_sitemap_is_valid_when_nothing_is_recent(client, staff):
    body = validate(client, "/news-sitemap.xml")  # nothing at all
    assert "<news:news>" not in body and "/en/</loc>" in body
    old = make_public(staff, title="An older readout")
    Translation.objects.filter(pk=old.pk).update(first_published_at=timezone.now() - datetime.timedelta(days=5))
    body = validate(client, "/news-sitemap.xml")
    assert "An older readout" not in body


def test_sitemaps_are_valid_when_full(client, staff):
    for n in range(3):
        english = make_public(staff, title=f"Readout number {n}")
    make_public(staff, title="گزارش دیدار", language="fa", statement=english.statement)
    body = validate(client, "/news-sitemap.xml")
    assert body.count("<news:news>") == 4 and "Readout number 2" in body
    sitemap = validate(client, "/sitemap.xml")
    assert sitemap.count("<url>") == 4 and 'hreflang="x-default"' in sitemap
