"""A button is offered exactly when its transition would succeed: every state × role ×
offered transition, with valid input, run and rolled back."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from statements import dashboard, workflow
from statements.models import Administration, Translation

from .factories import (
    authored_draft,
    authored_in_review,
    authored_live,
    edit_text,
    make_version,
)

pytestmark = pytest.mark.django_db

ROLES = ["author", "editor", "translator", "publisher", "other_publisher", "superuser", "no_role", "inactive"]


def _with_pending(people):
    return _edit_returning(authored_live(people), people["author"], "Two")


def _correction_in_review(people):
    return workflow.submit_for_review(translation=_with_pending(people), actor=people["author"])


def _withdrawn(people):
    return workflow.withdraw(translation=authored_live(people), actor=people["publisher"], explanation="Old")


def _translation(people):
    return workflow.start_translation(source=authored_live(people), language="fa", actor=people["translator"])


def _outdated_translation(people):
    persian = _translation(people)
    original = persian.statement.translations.get(language="en")
    _edit_returning(original, people["author"], "A major change.")
    workflow.submit_for_review(translation=original, actor=people["author"])
    workflow.publish(translation=original, actor=people["other_publisher"], major=True, change_note="Changed.")
    return persian


def _edit_returning(version, actor, body):
    edit_text(version, actor, body)
    return version


def _of_ended_administration(version):
    """History mode: the statement's administration has left office since."""
    Administration.objects.create(
        name=f"ended {version.pk}", slug=f"ended-{version.pk}",
        started_on=datetime.date(2000, 1, 1), ended_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    return version


IN_ERROR = Translation.UnpublishReason.PUBLISHED_IN_ERROR

STATES = {
    "draft": authored_draft,
    "draft without participants": lambda people: authored_draft(people, participants=[]),
    "draft edited by another": lambda people: _edit_returning(authored_draft(people), people["editor"], "Two"),
    "draft edited by a publisher": lambda people: _edit_returning(authored_draft(people), people["publisher"], "Two"),
    "in review": authored_in_review,
    "in review, edited after submission by a publisher": lambda people: _edit_returning(
        authored_in_review(people), people["publisher"], "Two"
    ),
    "submitted by a publisher": lambda people: workflow.submit_for_review(
        translation=_edit_returning(authored_draft(people), people["publisher"], "Two"),
        actor=people["publisher"],
    ),
    "live": authored_live,
    "live with pending changes": _with_pending,
    "live with a correction in review": _correction_in_review,
    "live, correction in review, then edited again": lambda people: _edit_returning(
        _correction_in_review(people), people["editor"], "Three"
    ),
    "scheduled": lambda people: workflow.publish(
        translation=authored_in_review(people),
        actor=people["other_publisher"],
        at=timezone.now() + datetime.timedelta(days=1),
    ),
    "force-published": lambda people: workflow.force_publish(
        translation=authored_draft(people), actor=people["other_publisher"], reason="Urgent"
    ),
    "withdrawn": _withdrawn,
    "withdrawn with pending changes": lambda people: _edit_returning(_withdrawn(people), people["author"], "Two"),
    "unpublished": lambda people: workflow.unpublish(
        translation=authored_live(people), actor=people["publisher"], reason=IN_ERROR
    ),
    "translation, current": _translation,
    "translation, outdated": _outdated_translation,
    "translation without a base": lambda people: make_version(
        authored_live(people).statement, language="fa", actor=people["translator"]
    ),
    "draft of an ended administration": lambda people: _of_ended_administration(authored_draft(people)),
    "live with pending changes, administration ended": lambda people: _of_ended_administration(_with_pending(people)),
    "live with a correction in review, administration ended": lambda people: _of_ended_administration(
        _correction_in_review(people)
    ),
    "translation, outdated, administration ended": lambda people: _of_ended_administration(
        _outdated_translation(people)
    ),
}

RUN = {
    "submit_for_review": lambda v, a: workflow.submit_for_review(translation=v, actor=a),
    "publish": lambda v, a: workflow.publish(translation=v, actor=a, change_note="A note."),
    "reject": lambda v, a: workflow.reject(translation=v, actor=a, reason="Not yet."),
    "unschedule": lambda v, a: workflow.unschedule(translation=v, actor=a),
    "force_publish": lambda v, a: workflow.force_publish(translation=v, actor=a, reason="Urgent."),
    "approve_retrospectively": lambda v, a: workflow.approve_retrospectively(translation=v, actor=a),
    "withdraw": lambda v, a: workflow.withdraw(translation=v, actor=a, explanation="Superseded."),
    "unpublish": lambda v, a: workflow.unpublish(
        translation=v, actor=a, reason=Translation.UnpublishReason.PUBLISHED_IN_ERROR
    ),
    "restore": lambda v, a: workflow.restore(translation=v, actor=a, note="Back after review."),
    "mark_translation_current": lambda v, a: workflow.mark_translation_current(translation=v, actor=a),
}


class RolledBack(Exception):
    pass


def succeeds(name, pk, actor) -> bool:
    """Run the transition for real, then roll it back."""
    try:
        with transaction.atomic():
            RUN[name](Translation.objects.get(pk=pk), actor)
            raise RolledBack
    except RolledBack:
        return True
    except workflow.TransitionError:
        return False


def test_every_offered_transition_is_covered():
    assert set(RUN) == set(workflow.CHECKS)


@pytest.mark.parametrize("state", list(STATES))
def test_offered_exactly_when_allowed(people, state):
    version = STATES[state](people)
    mismatches, allowed_somewhere = [], set()
    for role in ROLES:
        actor = people[role]
        offered = set(workflow.available_actions(Translation.objects.get(pk=version.pk), actor))
        for name in RUN:
            allowed = succeeds(name, version.pk, actor)
            if allowed:
                allowed_somewhere.add(name)
            if (name in offered) != allowed:
                mismatches.append(f"{role} {name}: offered={name in offered} allowed={allowed}")
    assert not mismatches, f"{state}: " + "; ".join(mismatches)
    assert allowed_somewhere or state == "unpublished", "every state but unpublished allows someone something"


@pytest.mark.parametrize("state", [name for name in STATES if "without participants" not in name])
def test_waiting_for_my_review_lists_what_the_publisher_may_publish(people, state):
    version = STATES[state](people)
    for role in ("publisher", "other_publisher", "superuser"):
        sections = {str(s["title"]): s["rows"] for s in dashboard.sections(people[role])}
        listed = version.pk in {row.pk for row in sections["Waiting for my review"]}
        assert listed == succeeds("publish", version.pk, people[role]), f"{state}, {role}"
