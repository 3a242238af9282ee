"""Every admin and side endpoint × every role: a user without permission on the object
is refused (403, 404 or the login page) and nothing changes; a user with it gets it.

Roles: editor, translator (Persian only), publisher, staff without a role, a signed-in
non-staff user, and an anonymous visitor. Endpoints that change something are checked
by their effect on the database, not only by their status code.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as Pillow

from statements import workflow
from statements.models import AuditEntry, Translation

from .counts import TRIED as COUNTS
from .factories import (
    database_state,
    make_person,
    make_staff,
    make_statement,
    make_topic,
    make_user,
    make_version,
    version_data,
)
from .pictures import encode, store

pytestmark = pytest.mark.django_db

ROLES = ["editor", "translator", "publisher", "no_role", "reader", "anonymous"]
VIEWERS = {"editor", "translator", "publisher"}
EDITORS = {"editor", "publisher"}
PUBLISHERS = {"publisher"}
TRIED = []


def endpoint_world():
    author = make_staff("Editor", "author")
    other_publisher = make_staff("Publisher", "other_publisher")
    users = {
        "editor": make_staff("Editor", "editor"),
        "translator": make_staff("Translator", "translator", languages=["fa"]),
        "publisher": make_staff("Publisher", "publisher"),
        "no_role": make_user("no_role"),
        "reader": make_user("reader", is_staff=False),
        "anonymous": AnonymousUser(),
    }
    topic = make_topic("Fisheries", slug="fisheries")
    draft = make_version(make_statement(participants=[make_person()], topics=[topic]), actor=author, body="One")
    workflow.save_draft(translation=draft, actor=author, title="Draft two", standfirst="", body="Two", base_revision=1)
    review = make_version(make_statement(participants=[make_person()]), actor=author, body="Under review")
    workflow.submit_for_review(translation=review, actor=author)
    live = make_version(make_statement(participants=[make_person()], topics=[topic]), actor=author, body="Live")
    workflow.submit_for_review(translation=live, actor=author)
    workflow.publish(translation=live, actor=other_publisher)
    persian = workflow.start_translation(source=live, language="fa", actor=author)
    link = workflow.create_preview_link(translation=live, actor=other_publisher)
    image = store("small.png", encode(Pillow.new("RGB", (120, 80), "teal"), "PNG"), alt_text="A quay")
    return {
        "users": users,
        "draft": draft,
        "review": review,
        "live": live,
        "persian": persian,
        "image": image,
        "topic": topic,
        "link": link,
    }


def admin(name, *args):
    return reverse(f"admin:{name}", args=args)


def statement_form(statement, **overrides):
    return {
        "kind": statement.kind,
        "occurred_on": statement.occurred_on.isoformat(),
        "occurred_time": "",
        "location": "Changed place",
        "original_language": statement.original_language,
        "topics": [],
        "countries": [],
        "featured_image": "",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "participations-MIN_NUM_FORMS": "0",
        "participations-MAX_NUM_FORMS": "1000",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        **overrides,
    }


def future():
    """A publication time two days on, confirmed in words (the publish form asks once)."""
    at = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    return {"at": at.strftime("%Y-%m-%dT%H:%M"), "confirmed_at": at.isoformat()}


# name: (method, address(w), data(w) or None, roles allowed)
ENDPOINTS = {
    "dashboard": ("GET", lambda w: admin("index"), None, VIEWERS | {"no_role"}),
    "version change form": ("GET", lambda w: admin("statements_translation_change", w["draft"].pk), None, VIEWERS),
    "revision history": ("GET", lambda w: admin("statements_translation_revisions", w["draft"].pk), None, VIEWERS),
    "compare revisions": (
        "GET",
        lambda w: admin("statements_translation_compare", w["draft"].pk) + "?a=1&b=2",
        None,
        VIEWERS,
    ),
    "staff preview": ("GET", lambda w: admin("statements_translation_preview", w["draft"].pk), None, VIEWERS),
    "translation matrix": ("GET", lambda w: admin("statements_translation_matrix"), None, VIEWERS),
    "side-by-side view": ("GET", lambda w: admin("statements_translation_translate", w["persian"].pk), None, VIEWERS),
    "XLIFF export": ("GET", lambda w: admin("statements_translation_xliff", w["persian"].pk), None, VIEWERS),
    "XLIFF export of many": (
        "GET",
        lambda w: admin("statements_translation_xliff_many") + f"?id={w['persian'].pk}",
        None,
        VIEWERS,
    ),
    "XLIFF import into English": (
        "GET",
        lambda w: admin("statements_translation_xliff_import", w["live"].pk),
        None,
        EDITORS,
    ),
    "private image file": ("GET", lambda w: admin("statements_image_file", w["image"].pk, "original"), None, VIEWERS),
    "image change form": ("GET", lambda w: admin("statements_image_change", w["image"].pk), None, VIEWERS),
    "topic autocomplete": (
        "GET",
        lambda w: (
            reverse("admin:autocomplete") + "?app_label=statements&model_name=statement&field_name=topics&term=fish"
        ),
        None,
        VIEWERS,
    ),
    "person autocomplete": (
        "GET",
        lambda w: (
            reverse("admin:autocomplete") + "?app_label=statements&model_name=participation&field_name=person&term="
        ),
        None,
        VIEWERS,
    ),
    "audit log": ("GET", lambda w: admin("statements_auditentry_changelist"), None, EDITORS),
    "revision list": ("GET", lambda w: admin("statements_revision_changelist"), None, VIEWERS),
    "revision detail": (
        "GET",
        lambda w: admin("statements_revision_change", w["draft"].revisions.get(number=2).pk),
        None,
        VIEWERS,
    ),
    "statement list": ("GET", lambda w: admin("statements_statement_changelist"), None, VIEWERS),
    "version list": ("GET", lambda w: admin("statements_translation_changelist"), None, VIEWERS),
    "start translation page": (
        "GET",
        lambda w: admin("statements_statement_translate", w["live"].statement_id, "fr"),
        None,
        VIEWERS,
    ),
    "import readouts page": ("GET", lambda w: admin("statements_statement_import"), None, EDITORS),
    # Changes: allowed means the database changed, refused means it did not.
    "edit an English draft": (
        "POST",
        lambda w: admin("statements_translation_change", w["draft"].pk),
        lambda w: version_data(w["draft"], body="Edited"),
        EDITORS,
    ),
    "edit the Persian translation": (
        "POST",
        lambda w: admin("statements_translation_change", w["persian"].pk),
        lambda w: version_data(w["persian"], body="ویرایش"),
        VIEWERS,
    ),
    "submit for review": (
        "POST",
        lambda w: admin("statements_translation_act", w["draft"].pk, "submit_for_review"),
        lambda w: {},
        EDITORS,
    ),
    "schedule (publish time)": (
        "POST",
        lambda w: admin("statements_translation_act", w["review"].pk, "publish"),
        lambda w: future(),
        PUBLISHERS,
    ),
    "force-publish": (
        "POST",
        lambda w: admin("statements_translation_act", w["draft"].pk, "force_publish"),
        lambda w: {"reason": "Urgent"},
        PUBLISHERS,
    ),
    "withdraw": (
        "POST",
        lambda w: admin("statements_translation_act", w["live"].pk, "withdraw"),
        lambda w: {"explanation": "Superseded"},
        PUBLISHERS,
    ),
    "restore a revision": (
        "POST",
        lambda w: admin("statements_translation_restore", w["draft"].pk, 1),
        lambda w: {},
        EDITORS,
    ),
    "create a preview link": (
        "POST",
        lambda w: admin("statements_translation_preview_links", w["draft"].pk),
        lambda w: {"days": "3"},
        EDITORS,
    ),
    "revoke a preview link": (
        "POST",
        lambda w: admin("statements_translation_preview_links", w["live"].pk),
        lambda w: {"revoke": str(w["link"].pk)},
        EDITORS,  # whoever may share a preview may also withdraw one
    ),
    "start a French translation": (
        "POST",
        lambda w: admin("statements_statement_translate", w["live"].statement_id, "fr"),
        lambda w: {"prefill": "on"},
        EDITORS,
    ),
    "change a live statement's metadata": (
        "POST",
        lambda w: admin("statements_statement_change", w["live"].statement_id),
        lambda w: statement_form(w["live"].statement, topics=[str(w["topic"].pk)]),
        PUBLISHERS,
    ),
    "change a draft statement's metadata": (
        "POST",
        lambda w: admin("statements_statement_change", w["draft"].statement_id),
        lambda w: statement_form(w["draft"].statement, topics=[str(w["topic"].pk)]),
        EDITORS,
    ),
}


def client_for(user):
    client = Client()
    if not isinstance(user, AnonymousUser):
        client.force_login(user)
    return client


def refused_status(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_endpoint_refuses_users_without_permission_on_the_object(endpoint, role):
    method, address, data, allowed = ENDPOINTS[endpoint]
    w = endpoint_world()
    client = client_for(w["users"][role])
    url = address(w)
    TRIED.append((endpoint, role))
    if method == "GET":
        response = client.get(url)
        assert response.status_code < 500
        if role in allowed:
            assert response.status_code == 200, (endpoint, role, response.status_code)
        else:
            assert refused_status(response), (endpoint, role, response.status_code)
        return
    before, audits = database_state(), AuditEntry.objects.count()
    response = client.post(url, data(w))
    assert response.status_code < 500, (endpoint, role)
    if role in allowed:
        assert database_state() != before, (endpoint, role, response.status_code)
        assert response.status_code == 302 and "/login/" not in response["Location"], (endpoint, role)
    else:
        assert database_state() == before, (endpoint, role)
        assert AuditEntry.objects.count() == audits
        # Refused outright (403, 404, login page), or by the workflow with a message.
        assert refused_status(response) or response.status_code in (200, 302, 400), (endpoint, role)


def test_compare_cannot_reach_revisions_of_another_version(admin_client):
    w = endpoint_world()
    other = w["live"]  # has revision 1 only; the draft has 1 and 2
    workflow.save_draft(
        translation=w["review"], actor=w["users"]["editor"], title="X", standfirst="", body="Y", base_revision=1
    )
    response = admin_client.get(admin("statements_translation_compare", other.pk) + "?a=1&b=2")
    assert response.status_code == 404
    # Revision ids of another version are not accepted as numbers either.
    foreign = w["draft"].revisions.get(number=2)
    response = admin_client.get(admin("statements_translation_compare", other.pk) + f"?a=1&b={foreign.pk}")
    assert response.status_code == 404


def test_revoking_a_foreign_preview_link_is_refused(admin_client):
    w = endpoint_world()
    before = database_state()
    response = admin_client.post(
        admin("statements_translation_preview_links", w["draft"].pk), {"revoke": str(w["link"].pk)}
    )
    assert response.status_code == 404
    assert database_state() == before


def test_xliff_export_of_many_skips_ids_the_user_may_not_see(client):
    w = endpoint_world()
    client.force_login(w["users"]["no_role"])
    response = client.get(admin("statements_translation_xliff_many") + f"?id={w['persian'].pk}&id={w['draft'].pk}")
    assert refused_status(response)


def test_bulk_action_with_foreign_ids_is_refused_for_users_without_view(client):
    w = endpoint_world()
    client.force_login(w["users"]["no_role"])
    response = client.post(
        admin("statements_translation_changelist"),
        {"action": "export_xliff", "_selected_action": [w["persian"].pk, w["draft"].pk]},
    )
    assert refused_status(response)


def test_dashboard_shows_each_role_only_what_it_may_see(client):
    w = endpoint_world()
    client.force_login(w["users"]["translator"])
    html = client.get(admin("index")).content.decode()
    assert w["live"].title not in html  # English: not the translator's language
    client.force_login(w["users"]["no_role"])
    html = client.get(admin("index")).content.decode()
    for version in (w["draft"], w["review"], w["live"], w["persian"]):
        assert version.title not in html


def test_publisher_only_fields_posted_by_an_editor_are_refused(client):
    """A publish time, force-publishing and a live statement's metadata: an editor's POST
    changes nothing, whatever the form says."""
    w = endpoint_world()
    client.force_login(w["users"]["editor"])
    before = database_state()
    client.post(admin("statements_translation_act", w["review"].pk, "publish"), future())
    client.post(admin("statements_translation_act", w["draft"].pk, "force_publish"), {"reason": "Urgent"})
    client.post(admin("statements_statement_change", w["live"].statement_id), statement_form(w["live"].statement))
    client.post(
        admin("statements_translation_change", w["draft"].pk),
        version_data(
            Translation.objects.get(pk=w["draft"].pk),  # as saved: its slug follows its title
            status="published",
            published_at="2020-01-01 00:00",
            is_force_published="on",
        ),
    )
    after = database_state()
    assert after[0] == before[0] and after[2:] == before[2:]


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    if TRIED:
        endpoints = {endpoint for endpoint, _role in TRIED}
        roles = {role for _endpoint, role in TRIED}
        COUNTS["object permissions"] = f"{len(endpoints)} endpoints × {len(roles)} roles = {len(TRIED)} checks"
