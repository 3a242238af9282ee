"""Signed editions: every public change is a numbered edition, signed, logged and announced
on every channel (statements/workflow/editions.py, editions_views.py, verification.py)."""

import base64
import datetime
import hashlib
import json

import feedparser
import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from defusedxml import ElementTree as ET
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from statements import transparency, workflow
from statements.models import Checkpoint, Edition, SigningKey, Translation

from .factories import (
    make_person,
    make_public,
    make_staff,
    make_statement,
    make_topic,
    make_version,
    publish_correction,
    version_state,
)
from .test_transparency_log import verify_tool

pytestmark = pytest.mark.django_db


def record(client, version, number):
    response = client.get(f"/api/editions/{version.uuid}/{number}.json")
    assert response.status_code == 200, response.content
    return response.content, json.loads(response.content)


def verifies(client, version, number) -> bool:
    data, fields = record(client, version, number)
    signature = base64.b64decode(client.get(f"/api/editions/{version.uuid}/{number}.sig").content)
    keys = client.get("/.well-known/press-office/keys.json").json()["keys"]
    [key] = [k for k in keys if k["key_id"] == fields["key_id"]]
    public = base64.b64decode(key["public_key"])
    assert hashlib.sha256(public).hexdigest() == key["key_id"]
    Ed25519PublicKey.from_public_bytes(public).verify(signature, data)  # raises if not
    return rfc8785.dumps(json.loads(data)) == data


def test_publication_signs_logs_and_checkpoints_in_its_transaction(client, staff):
    person = make_person("Ilse Varga")
    version = make_public(staff, title="Talks on rivers", participants=[person], topics=[make_topic("Water")])
    [edition] = Edition.objects.filter(translation=version)
    assert (edition.number, edition.change, edition.status) == (1, "publication", "published")
    assert Checkpoint.objects.get().tree_size == 1 == edition.leaf_index + 1
    assert verifies(client, version, 1)
    _data, fields = record(client, version, 1)
    assert fields["version_id"] == str(version.uuid) and fields["content_id"] == str(version.statement.content_id)
    assert fields["headline"] == "Talks on rivers" and fields["body"] == "A paragraph."
    assert fields["body_html_sha256"] == hashlib.sha256(version.body_html.encode()).hexdigest()
    assert fields["participants"][0]["name"] == "Ilse Varga" and fields["topics"][0]["name"] == "Water"
    assert fields["previous"] is None and fields["edition"] == 1 and fields["status"] == "published"
    assert fields["reference"] == version.statement.reference and fields["occurred_on"] == "2024-03-01"


def test_every_change_is_the_next_edition_chained_to_the_last(client, staff):
    version = make_public(staff)
    publish_correction(version, staff, "A typo fixed.")  # minor
    version.refresh_from_db()
    minor_updated = version.public_updated_at
    publish_correction(version, staff, "Now major.", is_major=True, change_note="Quote corrected.")
    workflow.withdraw(translation=version, actor=staff["publisher"], explanation="Issued in error.")
    version.refresh_from_db()
    editions = list(Edition.objects.filter(translation=version).order_by("number"))
    assert [e.change for e in editions] == ["publication", "minor-correction", "major-correction", "withdrawal"]
    assert [e.number for e in editions] == [1, 2, 3, 4] and version.edition == 4
    assert [e.leaf_index for e in editions] == [0, 1, 2, 3]
    for earlier, later in zip(editions, editions[1:], strict=False):
        assert json.loads(bytes(later.canonical))["previous"] == earlier.sha256
    assert json.loads(bytes(editions[2].canonical))["change_note"] == "Quote corrected."
    assert json.loads(bytes(editions[3].canonical))["notice"] == "Issued in error."
    assert version.public_updated_at > minor_updated  # the withdrawal moved it
    assert all(verifies(client, version, n) for n in range(1, 5))
    assert [e["edition"] for e in client.get(f"/api/editions/{version.uuid}/").json()["editions"]] == [1, 2, 3, 4]


def test_minor_correction_moves_ninjs_version_but_not_the_feeds(client, staff):
    version = make_public(staff)
    before = Translation.objects.get(pk=version.pk).public_updated_at
    publish_correction(version, staff, "Typo fixed.")
    version.refresh_from_db()
    assert version.public_updated_at == before
    item = client.get(f"/api/ninjs/statements/{version.uuid}/").json()
    assert item["version"] == "2" and item["versionCreated"] == version.edition_at.isoformat()
    assert any(
        r["name"] == "signed-edition" and r["href"].endswith(f"/{version.uuid}/2.json") for r in item["renditions"]
    )
    entry = feedparser.parse(client.get("/en/feeds/statements.atom").content).entries[0]
    assert entry.updated_parsed[:6] == before.utctimetuple()[:6]


def test_withdrawal_goes_to_the_top_of_every_feed_as_a_new_edition(client, staff):
    old = make_public(staff, title="Older statement")
    make_public(staff, title="Newer statement")
    workflow.withdraw(translation=old, actor=staff["publisher"], explanation="Superseded.")
    old.refresh_from_db()
    atom = feedparser.parse(client.get("/en/feeds/statements.atom").content)
    rss = feedparser.parse(client.get("/en/feeds/statements.rss").content)
    jsonfeed = client.get("/en/feeds/statements.json").json()
    assert atom.entries[0].id == rss.entries[0].id == jsonfeed["items"][0]["id"] == f"urn:uuid:{old.uuid}"
    assert atom.entries[0].updated_parsed[:6] == old.public_updated_at.utctimetuple()[:6]
    assert jsonfeed["items"][0]["date_modified"].startswith(old.public_updated_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert jsonfeed["items"][0]["_press_office"]["edition"] == 2
    assert any(link.get("rel") == "related" and link.href.endswith("/2.json") for link in atom.entries[0].links)
    item = client.get(f"/api/ninjs/statements/{old.uuid}/").json()
    assert (item["pubStatus"], item["version"]) == ("canceled", "2")


def test_unpublication_is_a_tombstone_without_title_or_text(client, staff):
    version = make_public(staff, title="Secret title words")
    workflow.unpublish(translation=version, actor=staff["publisher"], reason="published_in_error")
    atom = client.get("/en/feeds/statements.atom").content.decode()
    tree = ET.fromstring(atom)
    [deleted] = tree.findall("{http://purl.org/atompub/tombstones/1.0}deleted-entry")
    assert deleted.get("ref") == f"urn:uuid:{version.uuid}" and deleted.get("when")
    assert version.statement.reference in atom
    for path in ("/en/feeds/statements.atom", "/en/feeds/statements.rss", "/en/feeds/statements.json"):
        assert "Secret title words" not in client.get(path).content.decode()
    rss = feedparser.parse(client.get("/en/feeds/statements.rss").content)
    assert rss.entries[0].id == f"urn:uuid:{version.uuid}" and "removed" in rss.entries[0].title.lower()
    assert client.get("/en/feeds/statements.json").json()["items"][0]["_press_office"]["removed"] is True
    item = client.get(f"/api/ninjs/statements/{version.uuid}/")
    assert item.status_code == 200 and item.json()["pubStatus"] == "canceled" and item.json()["version"] == "2"
    assert "Secret" not in item.content.decode()
    # The editions list keeps numbers, times and hashes; the records are gone (410).
    listing = client.get(f"/api/editions/{version.uuid}/").json()
    assert [e["status"] for e in listing["editions"]] == ["published", "unpublished"]
    assert all(e["record"] is None for e in listing["editions"])
    assert client.get(f"/api/editions/{version.uuid}/1.json").status_code == 410
    assert "Secret" not in client.get(f"/api/editions/{version.uuid}/").content.decode()
    # Thirty days on, the tombstone is gone.
    Translation.objects.filter(pk=version.pk).update(unpublished_at=timezone.now() - datetime.timedelta(days=31))
    assert "deleted-entry" not in client.get("/en/feeds/statements.atom?limit=49").content.decode()


def test_drafts_and_scheduled_editions_answer_like_unknown_ones(client, staff):
    draft = make_version(make_statement(participants=[make_person()]), actor=staff["editor"])
    unknown = "00000000-0000-4000-8000-000000000000"
    for uuid in (draft.uuid, unknown):
        assert client.get(f"/api/editions/{uuid}/").status_code == 404
        assert client.get(f"/api/editions/{uuid}/1.json").status_code == 404
    scheduled = make_version(make_statement(participants=[make_person()]), actor=staff["editor"])
    workflow.submit_for_review(translation=scheduled, actor=staff["editor"])
    at = timezone.now() + datetime.timedelta(hours=2)
    workflow.publish(translation=scheduled, actor=staff["publisher"], at=at)
    assert Edition.objects.get(translation=scheduled).public_from == at  # made now, served from `at`
    assert client.get(f"/api/editions/{scheduled.uuid}/1.json").status_code == 404
    workflow.unschedule(translation=scheduled, actor=staff["publisher"])
    assert Edition.objects.get(translation=scheduled).public_from is None


def test_signing_failure_refuses_the_transition_and_changes_nothing(staff, tmp_path):
    version = make_version(make_statement(participants=[make_person()]), actor=staff["editor"])
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    before = version_state(version)
    with override_settings(
        PRESSOFFICE_SIGNING_KEY_FILE=str(tmp_path / "missing.pem"), PRESSOFFICE_SIGNING_KEY_AUTOCREATE=False
    ):
        with pytest.raises(workflow.TransitionError, match="cannot be signed"):
            workflow.publish(translation=version, actor=staff["publisher"])
    (tmp_path / "broken.pem").write_text("not a key")
    with override_settings(PRESSOFFICE_SIGNING_KEY_FILE=str(tmp_path / "broken.pem")):
        with pytest.raises(workflow.TransitionError, match="not an unencrypted PEM"):
            workflow.publish(translation=version, actor=staff["publisher"])
    assert version_state(version) == before
    assert not Edition.objects.exists() and not Checkpoint.objects.exists()


def test_metadata_change_on_a_live_statement_is_an_edition_only_when_the_record_changes(staff):
    version = make_public(staff)
    statement = version.statement
    topic = make_topic("Energy")
    workflow.update_statement(statement=statement, actor=staff["publisher"], apply=lambda: statement.topics.add(topic))
    workflow.update_statement(
        statement=statement, actor=staff["publisher"], apply=lambda: statement.save(update_fields=["is_featured"])
    )
    changes = list(Edition.objects.filter(translation=version).order_by("number").values_list("change", flat=True))
    assert changes == ["publication", "metadata"]


def test_proofs_and_checkpoint_verify_independently(client, staff):
    versions = [make_public(staff) for _ in range(5)]
    publish_correction(versions[0], staff, "Changed.")
    keys = client.get("/.well-known/press-office/keys.json").json()
    note = client.get("/transparency/checkpoint").content.decode()
    size, root = verify_tool.read_checkpoint(note, keys)
    assert size == 6
    for version in versions:
        for entry in client.get(f"/api/editions/{version.uuid}/").json()["editions"]:
            data, _fields = record(client, version, entry["edition"])
            signature = client.get(f"/api/editions/{version.uuid}/{entry['edition']}.sig").content.decode()
            assert verify_tool.check_record(data, signature, keys) == []
            proof = client.get(
                "/transparency/proof/inclusion", {"edition": f"{version.uuid}/{entry['edition']}", "size": size}
            ).json()
            assert verify_tool.check_inclusion(data, proof, size, root) == []
    old = Checkpoint.objects.get(tree_size=3)
    old_size, old_root = verify_tool.read_checkpoint(old.note, keys)
    proof = client.get("/transparency/proof/consistency", {"from": 3, "to": 6}).json()["hashes"]
    hashes = [base64.b64decode(h) for h in proof]
    assert verify_tool.verify_consistency(old_size, size, old_root, root, hashes)


@pytest.mark.parametrize(
    "query",
    [
        {"edition": "nonsense", "size": "1"},
        {"edition": "00000000-0000-4000-8000-000000000000/1", "size": "x"},
        {"edition": "00000000-0000-4000-8000-000000000000/1", "size": "999"},
    ],
)
def test_bad_proof_requests_are_400_with_a_reason(client, staff, query):
    make_public(staff)
    response = client.get("/transparency/proof/inclusion", query)
    assert response.status_code == 400 and response.json()["error"]


def test_bad_consistency_requests_are_400(client, staff):
    make_public(staff)
    for query in ({"from": "2", "to": "1"}, {"from": "a", "to": "1"}, {"from": "1", "to": "50"}, {}):
        assert client.get("/transparency/proof/consistency", query).status_code == 400


def test_transparency_check_finds_one_changed_byte(client, staff, capsys):
    version = make_public(staff)
    publish_correction(version, staff, "Again.")
    call_command("transparency_check")
    assert "2 editions" in capsys.readouterr().out
    edition = Edition.objects.get(translation=version, number=1)
    data = bytearray(edition.canonical)
    data[data.index(b"A paragraph")] = ord("B")
    Edition.objects.filter(pk=edition.pk).update(canonical=bytes(data))
    with pytest.raises(CommandError):
        call_command("transparency_check")
    assert "do not match its SHA-256" in capsys.readouterr().err
    tampered = client.get(f"/api/editions/{version.uuid}/1.json").content
    signature = client.get(f"/api/editions/{version.uuid}/1.sig").content.decode()
    keys = client.get("/.well-known/press-office/keys.json").json()
    assert verify_tool.check_record(tampered, signature, keys) == [
        "the signature does not verify with the office's key"
    ]


def test_rotation_keeps_old_editions_verifiable_and_revocation_stops_them(client, staff, capsys):
    first = make_public(staff)
    call_command("signing_key", "rotate")
    second = make_public(staff)
    keys = client.get("/.well-known/press-office/keys.json").json()
    assert [k["status"] for k in keys["keys"]] == ["retired", "active"]
    for version in (first, second):
        data, _f = record(client, version, 1)
        assert (
            verify_tool.check_record(data, client.get(f"/api/editions/{version.uuid}/1.sig").content.decode(), keys)
            == []
        )
    old = SigningKey.objects.get(state="retired")
    edition = Edition.objects.get(translation=first)
    call_command(
        "signing_key", "revoke", old.key_id, "--at", (edition.created_at - datetime.timedelta(seconds=1)).isoformat()
    )
    keys = client.get("/.well-known/press-office/keys.json").json()
    data, _f = record(client, first, 1)
    problems = verify_tool.check_record(data, client.get(f"/api/editions/{first.uuid}/1.sig").content.decode(), keys)
    assert problems and "revoked" in problems[0]
    page = client.get("/verify/", {"edition": f"{first.uuid}/1"})
    assert "revoked" in page.content.decode() and "Does not verify" in page.content.decode()


def test_verify_page_checks_addresses_texts_and_uploads(client, staff):
    version = make_public(staff, title="Harbour talks")
    page = client.get("/verify/", {"edition": f"{version.uuid}/1"})
    assert page.status_code == 200 and "Verified" in page.content.decode()
    assert f'data-record="http://testserver/api/editions/{version.uuid}/1.json"' in page.content.decode()
    pasted = client.post("/verify/", {"text": "  A   paragraph.\n"})
    assert "Verified" in pasted.content.decode() and "Harbour talks" in pasted.content.decode()
    unknown = client.post("/verify/", {"text": "Words the office never said."})
    assert unknown.status_code == 400 and "No signed edition" in unknown.content.decode()
    data = bytes(Edition.objects.get(translation=version).canonical)
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = client.post("/verify/", {"record": SimpleUploadedFile("1.json", data)})
    assert "Verified" in good.content.decode()
    altered = data.replace(b"A paragraph.", b"A forged one.")
    bad = client.post("/verify/", {"record": SimpleUploadedFile("1.json", altered)})
    assert bad.status_code == 200 and "altered" in bad.content.decode() and "Does not verify" in bad.content.decode()
    foreign = client.post(
        "/verify/", {"record": SimpleUploadedFile("1.json", data), "signature": base64.b64encode(b"x" * 64).decode()}
    )
    assert "not made by any key" in foreign.content.decode()
    for nonsense in ({"record": SimpleUploadedFile("x.json", b"\xff\xfe")}, {"signature": "***"}, {}):
        response = client.post("/verify/", nonsense)
        assert response.status_code == 400
    assert client.get("/verify/", {"edition": "abc"}).status_code == 400


def test_detail_page_links_its_current_edition(client, staff):
    version = make_public(staff)
    publish_correction(version, staff, "Changed.")
    html = client.get(version.get_absolute_url()).content.decode()
    assert f'type="application/json" title="Signed edition 2" href="/api/editions/{version.uuid}/2.json"' in html
    assert f"/verify/?edition={version.uuid}/2" in html


def test_demo_site_reverifies_with_only_public_addresses(client, tmp_path):
    """Every edition of the demo site, checked with cryptography + rfc8785 and the
    stand-alone verifier (no project code), against the latest checkpoint."""
    call_command("load_demo", verbosity=0)
    keys = client.get("/.well-known/press-office/keys.json").json()
    size, root = verify_tool.read_checkpoint(client.get("/transparency/checkpoint").content.decode(), keys)
    checked = 0
    for version in Translation.objects.once_public():
        for entry in client.get(f"/api/editions/{version.uuid}/").json()["editions"]:
            data = client.get(f"/api/editions/{version.uuid}/{entry['edition']}.json").content
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            signature = client.get(f"/api/editions/{version.uuid}/{entry['edition']}.sig").content.decode()
            proof = client.get(
                "/transparency/proof/inclusion", {"edition": f"{version.uuid}/{entry['edition']}", "size": size}
            ).json()
            assert verify_tool.check_record(data, signature, keys) == []
            assert verify_tool.check_inclusion(data, proof, size, root) == []
            checked += 1
    assert checked == size == Edition.objects.count() > 3
    # The office withdraws one: the new checkpoint is consistent with the one before.
    publisher = make_staff("Publisher", "demo-publisher")
    workflow.withdraw(translation=Translation.objects.public().first(), actor=publisher, explanation="Superseded.")
    new_size, new_root = verify_tool.read_checkpoint(client.get("/transparency/checkpoint").content.decode(), keys)
    proof = client.get("/transparency/proof/consistency", {"from": size, "to": new_size}).json()["hashes"]
    hashes = [base64.b64decode(h) for h in proof]
    assert new_size == size + 1 and verify_tool.verify_consistency(size, new_size, root, new_root, hashes)
    assert not verify_tool.verify_consistency(size, new_size, new_root, new_root, hashes)
    assert transparency.rebuild_and_compare() == []


@override_settings(PRESSOFFICE_SIGNING_KEY_FILE="")
def test_deploy_check_warns_without_a_key():
    from statements.signing import signing_key_configured

    [warning] = signing_key_configured()
    assert warning.id == "pressoffice.W101"


def test_restoring_is_a_new_edition_at_the_top_of_the_feeds(client, staff):
    version = make_public(staff, title="Back again")
    workflow.unpublish(translation=version, actor=staff["publisher"], reason="published_in_error")
    assert client.get(version.get_absolute_url()).status_code == 410
    with pytest.raises(workflow.TransitionError, match="note for readers"):
        workflow.restore(translation=version, actor=staff["publisher"], note=" ")
    with pytest.raises(workflow.TransitionError):
        workflow.restore(translation=version, actor=staff["editor"], note="Back.")
    workflow.restore(translation=version, actor=staff["publisher"], note="Restored after legal review.")
    version.refresh_from_db()
    assert version.status == "published" and version.unpublished_at is None
    editions = list(Edition.objects.filter(translation=version).order_by("number"))
    assert [e.change for e in editions] == ["publication", "unpublication", "restoration"]
    assert json.loads(bytes(editions[-1].canonical))["change_note"] == "Restored after legal review."
    page = client.get(version.get_absolute_url())
    assert page.status_code == 200 and "Restored after legal review." in page.content.decode()
    atom = client.get("/en/feeds/statements.atom").content.decode()
    assert "deleted-entry" not in atom
    assert feedparser.parse(atom).entries[0].updated_parsed[:6] == version.public_updated_at.utctimetuple()[:6]
    assert all(verifies(client, version, n) for n in (1, 2, 3))


def test_publishers_read_editions_keys_and_checkpoints_in_the_admin(client, staff):
    version = make_public(staff, title="Admin view")
    edition = Edition.objects.get(translation=version)
    client.force_login(staff["publisher"])
    for url in (
        "/admin/statements/edition/",
        f"/admin/statements/edition/{edition.pk}/change/",
        "/admin/statements/signingkey/",
        "/admin/statements/checkpoint/",
        f"/admin/statements/checkpoint/{Checkpoint.objects.get().pk}/change/",
        "/admin/statements/witness/",
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/statements/edition/{edition.pk}/change/").content.decode()
    assert "&quot;headline&quot;: &quot;Admin view&quot;" in page and f"/api/editions/{version.uuid}/1.json" in page
    # Read only: nobody changes or deletes an edition there.
    response = client.post(f"/admin/statements/edition/{edition.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and Edition.objects.filter(pk=edition.pk).exists()


def test_query_counts_of_the_log_addresses_do_not_grow_with_the_log(client, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    version = make_public(staff)
    publish_correction(version, staff, "Changed.")

    def counted():
        size = Checkpoint.objects.order_by("-tree_size").first().tree_size
        urls = [
            f"/api/editions/{version.uuid}/",
            f"/api/editions/{version.uuid}/2.json",
            f"/api/editions/{version.uuid}/2.sig",
            "/transparency/checkpoint",
            f"/transparency/proof/inclusion?edition={version.uuid}/1&size={size}",
            f"/transparency/proof/consistency?from=1&to={size}",
            "/.well-known/press-office/keys.json",
        ]
        found = {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            found[url.split("?")[0].replace(str(version.uuid), "V")] = len(queries)
        return found

    counted()  # the first request of a process reads what it keeps afterwards
    small = counted()
    for _ in range(20):
        make_public(staff)
    assert counted() == small and max(small.values()) <= 5, small
