"""Attacks of the kinds CMS security advisories keep reporting, beyond XSS and object
permissions (tests/test_xss.py, tests/test_object_permissions.py): cross-site request
forgery, host-header poisoning, open redirects after login, injection-shaped and
oversized search input, user enumeration through autocomplete, path traversal in
backups. Each must end in a clear 4xx (or a harmless 200) with nothing changed."""

import io
import json
import tarfile

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from statements import workflow
from statements.models import Translation

from .factories import make_person, make_staff, make_statement, make_version

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.PRESSOFFICE_ADMIN_PATH}"


@pytest.fixture
def draft():
    editor = make_staff("Editor", "ed")
    return make_version(make_statement(participants=[make_person()]), actor=editor, title="Quay talks")


def test_admin_posts_without_a_csrf_token_are_refused(draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_staff("Publisher", "pub"))
    url = reverse("admin:statements_translation_act", args=[draft.pk, "force_publish"])
    response = client.post(url, {"reason": "Forged"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Translation.Status.DRAFT


def test_unknown_host_header_is_refused(client):
    response = client.get("/en/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"evil.example" not in response.content


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]
)
def test_login_never_redirects_off_site(client, target):
    make_staff("Editor", "ed")
    response = client.post(f"{ADMIN}login/", {"username": "ed", "password": "pw", "next": target})
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith(("//", "/\\"))


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        '" OR ""="',
        "talks'); DROP TABLE statements_translation; --",
        "NEAR(talks quay) OR * AND NOT",
        'quay* ^talks "unterminated',
        "%' UNION SELECT password FROM auth_user --",
    ],
)
def test_injection_shaped_search_is_just_text(client, draft, query):
    publisher = make_staff("Publisher", "pub")
    workflow.submit_for_review(translation=draft, actor=draft.revisions.first().author)
    workflow.publish(translation=draft, actor=publisher)
    response = client.get("/en/statements/", {"q": query})
    assert response.status_code == 200
    assert b"md5$" not in response.content and b"pbkdf2" not in response.content
    assert Translation.objects.filter(pk=draft.pk).exists()
    feed = client.get("/en/feeds/statements.json", {"q": query})
    assert feed.status_code == 200 and json.loads(feed.content)["items"] is not None


def test_huge_search_input_is_capped_not_a_500(client):
    response = client.get("/en/statements/", {"q": "(a|" * 5000 + "a" * 20000})
    assert response.status_code in (200, 400)
    response = client.get("/en/statements/", {"topic": ["x"] * 500})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("role", ["Editor", "Translator"])
def test_staff_without_user_permissions_cannot_list_accounts_through_autocomplete(client, role):
    client.force_login(make_staff(role))
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "statements", "model_name": "staffprofile", "field_name": "user", "term": ""},
    )
    assert response.status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_with_a_path_outside_the_media_folders_is_refused_and_changes_nothing(tmp_path):
    make_staff("Editor", "archived-editor")
    path = tmp_path / "backup.tar.gz"
    call_command("export_archive", str(path), verbosity=0)
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "r:gz") as source, tarfile.open(evil, "w:gz") as target:
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member))
        data = b"owned"
        info = tarfile.TarInfo("media/private/../../../outside.txt")
        info.size = len(data)
        target.addfile(info, io.BytesIO(data))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="outside the media folders"):
        call_command("import_archive", str(evil), verbosity=0)
    assert not (tmp_path / "outside.txt").exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.exists()  # the rows read before the bad path were rolled back
