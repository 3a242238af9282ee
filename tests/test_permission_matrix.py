"""Every workflow function × every role: allowed or refused, audited when allowed,
unchanged when refused."""

import datetime

import pytest
from django.utils import timezone

from statements import workflow
from statements.models import AuditEntry

from .factories import (
    authored_draft,
    authored_in_review,
    authored_live,
    database_state,
    make_version,
)

pytestmark = pytest.mark.django_db

ROLES = ["editor", "translator", "publisher", "superuser", "no_role"]
EVERYONE_BUT_TRANSLATOR = {"editor", "publisher", "superuser"}
PUBLISHERS = {"publisher", "superuser"}
ALL_EDITORIAL = {"editor", "translator", "publisher", "superuser"}


def _scheduled(people):
    at = timezone.now() + datetime.timedelta(days=1)
    return workflow.publish(translation=authored_in_review(people), actor=people["other_publisher"], at=at)


def _forced(people):
    return workflow.force_publish(translation=authored_draft(people), actor=people["other_publisher"], reason="Urgent")


def _two_revisions(people):
    version = authored_draft(people)
    workflow.save_draft(
        translation=version, actor=people["author"], title="T", standfirst="", body="Two", base_revision=1
    )
    return version


def _persian_translation(people):
    """A Persian translation whose base is not yet the original's newest text."""
    return make_version(authored_live(people).statement, language="fa", actor=people["translator"])


def _move(statement, actor):
    statement.location = "Elsewhere"
    return workflow.update_statement(statement=statement, actor=actor, apply=statement.save)


CASES = {
    "save_draft": (
        authored_draft,
        lambda v, a: workflow.save_draft(
            translation=v, actor=a, title="New", standfirst="", body="B", base_revision=1
        ),
        EVERYONE_BUT_TRANSLATOR,
    ),
    "submit_for_review": (
        authored_draft,
        lambda v, a: workflow.submit_for_review(translation=v, actor=a),
        EVERYONE_BUT_TRANSLATOR,
    ),
    "reject": (authored_in_review, lambda v, a: workflow.reject(translation=v, actor=a, reason="No"), PUBLISHERS),
    "publish": (authored_in_review, lambda v, a: workflow.publish(translation=v, actor=a), PUBLISHERS),
    "unschedule": (_scheduled, lambda v, a: workflow.unschedule(translation=v, actor=a), PUBLISHERS),
    "force_publish": (
        authored_draft,
        lambda v, a: workflow.force_publish(translation=v, actor=a, reason="Now"),
        PUBLISHERS,
    ),
    "approve_retrospectively": (
        _forced,
        lambda v, a: workflow.approve_retrospectively(translation=v, actor=a),
        PUBLISHERS,
    ),
    "withdraw": (
        authored_live,
        lambda v, a: workflow.withdraw(translation=v, actor=a, explanation="Outdated"),
        PUBLISHERS,
    ),
    "unpublish": (
        authored_live,
        lambda v, a: workflow.unpublish(translation=v, actor=a, reason="published_in_error"),
        PUBLISHERS,
    ),
    "restore_revision": (
        _two_revisions,
        lambda v, a: workflow.restore_revision(translation=v, revision=v.revisions.get(number=1), actor=a),
        EVERYONE_BUT_TRANSLATOR,
    ),
    "start_translation": (
        authored_live,
        lambda v, a: workflow.start_translation(source=v, language="fa", actor=a),
        ALL_EDITORIAL,
    ),
    "mark_translation_current": (
        _persian_translation,
        lambda v, a: workflow.mark_translation_current(translation=v, actor=a),
        ALL_EDITORIAL,
    ),
    "update_statement": (
        authored_live,
        lambda v, a: _move(v.statement, a),
        PUBLISHERS,
    ),
    "create_preview_link": (
        authored_draft,
        lambda v, a: workflow.create_preview_link(translation=v, actor=a),
        EVERYONE_BUT_TRANSLATOR,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", list(CASES))
def test_transition_by_role(people, transition, role):
    setup, run, allowed = CASES[transition]
    version = setup(people)
    before = database_state()
    if role in allowed:
        run(version, people[role])
        assert AuditEntry.objects.filter(actor=people[role]).exists(), "an allowed transition is audited"
    else:
        with pytest.raises(workflow.TransitionError):
            run(version, people[role])
        assert database_state() == before, "a refused transition changes nothing"
