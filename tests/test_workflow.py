"""save_draft: revisions, the optimistic lock, live text kept while changes are pending."""

import pytest

from statements import workflow
from statements.models import AuditEntry, Revision, Translation

from .factories import make_staff, make_statement, make_user, make_version, publish_directly, version_state

pytestmark = pytest.mark.django_db


def save(version, actor, base, **text):
    text.setdefault("title", "Title")
    text.setdefault("standfirst", "")
    text.setdefault("body", "Body")
    return workflow.save_draft(translation=version, actor=actor, base_revision=base, **text)


def test_new_version_gets_revision_one(superuser):
    version = Translation(statement=make_statement(), language="en")
    revision = save(version, superuser, 0, title="First", body="Text *here*")
    assert revision.number == 1 and revision.author == superuser
    version.refresh_from_db()
    assert version.title == "First" and version.status == "draft"
    assert version.body_html == '<p id="p-1">Text <em>here</em></p>\n'
    assert AuditEntry.objects.get().action == "create"


def test_each_content_save_writes_the_next_revision(superuser):
    version = make_version(actor=superuser)
    second = save(version, superuser, 1, title="Second")
    third = save(version, superuser, 2, title="Third", change_note="Fixed a name", is_major=True)
    assert (second.number, third.number) == (2, 3)
    assert third.change_note == "Fixed a name" and third.is_major
    version.refresh_from_db()
    assert version.title == "Third"


def test_save_without_a_change_writes_no_revision(superuser):
    version = make_version(actor=superuser, title="Same", body="Same body")
    before = version_state(version)
    assert save(version, superuser, 1, title="Same", body="Same body").number == 1
    assert version_state(version) == before


def test_stale_save_refused_and_nothing_written(superuser):
    version = make_version(actor=superuser)
    other = make_user(superuser=True)
    save(version, other, 1, title="Their title", body="Their text")
    before = version_state(version)
    with pytest.raises(workflow.ConflictError) as excinfo:
        save(version, superuser, 1, title="My title", body="My text")
    assert excinfo.value.latest.number == 2
    assert excinfo.value.latest.body == "Their text"
    assert str(other) in str(excinfo.value)
    assert version_state(version) == before


def test_save_after_seeing_the_conflict_goes_through(superuser):
    version = make_version(actor=superuser)
    save(version, make_user(superuser=True), 1, title="Theirs")
    assert save(version, superuser, 2, title="Merged").number == 3


@pytest.mark.parametrize(
    ("title", "body", "message"), [("", "Body", "title"), ("  ", "Body", "title"), ("T", "", "body")]
)
def test_empty_title_or_body_refused(superuser, title, body, message):
    version = make_version(actor=superuser)
    before = version_state(version)
    with pytest.raises(workflow.TransitionError, match=message):
        save(version, superuser, 1, title=title, body=body)
    assert version_state(version) == before


def test_user_without_permission_refused():
    version = make_version()
    before = version_state(version)
    with pytest.raises(workflow.TransitionError, match="permission"):
        save(version, make_user(), 1, title="Mine")
    assert version_state(version) == before


def test_editor_may_save():
    version = make_version()
    editor = make_staff("Editor")
    assert save(version, editor, 1, title="Edited").author == editor


def test_translator_saves_only_their_languages():
    english, persian = make_version(), make_version(language="fa")
    translator = make_staff("Translator", languages=["fa"])
    assert save(persian, translator, 1, title="ترجمه").author == translator
    before = version_state(english)
    with pytest.raises(workflow.TransitionError, match="You do not translate into en"):
        save(english, translator, 1, title="Mine")
    assert version_state(english) == before


def test_editing_a_published_version_keeps_the_live_text(superuser):
    version = publish_directly(make_version(actor=superuser, title="Live", body="Live text"))
    revision = save(version, superuser, 1, title="Pending", body="Pending text")
    version.refresh_from_db()
    assert (version.title, version.body, version.status) == ("Live", "Live text", "published")
    assert "Pending" not in version.body_html
    assert revision.number == 2 and Revision.objects.filter(translation=version).count() == 2
    assert Translation.objects.public().get(pk=version.pk).title == "Live"


def test_slug_changes_until_first_publication(superuser):
    version = make_version(actor=superuser, title="Old", body="B")
    save(version, superuser, 1, title="Old", body="B", slug="new-address")
    version.refresh_from_db()
    assert version.slug == "new-address"
    published = publish_directly(version)
    save(published, superuser, 1, title="Changed", body="B", slug="another")
    published.refresh_from_db()
    assert published.slug == "new-address"


def test_duplicate_language_refused_with_message(superuser):
    version = make_version(actor=superuser)
    with pytest.raises(workflow.TransitionError, match="already has a version"):
        save(Translation(statement=version.statement, language="en"), superuser, 0)
    assert version.statement.translations.count() == 1
