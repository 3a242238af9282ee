"""Which alert lists a public version belongs to.

A list's criteria are the FilterSet's parameters; they are checked here in Python against
what the version is (its people, topics with their parents, countries, kind and dates),
which costs a few queries whatever the number of lists. Only a list with a search (`q`)
asks the database, through the FilterSet itself, for that one version. The rule is the
FilterSet's: OR within a parameter, AND across; a topic matches its children
(tests/test_alerts_matching.py holds both to the same answers).
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from ..filters import topic_tree
from ..models import AlertList, Translation
from . import criteria as criteria_module


@dataclass(frozen=True)
class Facts:
    version_id: int
    language: str
    people: frozenset
    topics: frozenset  # the version's topics' slugs and all their parents'
    countries: frozenset
    kind: str
    administration: str  # its slug, or ""
    occurred_on: datetime.date
    published_on: datetime.date | None


def facts(version: Translation) -> Facts:
    statement = version.statement
    tree = {topic_id: (slug, parent) for topic_id, slug, parent in topic_tree()}
    topics = set()
    for topic_id in statement.topics.values_list("pk", flat=True):
        while topic_id is not None and topic_id in tree:
            slug, topic_id = tree[topic_id]
            if slug in topics:
                break
            topics.add(slug)
    published = version.first_published_at
    return Facts(
        version_id=version.pk,
        language=version.language,
        people=frozenset(statement.participations.values_list("person__slug", flat=True)),
        topics=frozenset(topics),
        countries=frozenset(code.upper() for code in statement.countries.values_list("code", flat=True)),
        kind=statement.kind,
        administration=statement.administration.slug if statement.administration_id else "",
        occurred_on=statement.occurred_on,
        published_on=timezone.localtime(published).date() if published else None,
    )


def matches(criteria: dict, fact: Facts) -> bool | None:
    """Whether a version with these facts is in the list; None when only the database
    can say (a search)."""
    for name, have in (("person", fact.people), ("topic", fact.topics), ("country", fact.countries)):
        if name in criteria and not have.intersection(criteria[name]):
            return False
    if "kind" in criteria and fact.kind not in criteria["kind"]:
        return False
    if "administration" in criteria and fact.administration not in criteria["administration"]:
        return False
    day = fact.occurred_on
    if "date_after" in criteria and day < datetime.date.fromisoformat(criteria["date_after"]):
        return False
    if "date_before" in criteria and day > datetime.date.fromisoformat(criteria["date_before"]):
        return False
    if "year" in criteria and day.year != criteria["year"]:
        return False
    if "month" in criteria and day.month != criteria["month"]:
        return False
    for name, compare in (("published_after", datetime.date.__ge__), ("published_before", datetime.date.__le__)):
        if name in criteria:
            if fact.published_on is None or not compare(
                fact.published_on, datetime.date.fromisoformat(criteria[name])
            ):
                return False
    return None if criteria.get("q") else True


def lists_for(version: Translation, *, now=None) -> list[int]:
    """Ids of the alert lists in the version's language that the version belongs to,
    while it is public (none otherwise)."""
    public = Translation.objects.public(now=now).filter(pk=version.pk)
    if not public.exists():
        return []
    fact = facts(version)
    found = []
    for pk, criteria in AlertList.objects.filter(language=version.language).values_list("pk", "criteria").iterator():
        answer = matches(criteria, fact)
        if answer is None:
            answer = criteria_module.bind(criteria, version.language, queryset=public).qs.exists()
        if answer:
            found.append(pk)
    return found
