"""A participant's title is the one they held on the meeting date, resolved in bulk."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.models import Participation, Translation

from .factories import appoint, make_person, make_role, make_statement, make_version

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def raisi():
    person = make_person("Ebrahim Raisi")
    role = make_role("President of Iran", names={"fa": "رئیس‌جمهور ایران"})
    appoint(person, role, D(2021, 8, 3), D(2024, 5, 19))
    return person


@pytest.mark.parametrize(
    ("day", "title"),
    [
        (D(2024, 5, 18), "President of Iran"),
        (D(2024, 5, 19), "President of Iran"),  # ended_on is the last day in office
        (D(2024, 5, 20), ""),
        (D(2021, 8, 2), ""),
        (D(2021, 8, 3), "President of Iran"),
    ],
)
def test_title_on_a_date(raisi, day, title):
    assert raisi.title_on(day) == title


def test_title_on_a_date_in_another_language(raisi):
    assert raisi.title_on(D(2023, 11, 6), "fa") == "رئیس‌جمهور ایران"
    assert raisi.title_on(D(2023, 11, 6), "ar") == "President of Iran"


def test_title_follows_a_change_of_office():
    person = make_person()
    appoint(person, make_role("Foreign Minister"), D(2021, 5, 1), D(2025, 6, 30))
    appoint(person, make_role("Prime Minister"), D(2025, 7, 1))
    assert person.title_on(D(2025, 6, 30)) == "Foreign Minister"
    assert person.title_on(D(2025, 7, 1)) == "Prime Minister"


def test_participation_label_overrides_title(raisi):
    statement = make_statement(occurred_on=D(2023, 11, 6), participants=[raisi])
    participation = statement.participations.get()
    assert participation.title() == "President of Iran"
    participation.label = "Head of the delegation"
    assert participation.title() == "Head of the delegation"


def test_a_2023_readout_keeps_the_title_after_the_person_left_office(raisi):
    statement = make_statement(occurred_on=D(2023, 11, 6), participants=[raisi])
    later = make_statement(occurred_on=D(2024, 6, 1), participants=[raisi])
    assert statement.participations.get().title() == "President of Iran"
    assert later.participations.get().title() == ""


def _titles_of_listing():
    versions = Translation.objects.with_statement().with_participants().order_by("pk")
    return [[p.title() for p in v.statement.participations.all()] for v in versions]


def _build(n):
    role = make_role()
    for i in range(n):
        people = [make_person() for _ in range(3)]
        for person in people:
            appoint(person, role if i == 0 and person is people[0] else make_role(), D(2020, 1, 1))
        make_version(make_statement(occurred_on=D(2024, 1, 1 + i % 28), participants=people))


def test_titles_for_a_whole_list_cost_constant_queries():
    _build(2)
    with CaptureQueriesContext(connection) as small:
        titles = _titles_of_listing()
    assert len(titles) == 2 and all(all(row) for row in titles)
    _build(10)
    with CaptureQueriesContext(connection) as large:
        titles = _titles_of_listing()
    assert len(titles) == 12 and all(all(row) for row in titles)
    assert len(small) == len(large) == 3  # versions, participants, appointments


def test_with_titles_on_participations():
    _build(3)
    with CaptureQueriesContext(connection) as queries:
        rows = [p.title() for p in Participation.objects.with_titles().select_related("statement")]
    assert len(rows) == 9 and len(queries) == 2
