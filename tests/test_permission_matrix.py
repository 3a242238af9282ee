"""Every workflow function × every role: allowed or refused, audited when allowed,
unchanged when refused."""

import datetime

import pytest
from django.utils import timezone

from statements import workflow
from statements.models import AuditEntry, PreviewLink, Revision, Translation

from .factories import make_person, make_staff, make_statement, make_user, make_version

pytestmark = pytest.mark.django_db

ROLES = ["editor", "translator", "publisher", "superuser", "no_role"]
EVERYONE_BUT_TRANSLATOR = {"editor", "publisher", "superuser"}
PUBLISHERS = {"publisher", "superuser"}
ALL_EDITORIAL = {"editor", "translator", "publisher", "superuser"}


@pytest.fixture
def cast(db):
    return {
        "author": make_staff("Editor", "author"),
        "other_publisher": make_staff("Publisher", "other_publisher"),
        "editor": make_staff("Editor", "editor"),
        "translator": make_staff("Translator", "translator", languages=["fa"]),
        "publisher": make_staff("Publisher", "publisher"),
        "superuser": make_user("root", superuser=True),
        "no_role": make_user("no_role"),
    }


def _draft(cast):
    return make_version(make_statement(participants=[make_person()]), actor=cast["author"], body="One")


def _in_review(cast):
    return workflow.submit_for_review(translation=_draft(cast), actor=cast["author"])


def _live(cast):
    return workflow.publish(translation=_in_review(cast), actor=cast["other_publisher"])


def _scheduled(cast):
    at = timezone.now() + datetime.timedelta(days=1)
    return workflow.publish(translation=_in_review(cast), actor=cast["other_publisher"], at=at)


def _forced(cast):
    return workflow.force_publish(translation=_draft(cast), actor=cast["other_publisher"], reason="Urgent")


def _two_revisions(cast):
    version = _draft(cast)
    workflow.save_draft(
        translation=version, actor=cast["author"], title="T", standfirst="", body="Two", base_revision=1
    )
    return version


def _persian_translation(cast):
    """A Persian translation whose base is not yet the original's newest text."""
    return make_version(_live(cast).statement, language="fa", actor=cast["translator"])


def _move(statement, actor):
    statement.location = "Elsewhere"
    return workflow.update_statement(statement=statement, actor=actor, apply=statement.save)


CASES = {
    "save_draft": (
        _draft,
        lambda v, a: workflow.save_draft(
            translation=v, actor=a, title="New", standfirst="", body="B", base_revision=1
        ),
        EVERYONE_BUT_TRANSLATOR,
    ),
    "submit_for_review": (
        _draft,
        lambda v, a: workflow.submit_for_review(translation=v, actor=a),
        EVERYONE_BUT_TRANSLATOR,
    ),
    "reject": (_in_review, lambda v, a: workflow.reject(translation=v, actor=a, reason="No"), PUBLISHERS),
    "publish": (_in_review, lambda v, a: workflow.publish(translation=v, actor=a), PUBLISHERS),
    "unschedule": (_scheduled, lambda v, a: workflow.unschedule(translation=v, actor=a), PUBLISHERS),
    "force_publish": (_draft, lambda v, a: workflow.force_publish(translation=v, actor=a, reason="Now"), PUBLISHERS),
    "approve_retrospectively": (
        _forced,
        lambda v, a: workflow.approve_retrospectively(translation=v, actor=a),
        PUBLISHERS,
    ),
    "withdraw": (_live, lambda v, a: workflow.withdraw(translation=v, actor=a, explanation="Outdated"), PUBLISHERS),
    "unpublish": (
        _live,
        lambda v, a: workflow.unpublish(translation=v, actor=a, reason="published_in_error"),
        PUBLISHERS,
    ),
    "restore_revision": (
        _two_revisions,
        lambda v, a: workflow.restore_revision(translation=v, revision=v.revisions.get(number=1), actor=a),
        EVERYONE_BUT_TRANSLATOR,
    ),
    "start_translation": (
        _live,
        lambda v, a: workflow.start_translation(source=v, language="fa", actor=a),
        ALL_EDITORIAL,
    ),
    "mark_translation_current": (
        _persian_translation,
        lambda v, a: workflow.mark_translation_current(translation=v, actor=a),
        ALL_EDITORIAL,
    ),
    "update_statement": (
        _live,
        lambda v, a: _move(v.statement, a),
        PUBLISHERS,
    ),
    "create_preview_link": (
        _draft,
        lambda v, a: workflow.create_preview_link(translation=v, actor=a),
        EVERYONE_BUT_TRANSLATOR,
    ),
}


def world():
    return (
        list(Translation.objects.order_by("pk").values()),
        list(Revision.objects.order_by("pk").values_list("pk", "number", "body")),
        AuditEntry.objects.count(),
        PreviewLink.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", list(CASES))
def test_transition_by_role(cast, transition, role):
    setup, run, allowed = CASES[transition]
    version = setup(cast)
    before = world()
    if role in allowed:
        run(version, cast[role])
        assert AuditEntry.objects.filter(actor=cast[role]).exists(), "an allowed transition is audited"
    else:
        with pytest.raises(workflow.TransitionError):
            run(version, cast[role])
        assert world() == before, "a refused transition changes nothing"
