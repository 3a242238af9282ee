"""The workflow in the admin: buttons, confirmation pages, revisions, previews, the
dashboard, and object permissions on every one of these endpoints."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from statements import previews, workflow
from statements.models import AuditEntry, PreviewLink, Translation

from .factories import edit_text, make_draft, make_staff, make_user

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def url(name, version, *args):
    return reverse(f"admin:statements_translation_{name}", args=[version.pk, *args])


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def buttons(client, version):
    return {a.text.strip() for a in page(client.get(url("change", version))).select(".workflow-actions a")}


def test_buttons_follow_role_and_state(client, people):
    version = make_draft(people["editor"])
    assert buttons(login(client, people["editor"]), version) == {"Submit for review"}
    workflow.submit_for_review(translation=version, actor=people["editor"])
    assert buttons(client, version) == set()
    assert {"Publish", "Send back", "Force publish"} <= buttons(login(client, people["publisher"]), version)


def test_publish_through_the_confirmation_page(client, people):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    login(client, people["publisher"])
    confirm = client.get(url("act", version, "publish"))
    assert confirm.status_code == 200 and "Publish this version?" in confirm.content.decode()
    response = client.post(url("act", version, "publish"), {"at": ""})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == "published" and version.is_public


def test_scheduling_through_the_confirmation_page_shows_the_zone(client, people):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    login(client, people["publisher"])
    at = timezone.localtime() + datetime.timedelta(days=2)
    typed = {"at": at.strftime("%Y-%m-%dT09:30")}
    response = client.post(url("act", version, "publish"), typed)
    # First the time in words, to confirm; nothing is scheduled yet.
    assert response.status_code == 200
    words = page(response).select_one(".errornote").text
    assert f"{at:%A} {at.day} {at:%B %Y} at 09:30, UTC time (UTC+00:00)" in words
    version.refresh_from_db()
    assert version.status == "in_review"
    confirmed = page(response).select_one("input[name=confirmed_at]")["value"]
    response = client.post(url("act", version, "publish"), {**typed, "confirmed_at": confirmed})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.is_scheduled() and not version.is_public
    text = page(client.get(url("change", version))).text
    assert "Scheduled: will go live at" in text and "(UTC)" in text


def test_refused_transition_shows_why_and_changes_nothing(client, people):
    version = make_draft(people["publisher"])
    workflow.submit_for_review(translation=version, actor=people["publisher"])
    login(client, people["publisher"])
    response = client.post(url("act", version, "publish"), {"at": ""})
    assert response.status_code == 200
    assert "second pair of eyes" in page(response).select_one(".errornote").text
    version.refresh_from_db()
    assert version.status == "in_review"


def test_crafted_post_by_an_editor_is_refused(client, people):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    before = AuditEntry.objects.count()
    response = login(client, make_staff("Editor")).post(url("act", version, "publish"), {"at": ""})
    assert response.status_code == 200 and "Only a publisher" in response.content.decode()
    version.refresh_from_db()
    assert version.status == "in_review" and AuditEntry.objects.count() == before


def test_reason_forms_keep_input_on_error(client, people):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    login(client, people["publisher"])
    response = client.post(url("act", version, "reject"), {"reason": ""})
    assert response.status_code == 200 and page(response).select(".errorlist")
    response = client.post(url("act", version, "reject"), {"reason": "Check the spelling."})
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="reject").message == "Check the spelling."


def test_unknown_action_is_404(client, people):
    version = make_draft(people["editor"])
    assert login(client, people["publisher"]).get(url("act", version, "delete_everything")).status_code == 404


def test_translator_cannot_change_a_version_outside_their_languages(client, people):
    english = make_draft(people["editor"])
    persian = make_draft(people["editor"], language="fa", statement=english.statement)
    login(client, people["translator"])
    assert client.get(url("change", persian)).status_code == 200
    response = client.post(url("change", english), {"title": "x", "body": "y", "base_revision": "1"})
    assert response.status_code == 403
    assert client.post(url("restore", english, 1)).status_code == 403
    english.refresh_from_db()
    assert english.title != "x"


def test_translator_may_start_only_their_languages(client, people):
    original = make_draft(people["editor"])
    login(client, people["translator"])
    refused = client.post(reverse("admin:statements_statement_translate", args=[original.statement_id, "ar"]))
    assert refused.status_code == 200 and Translation.objects.filter(language="ar").count() == 0
    started = client.post(reverse("admin:statements_statement_translate", args=[original.statement_id, "fa"]))
    assert started.status_code == 302 and Translation.objects.filter(language="fa").count() == 1


# revisions --------------------------------------------------------------------------


def test_history_and_escaped_compare(client, people):
    version = make_draft(people["editor"], body="Safe text")
    edit_text(version, people["editor"], 'Safe text\n<script>alert("x")</script><img src=x onerror=alert(1)>')
    login(client, people["editor"])
    history = client.get(url("revisions", version))
    assert history.status_code == 200 and len(page(history).select("tbody tr")) == 2
    response = client.get(url("compare", version), {"a": 1, "b": 2})
    assert response.status_code == 200
    diff = page(response).select_one("#content-main")
    assert diff.find("script") is None and diff.find("img") is None
    assert '<script>alert("x")</script>' in diff.select_one("ins").text


def test_compare_refuses_revisions_of_another_version(client, people):
    version, other = make_draft(people["editor"]), make_draft(people["editor"])
    edit_text(other, people["editor"], "Other text")
    login(client, people["editor"])
    assert client.get(url("compare", version), {"a": 1, "b": 2}).status_code == 404
    assert client.get(url("compare", version), {"a": "x", "b": 1}).status_code == 400
    assert client.post(url("restore", version, 2)).status_code == 404


def test_restore_creates_a_new_revision(client, people):
    version = make_draft(people["editor"], body="First")
    edit_text(version, people["editor"], "Second")
    login(client, people["editor"])
    assert client.get(url("restore", version, 1)).status_code == 200
    assert client.post(url("restore", version, 1)).status_code == 302
    assert list(version.revisions.order_by("number").values_list("body", flat=True)) == ["First", "Second", "First"]


@pytest.mark.parametrize("name", ["revisions", "preview", "change"])
def test_pages_refuse_users_without_permission(client, people, name):
    version = make_draft(people["editor"])
    login(client, make_user())  # staff, no permissions
    assert client.get(url(name, version)).status_code == 403


@pytest.mark.parametrize("name", ["revisions", "preview", "change"])
def test_pages_send_anonymous_users_to_login(client, people, name):
    version = make_draft(people["editor"])
    response = client.get(url(name, version))
    assert response.status_code == 302 and "/login/" in response["Location"]


# previews ---------------------------------------------------------------------------


def test_staff_preview_shows_pending_text_privately(client, people):
    version = make_draft(people["editor"], body="Live")
    workflow.submit_for_review(translation=version, actor=people["editor"])
    workflow.publish(translation=version, actor=people["publisher"])
    edit_text(version, people["editor"], "Pending words")
    response = login(client, people["editor"]).get(url("preview", version))
    assert response.status_code == 200
    assert "Pending words" in response.content.decode()
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert "noindex" in response["X-Robots-Tag"]
    assert page(response).find("meta", {"name": "robots"})["content"].startswith("noindex")
    client.logout()
    public = client.get(version.get_absolute_url()).content.decode()
    assert "Pending words" not in public and "Live" in public
    assert "Pending words" not in client.get("/en/").content.decode()


def create_link(client, version, **data):
    response = client.post(url("preview_links", version), {"note": "Protocol office", "days": "3", **data})
    assert response.status_code == 302
    return PreviewLink.objects.filter(translation=version).latest("created_at")


def test_preview_link_opens_for_anyone_until_revoked(client, people, django_user_model):
    version = make_draft(people["editor"], body="Embargoed text")
    link = create_link(login(client, people["editor"]), version)
    address = previews.link_url(link)
    client.logout()
    response = client.get(address)
    assert response.status_code == 200 and "Embargoed text" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEntry.objects.filter(action="preview_opened", translation=version).count() == 1
    login(client, people["editor"]).post(url("preview_links", version), {"revoke": link.pk})
    client.logout()
    assert client.get(address).status_code == 404


def test_expired_or_tampered_preview_links_are_404(client, people):
    version = make_draft(people["editor"])
    link = create_link(login(client, people["editor"]), version)
    client.logout()
    address = previews.link_url(link)
    assert client.get(address[:-3] + "xyz/").status_code == 404
    assert client.get("/preview/not-a-token/").status_code == 404
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(address).status_code == 404


def test_translator_cannot_create_preview_links(client, people):
    version = make_draft(people["editor"], language="fa")
    login(client, people["translator"]).post(url("preview_links", version), {"note": "x", "days": "3"})
    assert not PreviewLink.objects.exists()


def test_bad_preview_days_is_a_message_not_a_500(client, people):
    version = make_draft(people["editor"])
    response = login(client, people["editor"]).post(url("preview_links", version), {"days": "many"}, follow=True)
    assert response.status_code == 200 and "Days must be a number" in response.content.decode()
    response = client.post(url("preview_links", version), {"days": "90"}, follow=True)
    assert "1 to 30 days" in response.content.decode()
    assert not PreviewLink.objects.exists()


# presence, dashboard, statement metadata ---------------------------------------------


def test_change_form_says_who_else_opened_it(client, people):
    version = make_draft(people["editor"])
    login(client, people["editor"]).get(url("change", version))
    text = page(login(client, people["publisher"]).get(url("change", version))).text
    assert "editor opened this version 0 min ago" in text


def test_dashboard_sections(client, people):
    mine = make_draft(people["editor"])
    theirs = make_draft(people["publisher"])
    workflow.submit_for_review(translation=theirs, actor=people["publisher"])
    for_review = make_draft(people["editor"])
    workflow.submit_for_review(translation=for_review, actor=people["editor"])
    scheduled = make_draft(people["editor"])
    workflow.submit_for_review(translation=scheduled, actor=people["editor"])
    workflow.publish(translation=scheduled, actor=people["publisher2"], at=timezone.now() + datetime.timedelta(days=1))
    index = reverse("admin:index")

    def section(client, caption):
        for table in page(client.get(index)).select(".dashboard-module table"):
            if table.caption.text.strip() == caption:
                return {a.text for a in table.select("tbody a")}
        return None

    login(client, people["editor"])
    assert mine.title in section(client, "My drafts")
    assert section(client, "Waiting for my review") is None
    login(client, people["publisher"])
    waiting = section(client, "Waiting for my review")
    assert for_review.title in waiting and theirs.title not in waiting
    assert scheduled.title in section(client, "Scheduled")


def test_live_statement_is_read_only_for_editors(client, people):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    workflow.publish(translation=version, actor=people["publisher"])
    statement_url = reverse("admin:statements_statement_change", args=[version.statement.pk])
    login(client, people["editor"])
    response = client.get(statement_url)
    assert response.status_code == 200 and not page(response).select("input[name=_save]")
    assert client.post(statement_url, {"kind": "speech", "location": "X"}).status_code == 403
    login(client, people["publisher"])
    assert page(client.get(statement_url)).select("input[name=_save]")


# commands ---------------------------------------------------------------------------


def test_publish_due_is_idempotent(people, django_capture_on_commit_callbacks):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    now = timezone.now()
    workflow.publish(translation=version, actor=people["publisher"], at=now + datetime.timedelta(seconds=30), now=now)
    Translation.objects.filter(pk=version.pk).update(
        published_at=now - datetime.timedelta(seconds=1), first_published_at=now - datetime.timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_due", stdout=io.StringIO())
    version.refresh_from_db()
    assert version.announced_at is not None
    entries = AuditEntry.objects.filter(translation=version, action="went_live")
    assert entries.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_due", stdout=io.StringIO())
    assert entries.count() == 1


def test_assign_role_command(people):
    user = make_user("newcomer", is_staff=False)
    call_command("assign_role", "newcomer", "Translator", "--languages", "fa,ar", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(name="Translator").exists()
    assert user.staff_profile.languages == ["ar", "fa"]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Not enabled languages: zz"):
        call_command("assign_role", "newcomer", "Translator", "--languages", "zz")
    with pytest.raises(CommandError, match="No user named"):
        call_command("assign_role", "ghost", "Editor")


@pytest.mark.parametrize(
    "redirect_url",
    ["/en/" + "a" * 596, "javascript:alert(1)", "/en/a\r\nLocation: https://evil.example/", ""],
)
def test_unpublish_with_a_bad_redirect_is_a_form_error_and_changes_nothing(client, people, redirect_url):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    workflow.publish(translation=version, actor=people["publisher"])
    before = AuditEntry.objects.count()
    response = login(client, people["publisher2"]).post(
        url("act", version, "unpublish"), {"reason": "consolidated", "redirect_url": redirect_url, "explanation": ""}
    )
    assert response.status_code == 200 and page(response).select(".errorlist")
    version.refresh_from_db()
    assert version.status == Translation.Status.PUBLISHED and version.redirect_url == ""
    assert AuditEntry.objects.count() == before


def test_a_scheduled_version_is_labelled_scheduled_not_published(client, people):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    workflow.publish(translation=version, actor=people["publisher"], at=timezone.now() + datetime.timedelta(days=1))
    login(client, people["publisher2"])
    listing = page(client.get(reverse("admin:statements_translation_changelist")))
    assert listing.select_one("td.field-state").text.strip() == "Scheduled"
    statement = page(client.get(reverse("admin:statements_statement_change", args=[version.statement_id])))
    assert statement.select_one("td.field-state").text.strip() == "Scheduled"
    workflow.unschedule(translation=version, actor=people["publisher"])
    listing = page(client.get(reverse("admin:statements_translation_changelist")))
    assert listing.select_one("td.field-state").text.strip() == "In review"
