"""The editorial admin: every page renders, costs the same queries at any archive size,
and refuses bad input with a form error that keeps what the editor typed."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as PillowImage

from statements import workflow
from statements.models import (
    Appointment,
    AuditEntry,
    Image,
    Revision,
    StaffProfile,
    Statement,
    Translation,
)

from .factories import (
    appoint,
    make_country,
    make_person,
    make_role,
    make_statement,
    make_topic,
    make_user,
    make_version,
    version_data,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def tiny_jpeg() -> ContentFile:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (8, 6), (200, 30, 30)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="tiny.jpg")


def grow_archive(count: int, actor):
    """`count` more statements with versions, participants, topics, countries and revisions."""
    country = make_country("XQ", "Testland")
    role = make_role(single=False)
    topic = make_topic()
    for i in range(count):
        people = [make_person(country=country) for _ in range(2)]
        for person in people:
            appoint(person, role, D(2020, 1, 1))
        statement = make_statement(occurred_on=D(2024, 1 + i % 12, 1 + i % 28), participants=people, topics=[topic])
        statement.countries.add(country)
        for language in ("en", "fa"):
            version = make_version(statement, language=language, actor=actor)
            workflow.save_draft(
                translation=version, actor=actor, title="Revised", standfirst="", body="Again", base_revision=1
            )
        image = Image(alt_text=f"Picture {i}")
        image.file.save("tiny.jpg", tiny_jpeg(), save=True)
        StaffProfile.objects.get_or_create(user=make_user(), defaults={"languages": ["fa"]})


def admin_urls():
    """Changelist, add and change pages of every registered model."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(FakeRequest()):
            urls.append(reverse(f"{prefix}_add"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{prefix}_change", args=[first.pk]))
    version = Translation.objects.order_by("pk").first()
    urls += [
        reverse("admin:index"),
        reverse("admin:statements_translation_revisions", args=[version.pk]),
        reverse("admin:statements_translation_compare", args=[version.pk]) + "?a=1&b=2",
        reverse("admin:statements_translation_restore", args=[version.pk, 1]),
        reverse("admin:statements_translation_act", args=[version.pk, "submit_for_review"]),
        reverse("admin:statements_translation_preview", args=[version.pk]),
    ]
    return urls


class FakeRequest:
    class user:  # noqa: N801 - stands in for request.user
        @staticmethod
        def has_perm(perm, obj=None):
            return True


def query_counts(client, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_every_admin_page_renders_with_the_same_queries_at_two_sizes(admin_client, superuser):
    grow_archive(2, superuser)
    AuditEntry.objects.update(actor=superuser)
    urls = admin_urls()
    assert len(urls) >= 30
    query_counts(admin_client, urls)  # warm per-process caches (content types, session)
    small = query_counts(admin_client, urls)
    grow_archive(12, superuser)
    large = query_counts(admin_client, urls)
    assert large == small
    assert max(small.values()) <= 25, small


def test_statement_changelist_shows_titles_and_version_states(admin_client, superuser):
    version = make_version(title="Visible in the list", actor=superuser)
    make_version(version.statement, language="fa", actor=superuser)
    response = admin_client.get(reverse("admin:statements_statement_changelist"))
    page = BeautifulSoup(response.content, "html.parser")
    assert "Visible in the list" in page.text
    badges = {span.text for span in page.select(".version-status")}
    assert badges == {"en", "fa"}


def test_changelist_search_and_filters(admin_client, superuser):
    version = make_version(title="Water talks", actor=superuser)
    make_version(title="Other", actor=superuser)
    url = reverse("admin:statements_statement_changelist")
    response = admin_client.get(url, {"q": "water"})
    assert response.context["cl"].result_count == 1
    response = admin_client.get(url, {"q": version.statement.reference})
    assert response.context["cl"].result_count == 1
    response = admin_client.get(reverse("admin:statements_translation_changelist"), {"language": "en"})
    assert response.context["cl"].result_count == 2


def statement_add_data(**overrides):
    data = {
        "kind": "readout",
        "occurred_on": "2024-03-05",
        "occurred_time": "",
        "location": "Northhaven",
        "original_language": "en",
        "title": "A new readout",
        "standfirst": "One line",
        "body": "First paragraph.\n\nSecond paragraph.",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_adding_a_statement_drafts_its_original_version(admin_client, superuser):
    person = make_person()
    data = statement_add_data(
        **{
            "participations-TOTAL_FORMS": "1",
            "participations-0-person": str(person.pk),
            "participations-0-part": "host",
            "participations-0-position": "0",
        }
    )
    response = admin_client.post(reverse("admin:statements_statement_add"), data)
    assert response.status_code == 302, response.content
    statement = Statement.objects.get()
    version = statement.translations.get()
    assert (version.language, version.title, version.status) == ("en", "A new readout", "draft")
    assert version.revisions.get().number == 1
    assert statement.participations.get().person == person
    assert statement.reference.startswith("PO-2024-")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"body": "   "}, "body"),
        ({"original_language": "xx"}, "original_language"),
        ({"occurred_on": "2024-02-30"}, "occurred_on"),
    ],
)
def test_bad_statement_refused_and_text_kept(admin_client, overrides, field):
    data = statement_add_data(**overrides)
    response = admin_client.post(reverse("admin:statements_statement_add"), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    page = BeautifulSoup(response.content, "html.parser")
    if field != "body":
        assert page.find("textarea", {"name": "body"}).text.strip() == data["body"]
    assert Statement.objects.count() == 0 and Translation.objects.count() == 0


def test_duplicate_participant_refused(admin_client):
    person = make_person()
    data = statement_add_data(
        **{
            "participations-TOTAL_FORMS": "2",
            "participations-0-person": str(person.pk),
            "participations-0-part": "host",
            "participations-0-position": "0",
            "participations-1-person": str(person.pk),
            "participations-1-part": "guest",
            "participations-1-position": "1",
        }
    )
    response = admin_client.post(reverse("admin:statements_statement_add"), data)
    assert response.status_code == 200
    assert Statement.objects.count() == 0
    assert "Please correct the duplicate data" in response.content.decode()


def person_data(person, rows):
    data = {
        "name": person.name,
        "slug": person.slug,
        "honorific": "",
        "sort_name": person.sort_name,
        "appointments-TOTAL_FORMS": str(len(rows)),
        "appointments-INITIAL_FORMS": "0",
    }
    for i, (role, start, end) in enumerate(rows):
        data |= {
            f"appointments-{i}-role": role.pk,
            f"appointments-{i}-started_on": start,
            f"appointments-{i}-ended_on": end,
        }
    return data


def test_overlapping_appointment_refused_in_admin(admin_client):
    role = make_role("President of Testland")
    appoint(make_person("Sitting President"), role, D(2021, 8, 3), D(2024, 5, 19))
    person = make_person()
    url = reverse("admin:statements_person_change", args=[person.pk])
    response = admin_client.post(url, person_data(person, [(role, "2024-01-01", "")]))
    assert response.status_code == 200
    assert "held by one person at a time" in response.content.decode()
    assert "Sitting President" in response.content.decode()
    assert person.appointments.count() == 0


def test_overlap_within_one_submission_refused(admin_client):
    role = make_role()
    person = make_person()
    url = reverse("admin:statements_person_change", args=[person.pk])
    rows = [(role, "2020-01-01", "2022-01-01"), (role, "2021-01-01", "")]
    response = admin_client.post(url, person_data(person, rows))
    assert response.status_code == 200
    assert "these appointments overlap" in response.content.decode()
    assert Appointment.objects.count() == 0


def test_appointment_ending_before_it_starts_refused_in_admin(admin_client):
    person = make_person()
    url = reverse("admin:statements_person_change", args=[person.pk])
    response = admin_client.post(url, person_data(person, [(make_role(), "2024-05-01", "2024-04-01")]))
    assert response.status_code == 200
    assert "cannot come before the first" in response.content.decode()
    assert Appointment.objects.count() == 0


def test_names_only_in_enabled_languages_can_be_posted(admin_client):
    """There is no raw JSON to get wrong: one input per enabled language, and a posted
    name for any other code is not read."""
    person = make_person()
    data = person_data(person, []) | {"names": '{"xx": "?"}', "names_xx": "?", "names_fa": "نام"}
    response = admin_client.post(reverse("admin:statements_person_change", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.names == {"fa": "نام"}


def test_version_edit_saves_a_revision(admin_client, superuser):
    version = make_version(actor=superuser)
    url = reverse("admin:statements_translation_change", args=[version.pk])
    response = admin_client.post(url, version_data(version, body="New body"))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.body == "New body" and version.revisions.count() == 2


def test_one_way_to_a_new_version_add_links_lead_to_start_translation(admin_client, superuser):
    """The versions list offers no "add": a translation starts from its statement's
    original (workflow.start_translation), which records the revision it follows."""
    version = make_version(actor=superuser)
    changelist = admin_client.get(reverse("admin:statements_translation_changelist")).content.decode()
    assert reverse("admin:statements_translation_add") not in changelist
    add = reverse("admin:statements_translation_add")
    response = admin_client.get(add, {"statement": version.statement.pk, "language": "fa"})
    assert response["Location"] == reverse("admin:statements_statement_translate", args=[version.statement.pk, "fa"])
    data = {"statement": version.statement.pk, "language": "fa", "title": "T", "body": "B", "base_revision": "0"}
    assert admin_client.post(add, data).status_code == 302
    assert Translation.objects.count() == 1
    admin_client.post(response["Location"], {"prefill": "on"})
    started = Translation.objects.get(language="fa")
    assert started.source_revision == version.revisions.get()


def test_adding_a_duplicate_language_version_refused(admin_client, superuser):
    version = make_version(actor=superuser)
    start = reverse("admin:statements_statement_translate", args=[version.statement.pk, "fa"])
    admin_client.post(start, {"prefill": "on"})
    response = admin_client.post(start, {"prefill": "on"})
    assert response.status_code == 200
    assert "already has a version in this language" in response.content.decode()
    assert Translation.objects.count() == 2


def test_adding_a_version_in_a_language_not_enabled_refused(admin_client, superuser):
    version = make_version(actor=superuser)
    start = reverse("admin:statements_statement_translate", args=[version.statement.pk, "de"])
    assert admin_client.post(start, {"prefill": "on"}).status_code == 404
    assert Translation.objects.count() == 1


def test_script_body_rendered_inert(admin_client, superuser):
    version = make_version(actor=superuser)
    url = reverse("admin:statements_translation_change", args=[version.pk])
    admin_client.post(url, version_data(version, body="<script>alert(1)</script>\n\n[x](javascript:alert(1))"))
    version.refresh_from_db()
    assert "<script" not in version.body_html and "javascript:" not in version.body_html.split("[x](")[0]
    assert version.body == "<script>alert(1)</script>\n\n[x](javascript:alert(1))"


def test_major_change_without_note_refused(admin_client, superuser):
    version = make_version(actor=superuser)
    url = reverse("admin:statements_translation_change", args=[version.pk])
    response = admin_client.post(url, version_data(version, body="Changed", is_major="on"))
    assert response.status_code == 200
    assert "change_note" in response.context["adminform"].form.errors
    assert version.revisions.count() == 1


def test_stale_save_shows_their_text_and_keeps_mine(admin_client, superuser):
    version = make_version(actor=superuser, body="Original")
    url = reverse("admin:statements_translation_change", args=[version.pk])
    mine = version_data(version, body="My careful edit")
    colleague = make_user("colleague", superuser=True)
    workflow.save_draft(
        translation=version, actor=colleague, title="T", standfirst="", body="Their edit", base_revision=1
    )
    response = admin_client.post(url, mine)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert "colleague saved a newer revision (2)" in page.text
    assert page.find("textarea", {"name": "body"}).text.strip() == "My careful edit"
    assert "Their edit" in page.select_one(".conflict").text
    assert page.find("input", {"name": "base_revision"})["value"] == "2"
    assert version.revisions.count() == 2
    # Having seen both, the editor saves again and wins deliberately.
    response = admin_client.post(url, mine | {"base_revision": "2"})
    assert response.status_code == 302
    assert version.revisions.order_by("-number").first().body == "My careful edit"


def test_save_racing_past_the_form_check_is_shown_not_lost(admin_client, superuser, monkeypatch):
    """A save that lands between the form check and the locked write: the workflow
    refuses it, and the page comes back with the editor's text."""
    version = make_version(actor=superuser, body="Original")
    url = reverse("admin:statements_translation_change", args=[version.pk])
    real_save_draft = workflow.save_draft

    def racing_save_draft(**kwargs):
        real_save_draft(translation=version, actor=make_user(superuser=True), title="T", standfirst="",
                        body="Sneaked in", base_revision=1)  # fmt: skip
        return real_save_draft(**kwargs)

    monkeypatch.setattr(workflow, "save_draft", racing_save_draft)
    response = admin_client.post(url, version_data(version, body="Mine"))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("textarea", {"name": "body"}).text.strip() == "Mine"
    assert "Sneaked in" in page.select_one(".conflict").text
    assert Revision.objects.filter(body="Mine").count() == 0


def test_change_form_continues_from_pending_revision_of_a_live_version(admin_client, superuser):
    from .factories import publish_directly

    version = publish_directly(make_version(actor=superuser, body="Live"))
    workflow.save_draft(
        translation=version, actor=superuser, title="T", standfirst="", body="Pending", base_revision=1
    )
    response = admin_client.get(reverse("admin:statements_translation_change", args=[version.pk]))
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("textarea", {"name": "body"}).text.strip() == "Pending"
    version.refresh_from_db()
    assert version.body == "Live"


def test_changing_the_date_to_a_clashing_slug_refused(admin_client, superuser):
    make_version(make_statement(occurred_on=D(2024, 1, 2)), title="Same title", actor=superuser)
    moving = make_version(make_statement(occurred_on=D(2024, 1, 3)), title="Same title", actor=superuser)
    statement = moving.statement
    url = reverse("admin:statements_statement_change", args=[statement.pk])
    data = {
        "kind": "readout",
        "occurred_on": "2024-01-02",
        "occurred_time": "",
        "location": "",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "1",
        "translations-0-id": str(moving.pk),
        "translations-0-statement": str(statement.pk),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "already uses the address" in response.content.decode()
    statement.refresh_from_db()
    assert statement.occurred_on == D(2024, 1, 3)
    # A free date moves the versions with it, audited.
    response = admin_client.post(url, data | {"occurred_on": "2024-01-09"})
    assert response.status_code == 302
    moving.refresh_from_db()
    assert moving.occurred_on == D(2024, 1, 9)
    entry = AuditEntry.objects.get(action="update_statement")
    assert entry.changes["occurred_on"] == {"before": "2024-01-03", "after": "2024-01-09"}


def test_revisions_and_audit_log_are_read_only(admin_client, superuser):
    version = make_version(actor=superuser)
    revision = version.revisions.get()
    response = admin_client.post(reverse("admin:statements_revision_change", args=[revision.pk]), {"title": "X"})
    assert response.status_code == 403
    revision.refresh_from_db()
    assert revision.title != "X"
    assert admin_client.get(reverse("admin:statements_auditentry_add")).status_code == 403
    assert admin_client.get(reverse("admin:statements_revision_add")).status_code == 403
    entry = AuditEntry.objects.get()
    delete = reverse("admin:statements_auditentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    page = admin_client.get(reverse("admin:statements_auditentry_change", args=[entry.pk]))
    assert page.status_code == 200 and b'name="action"' not in page.content  # shown, not editable


def test_editor_without_permission_cannot_open_the_admin_pages(client):
    client.force_login(make_user())
    assert client.get(reverse("admin:statements_statement_changelist")).status_code == 403
