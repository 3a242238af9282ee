"""Interface translations: complete, compiled, and used; dates in the reader's language."""

import datetime
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from statements import dates

from .factories import make_person, make_staff, make_statement, make_version

LOCALE = Path(settings.BASE_DIR) / "statements" / "locale"
LANGUAGES = ["fa", "ar", "fr"]
# French words that are spelt the same as the English ones: correct translations.
SAME_IN_FRENCH = {
    "Version", "version", "versions", "original", "Original", "Actions", "Participants", "participants",
    "Participant", "participant", "Pages", "Date", "Publication", "publication", "image", "images", "code",
    "slug", "Slug", "portrait", "Message", "position", "Signature", "Active", "Administration", "administration",
    "administrations",
}  # fmt: skip


def po_file(language):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_po_files_are_complete(language):
    po = po_file(language)
    assert len(po) > 400
    assert po.percent_translated() == 100
    assert not po.fuzzy_entries() and not po.obsolete_entries()
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_merely_copies_its_msgid(language):
    copies = {e.msgid for e in po_file(language) if not e.msgid_plural and e.msgstr == e.msgid}
    allowed = SAME_IN_FRENCH if language == "fr" else set()
    assert copies <= allowed


def test_arabic_has_all_six_plural_forms():
    po = po_file("ar")
    assert "nplurals=6" in po.metadata["Plural-Forms"]
    for entry in po:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == 6 and all(entry.msgstr_plural.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_mo_matches_the_po(language):
    po = po_file(language)
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))

    def entries(file):
        return {
            (e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in file
            if not e.obsolete
        }

    assert entries(mo) == entries(po)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "search"),
    [
        ("fa", "تازه‌ترین بیانیه‌ها", "جست‌وجو"),
        ("ar", "أحدث البيانات", "بحث"),
        ("fr", "Dernières déclarations", "Rechercher"),
    ],
)
def test_public_pages_speak_the_readers_language(client, language, heading, search):
    page = BeautifulSoup(client.get(f"/{language}/").content, "html.parser")
    assert page.find("h2", id="latest-heading").text == heading
    assert page.select_one(".site-search button").text == search
    assert page.html["lang"] == language


@pytest.mark.django_db
def test_language_switcher_names_languages_in_their_own_script(client):
    page = BeautifulSoup(client.get("/en/").content, "html.parser")
    names = {a["hreflang"]: a.text for a in page.select("nav.languages a")}
    assert names == {"en": "English", "fa": "فارسی", "ar": "العربيّة", "fr": "français"}


@pytest.mark.django_db
def test_admin_strings_are_translated(client):
    client.force_login(make_staff("Editor"))
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "پیش‌نویس‌های من" in page and "My drafts" not in page


def test_solar_hijri_dates():
    assert dates.solar_hijri(datetime.date(2023, 11, 6)) == "۱۵ آبان ۱۴۰۲"
    assert dates.solar_hijri(datetime.date(2024, 3, 20)) == "۱ فروردین ۱۴۰۳"
    assert dates.solar_hijri(datetime.date(2023, 11, 6), persian_digits=False) == "15 آبان 1402"


@pytest.mark.django_db
def test_persian_pages_show_the_solar_hijri_date(client):
    from statements import workflow

    editor, publisher = make_staff("Editor"), make_staff("Publisher")
    statement = make_statement(participants=[make_person()], occurred_on=datetime.date(2023, 11, 6))
    versions = {}
    for language in ("fa", "en"):
        version = make_version(statement, language=language, actor=editor)
        workflow.submit_for_review(translation=version, actor=editor)
        versions[language] = workflow.publish(translation=version, actor=publisher)
    persian = BeautifulSoup(client.get(versions["fa"].get_absolute_url()).content, "html.parser")
    assert "۱۵ آبان ۱۴۰۲" in persian.select_one(".statement__facts").text
    assert persian.find("time")["datetime"] == "2023-11-06"
    english = client.get(versions["en"].get_absolute_url()).content.decode()
    assert "آبان" not in english and "solar-hijri" not in english
