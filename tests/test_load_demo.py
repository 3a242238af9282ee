"""load_demo: the seed readout and invented content, and a second run changes nothing."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection

from statements import workflow
from statements.models import Administration, AuditEntry, Image, Person, Quote, Statement, Translation

pytestmark = pytest.mark.django_db


def every_row() -> dict:
    """Every row of every table, ordered, as plain tuples."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names from introspection
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_second_run_changes_no_row_in_any_table(demo):
    before = every_row()
    assert sum(len(rows) for rows in before.values()) > 300
    call_command("load_demo", verbosity=0)
    assert every_row() == before


def test_seed_readout_published_in_english_with_participants(demo):
    statement = Statement.objects.get(occurred_on=datetime.date(2023, 11, 6))
    version = Translation.objects.public().get(statement=statement)
    assert version.language == "en"
    assert version.title == "The Leader of the Islamic Revolution in a Meeting of the Prime Minister of Iraq"
    assert version.standfirst == "The need to increase the political pressure on the United States and the Zionist"
    assert "700 /" not in version.body
    assert len(version.body.split("\n\n")) == 11
    titles = {p.person.name: (p.part, p.title()) for p in statement.participations.all()}
    assert titles == {
        "Ali Khamenei": ("host", "Leader of the Islamic Revolution"),
        "Mohammad Shia al-Sudani": ("guest", "Prime Minister of Iraq"),
        "Ebrahim Raisi": ("attendee", "President of Iran"),
    }
    assert {t.slug for t in statement.topics.all()} >= {"gaza", "arbaeen", "economic-cooperation"}


def test_seed_readout_has_its_confirmed_quotes(demo):
    """The Leader's five quotations and al-Sudani's two, attributed by the importer's
    parser, confirmed and public, each standing in the paragraph it names."""
    version = Translation.objects.public().get(statement__occurred_on=datetime.date(2023, 11, 6))
    quotes = list(Quote.objects.public().filter(translation=version).order_by("position"))
    assert [q.speaker.slug for q in quotes] == ["ali-khamenei"] * 5 + ["mohammad-shia-al-sudani"] * 2
    assert quotes[0].words.startswith("Iraq, as an important country in the region")
    assert quotes[0].role == "Leader of the Islamic Revolution"
    assert quotes[-1].role == "Prime Minister of Iraq"
    paragraphs = version.body.split("\n\n")
    assert all(q.words in paragraphs[q.paragraph - 1] for q in quotes)


def test_demo_has_an_ended_administration_whose_political_statements_carry_the_banner(demo, client):
    from statements import history

    first = Administration.objects.get(slug="first-holt")
    assert first.has_ended and first.statements.exists()
    english = Translation.objects.public().filter(statement__administration=first, language="en")
    bannered = [v for v in english.with_history()
                if history.banner(v)]  # fmt: skip
    assert (
        bannered
        and "This was published under the first Holt administration"
        in client.get(bannered[0].get_absolute_url()).content.decode()
    )


def test_raisi_appointment_ended_2024_05_19(demo):
    raisi = Person.objects.get(slug="ebrahim-raisi")
    assert raisi.title_on(datetime.date(2024, 5, 19)) == "President of Iran"
    assert raisi.title_on(datetime.date(2024, 5, 20)) == ""


def test_demo_covers_every_kind_language_and_state(demo):
    versions = Translation.objects.all()
    assert set(Statement.objects.values_list("kind", flat=True)) == {k for k, _ in Statement.Kind.choices}
    assert {"en", "fa", "ar"} <= set(Translation.objects.public().values_list("language", flat=True))
    assert {"draft", "in_review", "published"} <= set(versions.values_list("status", flat=True))
    dates = (
        Translation.objects.public().exclude(statement__occurred_on__year=2023).values_list("occurred_on", flat=True)
    )
    assert (max(dates) - min(dates)).days > 600
    assert Statement.objects.count() >= 40
    assert Image.objects.count() >= 1 and Statement.objects.filter(featured_image__isnull=False).exists()


def test_demo_versions_each_have_a_revision_and_published_ones_a_live_revision(demo):
    for version in Translation.objects.prefetch_related("revisions"):
        assert [r.number for r in version.revisions.all()] == [1]
        assert (version.live_revision_id is not None) == (version.status == "published")


def test_demo_versions_in_review_can_be_reviewed(demo):
    waiting = Translation.objects.filter(status="in_review")
    assert waiting.exists()
    assert all(v.submitted_revision_id == v.revisions.get().pk for v in waiting)


def test_publish_due_right_after_load_demo_announces_nothing(demo):
    """Demo content that is already public is already announced: no audit entries dated
    now, no WebSub pings for old statements."""
    assert Translation.objects.public().filter(announced_at__isnull=True).count() == 0
    assert workflow.announce_due() == []
    assert not AuditEntry.objects.filter(action="went_live").exists()
