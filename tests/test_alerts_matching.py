"""Alert matching in Python agrees with the FilterSet: for many lists and versions drawn
at random (people, topics with parents, countries, kinds, dates, searches), the lists a
version is alerted to are exactly those whose FilterSet over public versions holds it."""

import datetime
import random

import pytest
from django.utils import timezone

from statements.alerts import criteria as criteria_module
from statements.alerts import matching
from statements.models import AlertList, Statement, Translation

from .factories import make_country, make_person, make_public, make_statement, make_topic, make_version


@pytest.fixture
def world(staff):
    rng = random.Random(19)
    people = [make_person(f"Person {n} Fictional") for n in range(4)]
    parent = make_topic("Fictional economy")
    topics = [parent, make_topic("Fictional trade", parent=parent), make_topic("Fictional climate")]
    countries = [make_country("ZX", "Zedonia"), make_country("ZY", "Yonderland")]
    kinds = [Statement.Kind.READOUT, Statement.Kind.SPEECH]
    versions = []
    for n in range(10):
        statement = make_statement(
            participants=rng.sample(people, rng.randint(1, 2)),
            topics=rng.sample(topics, rng.randint(0, 2)),
            occurred_on=datetime.date(2026, rng.randint(1, 12), rng.randint(1, 28)),
            kind=rng.choice(kinds),
        )
        statement.countries.set(rng.sample(countries, rng.randint(0, 1)))
        words = "harbour agreement" if n % 3 == 0 else "weather station"
        versions.append(make_public(staff, statement=statement, title=f"On the {words} {n}"))
    hidden = make_version(make_statement(participants=people[:1]), actor=staff["editor"])  # a draft: never matches
    lists = []
    for _ in range(60):
        criteria = {}
        if rng.random() < 0.5:
            criteria["person"] = sorted({p.slug for p in rng.sample(people, rng.randint(1, 2))})
        if rng.random() < 0.4:
            criteria["topic"] = sorted({t.slug for t in rng.sample(topics, rng.randint(1, 2))})
        if rng.random() < 0.3:
            criteria["country"] = [rng.choice(countries).code.upper()]
        if rng.random() < 0.3:
            criteria["kind"] = [rng.choice(kinds).value]
        if rng.random() < 0.2:
            criteria["date_after"] = datetime.date(2026, rng.randint(1, 12), 1).isoformat()
        if rng.random() < 0.2:
            criteria["year"], criteria["month"] = 2026, rng.randint(1, 12)
        if rng.random() < 0.2:
            today = timezone.localdate()
            criteria["published_after" if rng.random() < 0.5 else "published_before"] = today.isoformat()
        if rng.random() < 0.15:
            criteria["q"] = rng.choice(["harbour", "weather", "nothing-like-this"])
        lists.append(criteria_module.list_for(criteria, "en"))
    return {"versions": versions, "lists": lists, "hidden": hidden}


def test_python_matching_agrees_with_the_filterset(world):
    checked = 0
    for version in world["versions"]:
        expected = {
            alert_list.pk
            for alert_list in world["lists"]
            if criteria_module.bind(alert_list.criteria, "en").qs.filter(pk=version.pk).exists()
        }
        assert set(matching.lists_for(version)) == expected, version.title
        checked += len(expected)
    assert checked > 20  # the draw is not degenerate: many lists match something
    assert matching.lists_for(world["hidden"]) == []


def test_a_parent_topic_list_matches_its_childrens_statements(staff):
    parent = make_topic("Fictional sea")
    child = make_topic("Fictional ports", parent=parent)
    version = make_public(staff, topics=[child])
    by_parent = criteria_module.list_for({"topic": [parent.slug]}, "en")
    by_other = criteria_module.list_for({"topic": [make_topic("Fictional land").slug]}, "en")
    assert by_parent.pk in matching.lists_for(version)
    assert by_other.pk not in matching.lists_for(version)


def test_lists_of_other_languages_are_not_matched(staff):
    version = make_public(staff)
    AlertList.objects.create(language="fr", key="x" * 64, criteria={})
    everything = criteria_module.list_for({}, "en")
    assert matching.lists_for(version) == [everything.pk]
    assert Translation.objects.public().filter(pk=version.pk).exists()


def test_matching_costs_a_few_queries_whatever_the_number_of_lists(staff, django_assert_max_num_queries):
    version = make_public(staff)
    for n in range(200):
        AlertList.objects.create(language="en", key=f"{n:064d}", criteria={"kind": ["speech"]})
    version = Translation.objects.select_related("statement").get(pk=version.pk)
    with django_assert_max_num_queries(6):
        assert matching.lists_for(version) == []
