"""The data generator: volume in bulk, every state, and references that carry on."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from statements.models import Statement, Translation

from .factories import make_statement

pytestmark = pytest.mark.django_db


def test_generates_statements_in_every_state():
    call_command("generate_demo", "--statements", "300", "--languages", "en,fa", "--seed", "5", stdout=io.StringIO())
    assert Statement.objects.count() == 300
    statuses = set(Translation.objects.values_list("status", flat=True))
    assert {"draft", "in_review", "published", "withdrawn", "unpublished"} <= statuses
    assert set(Translation.objects.values_list("language", flat=True)) == {"en", "fa"}
    assert Translation.objects.public().count() > 200
    sample = Statement.objects.prefetch_related("participations", "topics").first()
    assert 2 <= sample.participations.count() <= 5 and 1 <= sample.topics.count() <= 4
    words = len(Translation.objects.first().body.split())
    assert 300 <= words <= 600
    years = {d.year for d in Statement.objects.values_list("occurred_on", flat=True)}
    assert max(years) - min(years) >= 15


def test_references_stay_unique_and_later_statements_continue_the_sequence():
    call_command("generate_demo", "--statements", "200", "--languages", "en", "--seed", "1", stdout=io.StringIO())
    references = list(Statement.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    year = Statement.objects.order_by("occurred_on").first().occurred_on
    newest = max(int(r.rsplit("-", 1)[1]) for r in references if r.startswith(f"PO-{year.year}-"))
    assert make_statement(occurred_on=year).reference == f"PO-{year.year}-{newest + 1:04d}"


def test_bad_arguments():
    with pytest.raises(CommandError, match="Languages must be enabled"):
        call_command("generate_demo", "--languages", "zz")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_demo", "--statements", "0")
