"""Every transition of the workflow, for every role: allowed or refused as specified, and
a refusal changes nothing."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from statements import workflow
from statements.models import AuditEntry, Revision, Translation

from .factories import (
    edit_text,
    make_draft,
    make_person,
    make_statement,
    make_user,
    version_state,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def in_review(people, *, author="editor", **fields):
    version = make_draft(people[author], **fields)
    return workflow.submit_for_review(translation=version, actor=people[author])


def live(people, **kwargs):
    version = in_review(people, **kwargs)
    return workflow.publish(translation=version, actor=people["publisher"], now=NOW - datetime.timedelta(hours=1))


def assert_refused(version, message, call):
    before = version_state(version)
    with pytest.raises(workflow.TransitionError, match=message):
        call()
    assert version_state(version) == before


def public_ids(now=None):
    return set(Translation.objects.public(now=now).values_list("pk", flat=True))


# submit_for_review ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "language", "allowed"),
    [
        ("editor", "en", True),
        ("publisher", "en", True),
        ("translator", "fa", True),
        ("translator", "en", False),
        ("no_role", "en", False),
    ],
)
def test_submit_for_review_by_role(people, role, language, allowed):
    version = make_draft(people["editor"], language=language)
    call = lambda: workflow.submit_for_review(translation=version, actor=people[role])  # noqa: E731
    if allowed:
        assert call().status == "in_review"
        assert AuditEntry.objects.filter(action="submit_for_review", actor=people[role]).count() == 1
    else:
        assert_refused(version, "permission|translate into", call)


def test_submit_twice_refused(people):
    version = in_review(people)
    assert_refused(
        version,
        "already waiting for review",
        lambda: workflow.submit_for_review(translation=version, actor=people["editor"]),
    )


# publish --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("editor2", "Only a publisher"),
        ("translator", "Only a publisher"),
        ("no_role", "Only a publisher"),
    ],
)
def test_publish_refused_for_non_publishers(people, role, message):
    version = in_review(people)
    assert_refused(version, message, lambda: workflow.publish(translation=version, actor=people[role]))


def test_publisher_publishes_someone_elses_reviewed_version(people):
    version = in_review(people)
    published = workflow.publish(translation=version, actor=people["publisher"], now=NOW)
    assert published.status == "published"
    assert published.published_at == published.first_published_at == published.public_updated_at == NOW
    assert published.live_revision.number == 1 and published.pk in public_ids()
    entry = AuditEntry.objects.get(action="publish")
    assert (entry.actor, entry.from_status, entry.to_status) == (people["publisher"], "in_review", "published")


def test_second_pair_of_eyes_author_cannot_publish(people):
    version = in_review(people, author="publisher")
    assert_refused(
        version, "second pair of eyes", lambda: workflow.publish(translation=version, actor=people["publisher"])
    )


def test_second_pair_of_eyes_submitter_cannot_publish(people):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["publisher"])
    assert_refused(
        version, "submitted this for review", lambda: workflow.publish(translation=version, actor=people["publisher"])
    )
    assert workflow.publish(translation=version, actor=people["publisher2"]).status == "published"


@override_settings(PRESSOFFICE_FOUR_EYES=False)
def test_without_four_eyes_the_author_may_publish(people):
    version = in_review(people, author="publisher")
    assert workflow.publish(translation=version, actor=people["publisher"]).status == "published"


def test_draft_cannot_be_published_without_review(people):
    version = make_draft(people["editor"])
    assert_refused(
        version, "submitted for review", lambda: workflow.publish(translation=version, actor=people["publisher"])
    )


def test_publish_needs_participants_and_a_date(people):
    no_one = in_review(people, statement=make_statement())
    assert_refused(no_one, "participant", lambda: workflow.publish(translation=no_one, actor=people["publisher"]))
    undated = in_review(people, statement=make_statement(occurred_on=None, participants=[make_person()]))
    assert_refused(undated, "meeting date", lambda: workflow.publish(translation=undated, actor=people["publisher"]))


def test_superuser_may_publish_others_work(people):
    version = in_review(people)
    assert workflow.publish(translation=version, actor=make_user(superuser=True)).status == "published"


# scheduling -----------------------------------------------------------------------


def test_scheduled_version_goes_live_at_its_instant(people):
    version = in_review(people)
    at = NOW + datetime.timedelta(hours=2)
    workflow.publish(translation=version, actor=people["publisher"], at=at, now=NOW)
    version.refresh_from_db()
    assert version.is_scheduled(NOW) and version.first_published_at == at
    assert version.pk not in public_ids(now=at - datetime.timedelta(seconds=1))
    assert version.pk in public_ids(now=at + datetime.timedelta(seconds=1))
    assert AuditEntry.objects.get(action="schedule").changes["published_at"]["after"] == at.isoformat()


def test_scheduling_in_the_past_refused(people):
    version = in_review(people)
    past = NOW - datetime.timedelta(minutes=1)
    assert_refused(
        version, "in the future", lambda: workflow.publish(translation=version, actor=people["publisher"], at=past)
    )


def test_unschedule_returns_to_review(people):
    version = in_review(people)
    workflow.publish(translation=version, actor=people["publisher"], at=NOW + datetime.timedelta(days=1), now=NOW)
    assert_refused(
        version, "Only a publisher", lambda: workflow.unschedule(translation=version, actor=people["editor"])
    )
    back = workflow.unschedule(translation=version, actor=people["publisher"], now=NOW)
    assert back.status == "in_review" and back.published_at is None and back.first_published_at is None
    assert back.submitted_revision is not None
    assert back.pk not in public_ids(now=NOW + datetime.timedelta(days=2))


def test_unschedule_refused_once_live(people):
    version = live(people)
    assert_refused(version, "scheduled", lambda: workflow.unschedule(translation=version, actor=people["publisher"]))


def test_announce_due_runs_once_per_publication(people):
    version = in_review(people)
    at = NOW + datetime.timedelta(minutes=5)
    workflow.publish(translation=version, actor=people["publisher"], at=at, now=NOW)
    assert workflow.announce_due(now=NOW) == []
    assert [v.pk for v in workflow.announce_due(now=at + datetime.timedelta(seconds=1))] == [version.pk]
    assert workflow.announce_due(now=at + datetime.timedelta(minutes=1)) == []
    assert AuditEntry.objects.filter(action="went_live").count() == 1


# corrections ----------------------------------------------------------------------


def test_pending_changes_stay_private_until_published(people):
    version = live(people, body="Live text")
    edit_text(version, people["editor"], "Pending text")
    version.refresh_from_db()
    assert version.body == "Live text" and version.has_unpublished_changes
    workflow.submit_for_review(translation=version, actor=people["editor"])
    version.refresh_from_db()
    assert version.status == "published" and version.body == "Live text"
    workflow.publish(translation=version, actor=people["publisher"])
    version.refresh_from_db()
    assert version.body == "Pending text" and not version.has_unpublished_changes


def test_major_correction_moves_public_updated_at_and_history(people):
    version = live(people)
    first = version.first_published_at
    edit_text(version, people["editor"], "Corrected", is_major=True, change_note="Corrected the date of the visit.")
    workflow.submit_for_review(translation=version, actor=people["editor"])
    corrected = workflow.publish(translation=version, actor=people["publisher"], now=NOW)
    assert corrected.first_published_at == first
    assert corrected.public_updated_at == NOW
    assert corrected.change_history == [{"at": NOW.isoformat(), "note": "Corrected the date of the visit."}]
    assert AuditEntry.objects.filter(action="correct_major").count() == 1


def test_minor_correction_changes_neither(people):
    version = live(people)
    updated = version.public_updated_at
    edit_text(version, people["editor"], "Typo fixed")
    workflow.submit_for_review(translation=version, actor=people["editor"])
    corrected = workflow.publish(translation=version, actor=people["publisher"], now=NOW)
    assert corrected.body == "Typo fixed"
    assert corrected.public_updated_at == updated and corrected.change_history == []


def test_publisher_confirms_major_and_needs_a_note(people):
    version = live(people)
    edit_text(version, people["editor"], "Changed")
    workflow.submit_for_review(translation=version, actor=people["editor"])
    assert_refused(
        version, "change note", lambda: workflow.publish(translation=version, actor=people["publisher"], major=True)
    )
    done = workflow.publish(translation=version, actor=people["publisher"], major=True, change_note="Clarified.")
    assert done.change_history[-1]["note"] == "Clarified."


def test_correction_cannot_be_scheduled(people):
    version = live(people)
    edit_text(version, people["editor"], "Changed")
    workflow.submit_for_review(translation=version, actor=people["editor"])
    later = timezone.now() + datetime.timedelta(days=1)
    assert_refused(
        version,
        "cannot be scheduled",
        lambda: workflow.publish(translation=version, actor=people["publisher"], at=later),
    )


# reject ---------------------------------------------------------------------------


def test_reject_needs_a_reason_and_returns_to_draft(people):
    version = in_review(people)
    assert_refused(
        version, "Say why", lambda: workflow.reject(translation=version, actor=people["publisher"], reason=" ")
    )
    assert_refused(
        version, "Only a publisher", lambda: workflow.reject(translation=version, actor=people["editor2"], reason="No")
    )
    rejected = workflow.reject(translation=version, actor=people["publisher"], reason="Check the names.")
    assert rejected.status == "draft" and rejected.submitted_revision is None
    assert AuditEntry.objects.get(action="reject").message == "Check the names."


def test_reject_pending_changes_keeps_the_live_version(people):
    version = live(people, body="Live")
    edit_text(version, people["editor"], "Pending")
    workflow.submit_for_review(translation=version, actor=people["editor"])
    rejected = workflow.reject(translation=version, actor=people["publisher"], reason="Not yet.")
    assert rejected.status == "published" and rejected.body == "Live" and rejected.pk in public_ids()


# force publish --------------------------------------------------------------------


def test_force_publish_and_retrospective_approval(people):
    version = make_draft(people["publisher"])
    assert_refused(
        version,
        "needs a reason",
        lambda: workflow.force_publish(translation=version, actor=people["publisher"], reason=""),
    )
    assert_refused(
        version,
        "Only a publisher",
        lambda: workflow.force_publish(translation=version, actor=people["editor"], reason="x"),
    )
    forced = workflow.force_publish(translation=version, actor=people["publisher"], reason="Embargo lifted early.")
    assert forced.status == "published" and forced.is_force_published and forced.pk in public_ids()
    assert_refused(
        forced,
        "Someone other",
        lambda: workflow.approve_retrospectively(translation=forced, actor=people["publisher"]),
    )
    assert_refused(
        forced,
        "Only a publisher",
        lambda: workflow.approve_retrospectively(translation=forced, actor=people["editor"]),
    )
    approved = workflow.approve_retrospectively(translation=forced, actor=people["publisher2"])
    assert not approved.is_force_published
    assert [e.action for e in AuditEntry.objects.filter(translation=version).order_by("pk")][-2:] == [
        "force_publish",
        "approve_retrospectively",
    ]


def test_approve_refused_when_not_forced(people):
    version = live(people)
    assert_refused(
        version,
        "not force-published",
        lambda: workflow.approve_retrospectively(translation=version, actor=people["publisher2"]),
    )


# withdraw and unpublish -------------------------------------------------------------


def test_withdraw_keeps_the_page_readable_with_explanation(people):
    version = live(people)
    assert_refused(
        version,
        "explanation",
        lambda: workflow.withdraw(translation=version, actor=people["publisher"], explanation=""),
    )
    assert_refused(
        version,
        "Only a publisher",
        lambda: workflow.withdraw(translation=version, actor=people["editor"], explanation="x"),
    )
    withdrawn = workflow.withdraw(translation=version, actor=people["publisher"], explanation="Superseded by talks.")
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawal_explanation == "Superseded by talks."
    assert withdrawn.pk in public_ids()


def test_withdraw_refused_for_a_draft(people):
    version = make_draft(people["editor"])
    assert_refused(
        version,
        "not possible",
        lambda: workflow.withdraw(translation=version, actor=people["publisher"], explanation="x"),
    )


def test_unpublish_in_error_removes_it(people):
    version = live(people)
    gone = workflow.unpublish(translation=version, actor=people["publisher"], reason="published_in_error")
    assert gone.status == "unpublished" and gone.pk not in public_ids() and gone.redirect_url == ""


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("/en/statements/2024/03/01/other/", True),
        ("https://example.org/x", True),
        ("", False),
        ("javascript:alert(1)", False),
        ("//evil.example/x", False),
        ("relative/path", False),
        ("/en/" + "a" * 496, True),  # 500 characters: the field's length
        ("/en/" + "a" * 597, False),  # 600: once a 500 on PostgreSQL, 600 stored on SQLite
        ("https://example.org/" + "a" * 600, False),
        ("/en/a\r\nSet-Cookie: x=1", False),
        ("/en/a b", False),
        ("https://", False),
        ("ftp://example.org/x", False),
        ("/\\evil.example/x", False),
    ],
)
def test_unpublish_consolidated_needs_a_safe_redirect(people, url, ok):
    version = live(people)
    call = lambda: workflow.unpublish(  # noqa: E731
        translation=version, actor=people["publisher"], reason="consolidated", redirect_url=url
    )
    if ok:
        assert call().redirect_url == url
    else:
        assert_refused(version, "redirect|address", call)


def test_unpublish_refused_for_editors_and_bad_reasons(people):
    version = live(people)
    assert_refused(
        version,
        "Only a publisher",
        lambda: workflow.unpublish(translation=version, actor=people["editor"], reason="published_in_error"),
    )
    assert_refused(
        version,
        "Choose why",
        lambda: workflow.unpublish(translation=version, actor=people["publisher"], reason="bored"),
    )


# revisions and translations ---------------------------------------------------------


def test_restore_revision_writes_a_new_revision(people):
    version = make_draft(people["editor"], body="One")
    edit_text(version, people["editor"], "Two")
    first = version.revisions.get(number=1)
    restored = workflow.restore_revision(translation=version, revision=first, actor=people["editor2"])
    assert restored.number == 3 and restored.body == "One"
    assert list(version.revisions.order_by("number").values_list("body", flat=True)) == ["One", "Two", "One"]
    assert AuditEntry.objects.filter(action="restore_revision").count() == 1


def test_restore_refuses_a_revision_of_another_version(people):
    version, other = make_draft(people["editor"]), make_draft(people["editor"])
    foreign = other.revisions.get()
    assert_refused(
        version,
        "another version",
        lambda: workflow.restore_revision(translation=version, revision=foreign, actor=people["editor"]),
    )


def test_start_translation_by_translator_records_the_source_revision(people):
    original = live(people)
    version = workflow.start_translation(source=original, language="fa", actor=people["translator"])
    assert version.status == "draft" and version.language == "fa"
    assert version.source_revision == original.live_revision
    assert version.title == original.title  # prefilled to translate over
    empty = workflow.start_translation(source=original, language="ar", actor=people["editor"], prefill=False)
    assert empty.body == "(to be translated)"


def test_start_translation_refused_outside_the_translators_languages(people):
    original = live(people)
    assert_refused(
        original,
        "translate into ar",
        lambda: workflow.start_translation(source=original, language="ar", actor=people["translator"]),
    )
    assert original.statement.translations.count() == 1


def test_start_translation_twice_refused(people):
    original = live(people)
    workflow.start_translation(source=original, language="fa", actor=people["translator"])
    with pytest.raises(workflow.TransitionError, match="already has a version"):
        workflow.start_translation(source=original, language="fa", actor=people["translator"])


def test_mark_translation_current_moves_the_base(people):
    original = live(people)
    version = workflow.start_translation(source=original, language="fa", actor=people["translator"])
    edit_text(original, people["editor"], "Changed original", is_major=True, change_note="Changed.")
    workflow.submit_for_review(translation=original, actor=people["editor"])
    workflow.publish(translation=original, actor=people["publisher"])
    original.refresh_from_db()
    assert version.source_revision != original.live_revision
    current = workflow.mark_translation_current(translation=version, actor=people["translator"])
    assert current.source_revision == original.live_revision
    assert_refused(
        original,
        "Only a translation",
        lambda: workflow.mark_translation_current(translation=original, actor=people["editor"]),
    )


# statement metadata ---------------------------------------------------------------


def test_live_statement_metadata_is_for_publishers_only(people):
    version = live(people)
    statement = version.statement
    statement.location = "Elsewhere"
    with pytest.raises(workflow.TransitionError, match="Only a publisher"):
        workflow.update_statement(statement=statement, actor=people["editor"], apply=statement.save)
    statement.refresh_from_db()
    assert statement.location != "Elsewhere"
    topic_before = list(statement.topics.all())
    from .factories import make_topic

    topic = make_topic(slug="water")
    statement.location = "Elsewhere"

    def apply():
        statement.save()
        statement.topics.add(topic)

    workflow.update_statement(statement=statement, actor=people["publisher"], apply=apply)
    entry = AuditEntry.objects.get(action="update_statement")
    assert entry.changes["location"]["after"] == "Elsewhere"
    assert entry.changes["topics"] == {"before": [t.slug for t in topic_before], "after": ["water"]}


def test_draft_statement_metadata_editable_by_editors(people):
    version = make_draft(people["editor"])
    statement = version.statement
    statement.location = "Northhaven"
    workflow.update_statement(statement=statement, actor=people["editor"], apply=statement.save)
    statement.refresh_from_db()
    assert statement.location == "Northhaven"


# preview links --------------------------------------------------------------------


def test_preview_links_expire_and_can_be_revoked(people):
    version = make_draft(people["editor"])
    link = workflow.create_preview_link(translation=version, actor=people["editor"], days=2, note="Protocol office")
    assert link.is_valid() and not link.is_valid(now=timezone.now() + datetime.timedelta(days=3))
    with pytest.raises(workflow.TransitionError, match="1 to 30 days"):
        workflow.create_preview_link(translation=version, actor=people["editor"], days=90)
    with pytest.raises(workflow.TransitionError, match="permission"):
        workflow.create_preview_link(translation=version, actor=people["translator"])
    workflow.revoke_preview_link(link=link, actor=people["editor"])
    link.refresh_from_db()
    assert not link.is_valid()


def test_restore_revision_without_any_revision_is_refused_not_a_crash(people):
    version = Translation.objects.create(statement=make_statement(), language="en", title="T", body="B")
    ghost = Revision(translation=version, number=1, title="Old", standfirst="", body="Old")
    assert_refused(
        version,
        "no revision",
        lambda: workflow.restore_revision(translation=version, revision=ghost, actor=people["editor"]),
    )


def test_restore_revision_and_its_audit_entry_share_one_time(people):
    version = make_draft(people["editor"], body="First")
    edit_text(version, people["editor"], "Second")
    restored = workflow.restore_revision(
        translation=version, revision=version.revisions.get(number=1), actor=people["editor"]
    )
    entry = AuditEntry.objects.get(translation=version, action="restore_revision")
    assert restored.created_at == entry.at


@pytest.mark.parametrize(
    "call",
    [
        lambda v, a: workflow.reject(translation=v, actor=a, reason=""),
        lambda v, a: workflow.force_publish(translation=v, actor=a, reason=""),
        lambda v, a: workflow.withdraw(translation=v, actor=a, explanation=""),
    ],
    ids=["reject", "force_publish", "withdraw"],
)
def test_who_may_is_said_before_what_is_missing(people, call):
    """A refusal names the permission first: an editor is not asked for a reason they
    could never give."""
    version = in_review(people)
    assert_refused(version, "Only a publisher", lambda: call(version, people["editor"]))
