"""Translating: outdated detection, the side-by-side editor, the status matrix, XLIFF."""

import datetime
import io
import zipfile

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from statements import translating, workflow, xliff
from statements.models import AuditEntry, Revision, Translation

from .factories import make_draft, make_person, make_statement, make_version, review_and_publish

pytestmark = pytest.mark.django_db

ORIGINAL_BODY = "First paragraph.\n\nSecond *paragraph*.\n\nThird paragraph."


def change_original(original, people, body, *, major, note="Changed."):
    latest = original.latest_revision()
    workflow.save_draft(
        translation=original, actor=people["editor"], title=latest.title, standfirst=latest.standfirst, body=body,
        base_revision=latest.number, is_major=major, change_note=note if major else "",
    )  # fmt: skip
    return review_and_publish(original, people)


@pytest.fixture
def pair(people):
    statement = make_statement(participants=[make_person()])
    original = review_and_publish(
        make_version(statement, title="Talks", body=ORIGINAL_BODY, actor=people["editor"]), people
    )
    persian = workflow.start_translation(source=original, language="fa", actor=people["translator"])
    return original, persian


def is_outdated(version):
    return Translation.objects.outdated().filter(pk=version.pk).exists()


# Outdated detection --------------------------------------------------------------------


def test_a_fresh_translation_is_current(pair):
    original, persian = pair
    assert not is_outdated(persian) and not is_outdated(original)


def test_major_change_of_the_original_makes_it_outdated(people, pair):
    original, persian = pair
    change_original(original, people, ORIGINAL_BODY.replace("Second", "Changed second"), major=True)
    assert is_outdated(persian) and not is_outdated(original)
    assert translating.align(persian).changed == {1}


def test_minor_change_does_not(people, pair):
    original, persian = pair
    change_original(original, people, ORIGINAL_BODY.replace("Third", "Thrid"), major=False)
    assert not is_outdated(persian)


def test_unpublished_major_change_does_not(people, pair):
    original, persian = pair
    latest = original.latest_revision()
    workflow.save_draft(
        translation=original, actor=people["editor"], title="Talks", standfirst="", body="Rewritten.",
        base_revision=latest.number, is_major=True, change_note="Pending.",
    )  # fmt: skip
    assert not is_outdated(persian)


def test_highlighted_paragraphs_are_the_changed_ones(people, pair):
    original, persian = pair
    body = "First paragraph.\n\nSecond *paragraph*.\n\nA new third.\n\nAnd a fourth."
    change_original(original, people, body, major=True)
    alignment = translating.align(persian)
    assert alignment.changed == {2, 3}
    rows = list(alignment.rows())
    assert [row["changed"] for row in rows] == [False, False, True, True]
    assert rows[1]["source"] == "Second *paragraph*."


def test_mark_current_clears_outdated(people, pair):
    original, persian = pair
    change_original(original, people, "Entirely new.", major=True)
    workflow.mark_translation_current(translation=persian, actor=people["translator"])
    assert not is_outdated(persian)


# Side by side ----------------------------------------------------------------------------


def side_url(version):
    return reverse("admin:statements_translation_translate", args=[version.pk])


def side_post(version, *, base, title="ترجمه", paragraphs=("یک", "دو", "سه"), **extra):
    data = {"title": title, "standfirst": "", "base_revision": str(base), **extra}
    data.update({f"p{i}": text for i, text in enumerate(paragraphs)})
    return data


def test_side_by_side_shows_both_languages_aligned(client, people, pair):
    original, persian = pair
    client.force_login(people["translator"])
    page = BeautifulSoup(client.get(side_url(persian)).content, "html.parser")
    rows = page.select("table.pairs tbody tr")
    assert len(rows) == 3 + 3  # title, standfirst, slug, three paragraphs
    source_cell = rows[4].find("td")
    assert source_cell["lang"] == "en" and source_cell["dir"] == "ltr" and "Second *paragraph*." in source_cell.text
    target = page.find("textarea", {"name": "p1"})
    assert target["lang"] == "fa" and target["dir"] == "rtl"


def test_side_by_side_saves_through_the_workflow(client, people, pair):
    _original, persian = pair
    client.force_login(people["translator"])
    response = client.post(side_url(persian), side_post(persian, base=1, submit="1"))
    assert response.status_code == 302
    persian.refresh_from_db()
    assert persian.body == "یک\n\nدو\n\nسه" and persian.status == "in_review"
    assert persian.latest_revision().author == people["translator"]


def test_side_by_side_refuses_other_languages(client, people, pair):
    _original, persian = pair
    client.force_login(people["arabic"])
    assert client.get(side_url(persian)).status_code == 200  # may read
    response = client.post(side_url(persian), side_post(persian, base=1))
    assert response.status_code == 403
    assert persian.revisions.count() == 1


def test_side_by_side_conflict_keeps_my_text(client, people, pair):
    _original, persian = pair
    workflow.save_draft(
        translation=persian,
        actor=people["editor"],
        title="Editor's",
        standfirst="",
        body="Their words",
        base_revision=1,
    )
    client.force_login(people["translator"])
    response = client.post(side_url(persian), side_post(persian, base=1, paragraphs=("My words",)))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("textarea", {"name": "p0"}).text.strip() == "My words"
    assert "Their words" in page.select_one(".conflict").text
    assert page.find("input", {"name": "base_revision"})["value"] == "2"
    assert persian.revisions.count() == 2


def test_side_by_side_marks_changed_paragraphs(client, people, pair):
    original, persian = pair
    change_original(original, people, ORIGINAL_BODY.replace("Third", "New third"), major=True)
    client.force_login(people["translator"])
    page = BeautifulSoup(client.get(side_url(persian)).content, "html.parser")
    changed = page.select("table.pairs tr.changed")
    assert len(changed) == 1 and "New third" in changed[0].text


# Status matrix --------------------------------------------------------------------------


def matrix(client, **params):
    response = client.get(reverse("admin:statements_translation_matrix"), params)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    return {
        row.find("th").find("a").text: [cell.get_text(" ", strip=True).split(" ")[0] for cell in row.find_all("td")]
        for row in page.select("table.matrix tbody tr")
        if row.find("th")
    }


def test_matrix_cells(client, people, pair):
    original, persian = pair
    change_original(original, people, "New.", major=True)
    client.force_login(people["translator"])
    rows = matrix(client)
    assert rows[original.statement.reference] == ["published", "outdated", "missing", "missing"]
    assert list(matrix(client, state="outdated", language="fa")) == [original.statement.reference]
    assert matrix(client, state="missing", language="fa") == {}


def test_matrix_filters_published_and_scheduled_apart(client, people):
    live = review_and_publish(make_draft(people["editor"]), people)
    later = timezone.now() + datetime.timedelta(days=2)
    scheduled = review_and_publish(make_draft(people["editor"]), people, at=later)
    client.force_login(people["editor"])
    assert list(matrix(client, state="published", language="en")) == [live.statement.reference]
    assert list(matrix(client, state="scheduled", language="en")) == [scheduled.statement.reference]


def test_matrix_query_count_constant(client, people):
    client.force_login(people["editor"])

    def grow(n):
        for _ in range(n):
            statement = make_statement(participants=[make_person()])
            make_version(statement, actor=people["editor"])
            make_version(statement, language="fa", actor=people["editor"])

    grow(2)
    client.get(reverse("admin:statements_translation_matrix"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("admin:statements_translation_matrix"))
    grow(10)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("admin:statements_translation_matrix"))
    assert len(small) == len(large)


# XLIFF ----------------------------------------------------------------------------------


HARD_TEXT = '«نقل‌قول» با *تأکید* و [پیوند](https://example.org) — "quotes" & <tags> ‏RTL‏'


def export(client, version):
    response = client.get(reverse("admin:statements_translation_xliff", args=[version.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/x-xliff+xml"
    return response.content


def import_xliff(client, version, data: bytes):
    url = reverse("admin:statements_translation_xliff_import", args=[version.pk])
    return client.post(url, {"file": SimpleUploadedFile("t.xlf", data, content_type="application/x-xliff+xml")})


def confirm(client, version, response):
    payload = BeautifulSoup(response.content, "html.parser").find("input", {"name": "payload"})["value"]
    url = reverse("admin:statements_translation_xliff_import", args=[version.pk])
    return client.post(url, {"payload": payload})


def test_xliff_round_trip_is_lossless(client, people, pair):
    _original, persian = pair
    workflow.save_draft(
        translation=persian, actor=people["translator"], title="عنوان «ویژه»", standfirst="",
        body=f"{HARD_TEXT}\n\nدوم", base_revision=1,
    )  # fmt: skip
    client.force_login(people["translator"])
    document = export(client, persian)
    parsed = xliff.parse(document, persian)
    assert parsed.errors == []
    assert (parsed.title, parsed.body) == ("عنوان «ویژه»", f"{HARD_TEXT}\n\nدوم")
    before = Revision.objects.count()
    response = import_xliff(client, persian, document)
    assert response.status_code == 200
    confirm(client, persian, response)
    assert Revision.objects.count() == before  # an untouched round trip changes nothing


def test_xliff_import_saves_a_new_revision_after_preview(client, people, pair):
    _original, persian = pair
    client.force_login(people["translator"])
    document = (
        export(client, persian)
        .decode()
        .replace('<target xml:lang="fa">Third paragraph.</target>', '<target xml:lang="fa">بند سوم</target>')
    )
    response = import_xliff(client, persian, document.encode())
    assert response.status_code == 200 and "بند سوم" in response.content.decode()
    assert persian.revisions.count() == 1  # nothing saved before confirming
    assert confirm(client, persian, response).status_code == 302
    persian.refresh_from_db()
    assert persian.body.endswith("بند سوم") and persian.revisions.count() == 2


def _bad_cases(client, people, pair):
    original, persian = pair
    client.force_login(people["translator"])
    good = export(client, persian).decode()
    other = workflow.start_translation(
        source=review_and_publish(
            make_version(make_statement(participants=[make_person()]), actor=people["editor"]), people
        ),
        language="fa",
        actor=people["translator"],
    )
    other_document = export(client, other).decode()
    return good, other_document


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file>&lol2;</file></xliff>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file>&xxe;</file></xliff>'
)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("wrong_statement", "another statement"),
        ("wrong_language", "target language is “ar”"),
        ("stale", "has changed since this file was exported"),
        ("tampered_id", "Unknown segment id “p99”"),
        ("malformed", "not well-formed"),
        ("billion_laughs", "not well-formed, safe XML"),
        ("xxe", "not well-formed, safe XML"),
        ("not_xliff", "not an XLIFF 1.2 document"),
        ("too_large", "larger than"),
    ],
)
def test_bad_xliff_refused_with_nothing_saved(client, people, pair, case, message, settings):
    original, persian = pair
    good, other_document = _bad_cases(client, people, pair)
    documents = {
        "wrong_statement": other_document,
        "wrong_language": good.replace('target-language="fa"', 'target-language="ar"'),
        "stale": good,
        "tampered_id": good.replace('id="p2"', 'id="p99"'),
        "malformed": good[: len(good) // 2],
        "billion_laughs": BILLION_LAUGHS,
        "xxe": XXE,
        "not_xliff": '<?xml version="1.0"?><html/>',
        "too_large": good,
    }
    if case == "stale":
        workflow.save_draft(
            translation=persian, actor=people["editor"], title="Newer", standfirst="", body="Newer", base_revision=1
        )
    if case == "too_large":
        settings.PRESSOFFICE_XLIFF_MAX_BYTES = 100
    before = (Revision.objects.count(), AuditEntry.objects.count(), Translation.objects.get(pk=persian.pk).body)
    response = import_xliff(client, persian, documents[case].encode())
    assert response.status_code == 400
    errors = BeautifulSoup(response.content, "html.parser").select_one(".errornote").text
    assert message in errors
    assert (
        Revision.objects.count(),
        AuditEntry.objects.count(),
        Translation.objects.get(pk=persian.pk).body,
    ) == before


def test_xliff_import_refused_for_other_translators(client, people, pair):
    _original, persian = pair
    client.force_login(people["translator"])
    document = export(client, persian)
    client.force_login(people["arabic"])
    assert import_xliff(client, persian, document).status_code == 403


def test_altered_import_payload_refused(client, people, pair):
    _original, persian = pair
    client.force_login(people["translator"])
    url = reverse("admin:statements_translation_xliff_import", args=[persian.pk])
    response = client.post(url, {"payload": "forged"}, follow=True)
    assert "expired or was altered" in response.content.decode()
    assert persian.revisions.count() == 1


def test_xliff_zip_for_a_selection(client, people, pair):
    original, persian = pair
    arabic = workflow.start_translation(source=original, language="ar", actor=people["editor"])
    client.force_login(people["editor"])
    url = reverse("admin:statements_translation_xliff_many")
    response = client.get(f"{url}?id={persian.pk}&id={arabic.pk}&id={original.pk}")
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    reference = original.statement.reference
    assert sorted(names) == [f"{reference}-en-ar.xlf", f"{reference}-en-fa.xlf"]


def test_dashboard_lists_outdated_translations(client, people, pair):
    original, persian = pair
    change_original(original, people, "New.", major=True)
    client.force_login(people["translator"])
    page = BeautifulSoup(client.get(reverse("admin:index")).content, "html.parser")
    section = next(
        t for t in page.select(".dashboard-module table") if t.caption.text.strip() == "Outdated translations"
    )
    assert persian.title in section.text
