"""The admin's lists and navigation as the desk meets them: bulk actions through the
workflow, search by participant and reference, filters named for people, deleting one's
own never-published drafts (audited), the next step after creating a statement, "View on
site" for drafts, and one "System" heading for the machinery."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from statements import workflow
from statements.models import AuditEntry, Statement, Translation

from .factories import make_country, make_draft, make_person, make_public, make_statement, make_topic, make_version

pytestmark = pytest.mark.django_db

STATEMENTS = reverse("admin:statements_statement_changelist")
VERSIONS = reverse("admin:statements_translation_changelist")


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def listed_titles(response):
    return {a.text.strip() for a in page(response).select("#result_list th a, #result_list td a")}


def test_bulk_submit_for_review_runs_the_workflow_and_names_refusals(client, people):
    first = make_draft(people["editor"], title="First bulk draft")
    second = make_draft(people["editor"], title="Second bulk draft")
    workflow.submit_for_review(translation=second, actor=people["editor"])
    client.force_login(people["editor"])
    data = {"action": "submit_for_review", ACTION_CHECKBOX_NAME: [first.pk, second.pk]}
    response = client.post(VERSIONS, data, follow=True)
    text = page(response).select_one(".messagelist").text
    assert "1 version submitted for review." in text
    assert "Second bulk draft" in text and "already waiting for review" in text
    assert Translation.objects.get(pk=first.pk).status == "in_review"


def test_statement_search_finds_participants_and_partial_references(client, people):
    guest = make_person("Tomas Vellander")
    version = make_version(make_statement(participants=[guest]), title="Harbour talks", actor=people["editor"])
    other = make_statement(participants=[make_person("Someone Else")])
    make_version(other, title="Other talks", actor=people["editor"])
    client.force_login(people["editor"])
    assert "Harbour talks" in page(client.get(STATEMENTS, {"q": "Vellander"})).text
    assert "Other talks" not in page(client.get(STATEMENTS, {"q": "Vellander"})).text
    reference = version.statement.reference
    found = page(client.get(STATEMENTS, {"q": reference[:-1]})).text
    assert reference in found
    assert "Harbour talks" in page(client.get(VERSIONS, {"q": "Vellander"})).text


def test_list_filters_by_status_participant_and_country_with_plain_names(client, people):
    guest, country = make_person("Ilse Marrow"), make_country("XQ", "Country XQ")
    statement = make_statement(participants=[guest])
    statement.countries.add(country)
    make_version(statement, title="Filtered talks", actor=people["editor"])
    make_version(make_statement(participants=[make_person()]), title="Unfiltered talks", actor=people["editor"])
    client.force_login(people["editor"])
    html = page(client.get(VERSIONS))
    headings = [h.text.strip() for h in html.select("#changelist-filter h3, #changelist-filter summary")]
    assert "By participant" in headings and "By country" in headings and "By force-published" in headings
    assert not any("is force published" in h for h in headings)
    by_person = page(client.get(VERSIONS, {"statement__participations__person__id__exact": guest.pk})).text
    assert "Filtered talks" in by_person and "Unfiltered talks" not in by_person
    by_country = page(client.get(STATEMENTS, {"countries__id__exact": country.pk})).text
    assert "Filtered talks" in by_country and "Unfiltered talks" not in by_country
    drafts = page(client.get(STATEMENTS, {"status": "draft"})).text
    assert "Filtered talks" in drafts


def test_versions_list_keeps_a_readable_title_column(client, people):
    make_draft(people["editor"], title="A title that should wrap over a few lines at most")
    client.force_login(people["editor"])
    html = page(client.get(VERSIONS))
    assert len(html.select("#result_list thead th")) <= 7  # the checkbox and six columns
    assert html.select_one("link[href$='admin-extra.css']") is not None


def test_editor_deletes_own_never_published_draft_and_it_is_audited(client, people):
    english = make_public({"editor": people["editor"], "publisher": people["publisher"]}, title="Live original")
    persian = workflow.start_translation(source=english, language="fa", actor=people["translator"])
    delete = reverse("admin:statements_translation_delete", args=[persian.pk])
    client.force_login(people["editor2"])
    assert client.post(delete, {"post": "yes"}).status_code == 403  # not theirs
    client.force_login(people["translator"])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Translation.objects.filter(pk=persian.pk).exists()
    entry = AuditEntry.objects.get(action="delete_draft")
    assert entry.actor == people["translator"] and entry.changes["reference"] == english.statement.reference
    # A published version is never deleted.
    client.force_login(people["publisher"])
    refused = client.post(reverse("admin:statements_translation_delete", args=[english.pk]), {"post": "yes"})
    assert refused.status_code == 403
    assert Translation.objects.filter(pk=english.pk).exists()


def test_deleting_a_lone_draft_original_takes_its_statement(people):
    draft = make_draft(people["editor"])
    workflow.delete_draft(translation=draft, actor=people["editor"])
    assert not Statement.objects.filter(pk=draft.statement_id).exists()
    assert AuditEntry.objects.get(action="delete_draft").changes["statement_deleted"] is True


def test_an_original_with_translations_is_not_deleted(people):
    original = make_draft(people["editor"])
    workflow.start_translation(source=original, language="fa", actor=people["translator"])
    with pytest.raises(workflow.TransitionError, match="translations first"):
        workflow.delete_draft(translation=original, actor=people["editor"])
    assert Translation.objects.filter(pk=original.pk).exists()


def test_new_statement_lands_on_its_version_with_submit_offered(client, people):
    client.force_login(people["editor"])
    add = reverse("admin:statements_statement_add")
    form = page(client.get(add))
    assert form.select_one("select[name=original_language] option[selected]")["value"] == "en"
    data = {
        "kind": "readout",
        "occurred_on": "2026-03-02",
        "original_language": "en",
        "title": "Talks on the harbour",
        "body": "They met.",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
    }
    response = client.post(add, data)
    version = Translation.objects.get(title="Talks on the harbour")
    assert response["Location"] == reverse("admin:statements_translation_change", args=[version.pk])
    landed = page(client.get(response["Location"]))
    assert "Submit for review" in [a.text.strip() for a in landed.select(".workflow-actions a")]
    assert "Next: check the text, then submit it for review." in landed.select_one(".messagelist").text


def test_view_on_site_opens_the_preview_for_a_draft_and_the_page_once_public(client, people, staff):
    draft = make_draft(people["editor"])
    client.force_login(people["editor"])
    change = reverse("admin:statements_translation_change", args=[draft.pk])
    link = page(client.get(change)).select_one(".viewsitelink")
    assert link["href"] == reverse("admin:statements_translation_preview", args=[draft.pk])
    assert client.get(link["href"]).status_code == 200
    live = make_public(staff, title="Seen on site")
    change = reverse("admin:statements_translation_change", args=[live.pk])
    link = page(client.get(change)).select_one(".viewsitelink")
    assert link["href"] == live.get_absolute_url()


def test_navigation_groups_the_machinery_under_system(admin_client):
    html = page(admin_client.get(reverse("admin:index")))
    names = [caption.text.strip() for caption in html.select(".app-list caption, #content-related caption, caption a")]
    assert "System" in names
    assert not {"Otp_Totp", "Axes", "Sequences", "Django_Rq", "Tasks Database Backend"} & set(names)


def test_add_topic_to_statements_goes_through_the_workflow(client, people):
    topic = make_topic("Harbours")
    draft = make_draft(people["editor"])
    client.force_login(people["editor"])
    asked = client.post(STATEMENTS, {"action": "add_topic", ACTION_CHECKBOX_NAME: [draft.statement_id]})
    assert asked.status_code == 200 and "Add the topic" in asked.content.decode()
    data = {"action": "add_topic", ACTION_CHECKBOX_NAME: [draft.statement_id], "topic": topic.pk, "apply": "1"}
    client.post(STATEMENTS, data)
    assert list(draft.statement.topics.all()) == [topic]
    assert AuditEntry.objects.filter(action="update_statement", statement=draft.statement).exists()
    # No topic chosen: the page again with a form error, nothing changed.
    again = client.post(STATEMENTS, {**data, "topic": ""})
    assert again.status_code == 200 and "errorlist" in again.content.decode()


def test_export_statements_as_csv(client, people):
    draft = make_draft(people["editor"], title="Harbour talks")
    Statement.objects.filter(pk=draft.statement_id).update(location="=HYPERLINK(1)")
    client.force_login(people["editor"])
    response = client.post(STATEMENTS, {"action": "export_csv", ACTION_CHECKBOX_NAME: [draft.statement_id]})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["reference", "occurred_on", "kind", "location"]
    assert rows[1][0] == draft.statement.reference
    assert rows[1][3] == "'=HYPERLINK(1)"  # a spreadsheet formula is written as text
    assert rows[1][-1] == "en: Harbour talks (Draft)"
