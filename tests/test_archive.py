"""Backups: export_archive → an empty database → import_archive gives back every row of
every table, every media file, and the same public pages."""

import base64
import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from statements import archive, transparency, workflow
from statements.models import (
    AlertList,
    Edition,
    Statement,
    Subscriber,
    Subscription,
    Suppression,
    Translation,
    address_hash,
)

from .counts import TRIED
from .factories import make_person, make_staff, make_statement, make_version
from .pictures import GOOD, store

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def rows():
    """Every exported table's rows, in a form independent of the database's ids for
    groups (which the migrations create)."""
    found = {}
    for model in archive._models():
        label = model._meta.label_lower
        skip = archive.DERIVED_FIELDS.get(label, set())
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
        if label == "auth.group":
            found[label] = sorted(
                (group.name, sorted(group.permissions.values_list("codename", flat=True)))
                for group in Group.objects.all()
            )
            continue
        found[label] = list(model._default_manager.order_by("pk").values_list(*fields))
        for field in model._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                target = field.related_model
                key = "name" if target is Group else "pk"
                if target._meta.label_lower == "auth.permission":
                    key = "codename"
                found[f"{label}.{field.name}"] = sorted(
                    model._default_manager.values_list("pk", f"{field.name}__{key}").exclude(**{f"{field.name}": None})
                )
    return found


def media():
    files = {}
    for key in archive.MEDIA:
        storage = storages[key]
        if archive._storage_exists(storage):
            for name in archive._media_files(storage):
                with storage.open(name) as handle:
                    files[(key, name)] = hashlib.sha256(handle.read()).hexdigest()
    return files


def rendered_public_pages():
    client = Client()
    pages = {}
    for version in Translation.objects.public().order_by("pk"):
        html = client.get(version.get_absolute_url()).content.decode()
        main = re.search(r"<main.*?</main>", html, re.S)
        pages[version.get_absolute_url()] = (version.title, version.standfirst, version.body_html, main.group(0))
    return pages


@pytest.fixture
def content(django_capture_on_commit_callbacks):
    call_command("load_demo", verbosity=0)
    editor, publisher = (
        make_staff("Editor", "archive-editor"),
        make_staff("Publisher", "archive-publisher", languages=["fa"]),
    )
    TOTPDevice.objects.create(user=publisher, name="phone", confirmed=True)
    image = store("photo.webp", GOOD["photo.webp"](), alt_text="Quay", caption="The quay", credit="Office")
    with django_capture_on_commit_callbacks(execute=True):
        version = make_version(make_statement(participants=[make_person()], featured_image=image), actor=editor)
        workflow.submit_for_review(translation=version, actor=editor)
        workflow.publish(translation=version, actor=publisher)
        workflow.create_preview_link(translation=version, actor=publisher, note="For the agency")
    assert Translation.objects.public().count() > 10
    # Email alerts: a list, a reader following it, a suppressed address.
    reader = Subscriber.objects.create(email="archived-reader@example.org", language="en")
    alert_list = AlertList.objects.create(language="en", key="k" * 64, criteria={"kind": ["readout"]}, description="R")
    now = timezone.now()
    Subscription.objects.create(
        subscriber=reader, alert_list=alert_list, frequency="daily", requested_at=now, confirmed_at=now, wording="W"
    )
    Suppression.objects.create(email_hash=address_hash("bounced@example.org"), reason="bounce")


def wipe():
    call_command("flush", interactive=False, verbosity=0)
    for key in archive.MEDIA:
        storage = storages[key]
        if archive._storage_exists(storage):
            for name in list(archive._media_files(storage)):
                storage.delete(name)


def test_round_trip_restores_every_row_file_and_page(content, tmp_path, capsys):
    before_rows, before_media, before_pages = rows(), media(), rendered_public_pages()
    path = tmp_path / "backup.tar.gz"
    call_command("export_archive", str(path))
    assert "Wrote" in capsys.readouterr().out
    wipe()
    assert not Statement.objects.exists() and media() == {}
    call_command("import_archive", str(path))
    after_rows = rows()
    assert after_rows.keys() == before_rows.keys()
    for table in before_rows:
        assert after_rows[table] == before_rows[table], table
    assert media() == before_media
    assert rendered_public_pages() == before_pages
    total = sum(len(value) for value in before_rows.values())
    TRIED["archive round trip"] = (
        f"{len(before_rows)} tables, {total} rows, {len(before_media)} files,"
        f" {len(before_pages)} public pages identical"
    )
    # Signed editions and the log came back as they were: the tree rebuilt from the
    # editions matches every checkpoint, and the log goes on from its last size.
    assert Edition.objects.count() == transparency.latest_checkpoint().tree_size > 10
    assert transparency.rebuild_and_compare() == []
    last = transparency.latest_checkpoint()
    assert bytes(last.root_hash) == transparency.root(last.tree_size)
    # The restored site keeps working: new references continue the sequence, search finds text.
    statement = make_statement()
    assert statement.reference not in {s.reference for s in Statement.objects.exclude(pk=statement.pk)}
    response = Client().get("/en/statements/", {"q": "Prime Minister"})
    assert response.status_code == 200 and "Iraq" in response.content.decode()


def test_import_refuses_a_database_that_is_not_empty(content, tmp_path):
    path = tmp_path / "backup.tar.gz"
    call_command("export_archive", str(path), verbosity=0)
    before = rows()
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("import_archive", str(path), verbosity=0)
    assert rows() == before


def test_import_refuses_an_archive_whose_editions_were_changed(content, tmp_path):
    path, forged = tmp_path / "backup.tar.gz", tmp_path / "forged.tar.gz"
    call_command("export_archive", str(path), verbosity=0)
    wipe()
    with tarfile.open(path, "r:gz") as source, tarfile.open(forged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name == "data/statements.edition.jsonl":
                lines = data.decode().splitlines()
                row = json.loads(lines[0])
                record = json.loads(base64.b64decode(row["fields"]["canonical"]))
                record["headline"] = "A headline the office never signed"
                row["fields"]["canonical"] = base64.b64encode(json.dumps(record).encode()).decode()
                data = "\n".join([json.dumps(row), *lines[1:]]).encode() + b"\n"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    with pytest.raises(CommandError, match="editions do not match"):
        call_command("import_archive", str(forged), verbosity=0)
    assert not Statement.objects.exists() and not Edition.objects.exists()


def test_import_refuses_damaged_or_foreign_files(db, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_archive", str(junk), verbosity=0)
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        data = b"{}"
        info = tarfile.TarInfo("readme.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="not a Press Office archive"):
        call_command("import_archive", str(other), verbosity=0)
    with pytest.raises(CommandError, match="No file"):
        call_command("import_archive", str(tmp_path / "missing.tar.gz"), verbosity=0)


def test_import_refuses_another_schema(db, tmp_path):
    path = tmp_path / "backup.tar.gz"
    call_command("export_archive", str(path), verbosity=0)
    changed = tmp_path / "changed.tar.gz"
    with tarfile.open(path, "r:gz") as source, tarfile.open(changed, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["schema"]["statements"] = "0099_future"
                data = json.dumps(manifest).encode()
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="another schema"):
        call_command("import_archive", str(changed), verbosity=0)


def test_export_does_not_overwrite_without_force(db, tmp_path):
    path = tmp_path / "backup.tar.gz"
    path.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="exists"):
        call_command("export_archive", str(path), verbosity=0)
    assert path.read_bytes() == b"keep me"
    call_command("export_archive", str(path), "--force", verbosity=0)
    assert tarfile.is_tarfile(path)
    assert not Path(str(path) + ".partial").exists()


def subscriber_rows():
    return [
        list(Subscriber.objects.order_by("pk").values_list("email", "uuid", "language", "created_at")),
        list(
            Subscription.objects.order_by("pk").values_list(
                "subscriber_id", "alert_list_id", "frequency", "confirmed_at", "wording"
            )
        ),
    ]


def test_readers_addresses_are_archived_only_when_asked(content, tmp_path):
    before = subscriber_rows()
    assert before[0] and before[1]
    plain, full = tmp_path / "plain.tar.gz", tmp_path / "full.tar.gz"
    call_command("export_archive", str(plain), verbosity=0)
    call_command("export_archive", str(full), "--include-subscribers", verbosity=0)
    with tarfile.open(plain) as tar:
        names = tar.getnames()
        assert "data/statements.subscriber.jsonl" not in names
        assert "data/statements.alertlist.jsonl" in names and "data/statements.suppression.jsonl" in names
        assert b"archived-reader@example.org" not in b"".join(
            tar.extractfile(member).read() for member in tar.getmembers() if member.isfile()
        )
    wipe()
    call_command("import_archive", str(plain), verbosity=0)
    assert subscriber_rows() == [[], []]
    assert AlertList.objects.count() == 1 and Suppression.objects.get().reason == "bounce"
    wipe()
    call_command("import_archive", str(full), verbosity=0)
    assert subscriber_rows() == before
