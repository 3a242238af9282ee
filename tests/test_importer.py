"""The readout importer: the parser on the seed and on samples of every form it must
read, fuzzed; saving drafts from the command line and the admin."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from statements import importer, workflow
from statements.importer import saving
from statements.models import Person, Statement, Topic, Translation

from .factories import appoint, make_person, make_role, make_staff, make_topic

SEED = (Path(settings.BASE_DIR) / "statements" / "demo" / "readout-2023-11-06-leader-iraq-pm.txt").read_bytes()
D = datetime.date

DIRECTORY = importer.Directory(
    people=[
        importer.KnownPerson(
            "ali-khamenei",
            ("Ali Khamenei", "Khamenei", "Ayatollah Khamenei", "سید علی خامنه‌ای"),
            (("Leader of the Islamic Revolution", D(1989, 6, 4), None),),
        ),
        importer.KnownPerson(
            "mohammad-shia-al-sudani",
            ("Mohammad Shia al-Sudani", "al-Sudani", "Sudani", "Mohammad Shiaa’ al-Sudani", "محمد شیاع السودانی"),
            (("Prime Minister of Iraq", D(2022, 10, 27), None),),
        ),
        importer.KnownPerson(
            "ebrahim-raisi", ("Ebrahim Raisi", "Raisi"), (("President of Iran", D(2021, 8, 3), D(2024, 5, 19)),)
        ),
        importer.KnownPerson("maren-holt", ("Maren Holt", "Holt"), ()),
        importer.KnownPerson("zoe-leger", ("Zoé Léger",), ()),
    ],
    topics=[
        importer.KnownTopic("gaza", ("Gaza", "غزه")),
        importer.KnownTopic("arbaeen", ("Arbaeen",)),
        importer.KnownTopic("economic-cooperation", ("Economic cooperation",)),
        importer.KnownTopic("water", ("Water and environment", "آب و محیط زیست")),
    ],
)


def parse_text(text, **kwargs):
    return importer.parse(text.encode("utf-8") if isinstance(text, str) else text, DIRECTORY, **kwargs)


# The seed ---------------------------------------------------------------------------------


def test_the_seed():
    result = parse_text(SEED)
    assert result.office == "The Office of the Supreme Leader"
    assert result.title == "The Leader of the Islamic Revolution in a Meeting of the Prime Minister of Iraq"
    assert result.standfirst == "The need to increase the political pressure on the United States and the Zionist"
    assert result.meeting_date == D(2023, 11, 6)
    assert result.language == "en"
    assert len(result.paragraphs) == 11
    assert "700 /" not in result.body and not result.body.rstrip().endswith("/")
    assert {(m.key, m.part) for m in result.participants} == {
        ("ali-khamenei", "host"),
        ("mohammad-shia-al-sudani", "guest"),
        ("ebrahim-raisi", "attendee"),
    }
    speakers = {q.text.split(",")[0]: q.speaker for q in result.quotes}
    assert speakers["Iraq"] == "ali-khamenei"
    assert speakers["If there were no military and political assistance from the United States"] == "ali-khamenei"
    assert speakers["Thanks be to God"] == "ali-khamenei"
    assert speakers["Along with this happiness"] == "mohammad-shia-al-sudani"
    assert len(result.quotes) == 7
    assert {"gaza", "arbaeen", "economic-cooperation"} <= set(result.topics)
    assert result.warnings == []


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Minister met the envoy on the morning of 6th November 2023.", D(2023, 11, 6)),
        ("The President received the delegation on Monday, 8 January 2024.", D(2024, 1, 8)),
        ("The two leaders met in the capital on 17 April 2024.", D(2024, 4, 17)),
        ("The two leaders met in the capital on April 17, 2024.", D(2024, 4, 17)),
        ("Talks were held on 2024-05-02 in the capital.", D(2024, 5, 2)),
        ("دیدار در روز ۱۵ آبان ۱۴۰۲ برگزار شد.", D(2023, 11, 6)),
        ("دیدار در روز 15 آبان 1402 برگزار شد.", D(2023, 11, 6)),
        ("Le ministre a rencontré l'envoyé le 3 mars 2025.", D(2025, 3, 3)),
        ("The envoy met the minister on 31 February 2024.", None),  # not a date
    ],
)
def test_date_forms(sentence, expected):
    assert parse_text(f"Title line\n\n{sentence}").meeting_date == expected


def test_no_date_is_left_for_the_editor():
    result = parse_text("Office of the Spokesperson\n\nTalks on water\n\nThe sides talked about water.")
    assert result.meeting_date is None and "No meeting date was found." in result.warnings


def test_of_several_dates_the_meeting_one_wins():
    text = "Title\n\nThe agreement of 1 March 2020 was recalled. The Minister met the envoy on 5 May 2024."
    assert parse_text(text).meeting_date == D(2024, 5, 5)
    assert parse_text("Title\n\nSigned on 1 March 2020. Reviewed 2 March 2021.").meeting_date == D(2020, 3, 1)


# Shapes of text -------------------------------------------------------------------------


def test_crlf_cr_bom_indentation_and_stray_whitespace():
    text = (
        "\ufeffPress Office\r\n\r\n   Talks on water   \r\n\r\n"
        "\tThe Minister met\r\n  Maren Holt on 3 March 2024.  \r\n\r\n3 /\r\n"
    )
    for variant in (text, text.replace("\r\n", "\r")):
        result = parse_text(variant.encode("utf-8"))
        assert (result.office, result.title, result.standfirst) == ("Press Office", "Talks on water", "")
        assert result.paragraphs == ["The Minister met Maren Holt on 3 March 2024."]
        assert result.meeting_date == D(2024, 3, 3)


def test_utf16_with_bom():
    result = importer.parse("Title\n\nMaren Holt met the envoy on 3 March 2024.".encode("utf-16"), DIRECTORY)
    assert result.title == "Title" and result.participants[0].key == "maren-holt"


def test_title_and_standfirst_without_office():
    result = parse_text("Talks on water\n\nBoth sides want cleaner rivers\n\nThe Minister met the envoy.")
    assert (result.office, result.title, result.standfirst) == ("", "Talks on water", "Both sides want cleaner rivers")


def test_persian_readout():
    text = (
        "دفتر مطبوعاتی\n\nدیدار نخست‌وزیر عراق با رهبر انقلاب\n\n"
        "سید علی خامنه‌ای روز ۱۵ آبان ۱۴۰۲ با محمد شیاع السودانی دیدار کرد و درباره غزه و آب و محیط زیست گفت‌وگو شد.\n\n"
        "ایشان گفت: «همکاری دو کشور باید ادامه یابد.»"
    )
    result = parse_text(text)
    assert result.language == "fa" and result.office == "دفتر مطبوعاتی"
    assert result.meeting_date == D(2023, 11, 6)
    assert [m.key for m in result.participants] == ["ali-khamenei", "mohammad-shia-al-sudani"]
    assert {"gaza", "water"} <= set(result.topics)
    assert result.quotes[0].text == "همکاری دو کشور باید ادامه یابد." and result.quotes[0].speaker == "ali-khamenei"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The Minister met the envoy and said that the talks were useful.", "en"),
        ("Le ministre a reçu l'envoyé et il a dit que les échanges étaient utiles avec la délégation.", "fr"),
        ("وزیر با فرستاده دیدار کرد و گفت که این گفت‌وگوها سودمند بود.", "fa"),
        ("التقى الوزير المبعوث في العاصمة وقال إن المحادثات كانت مفيدة على كل المستويات.", "ar"),
    ],
)
def test_language_detection(text, language):
    assert parse_text(f"Title\n\n{text}").language == language


def test_names_match_across_case_diacritics_apostrophes_and_honorifics():
    text = "Title\n\nMR. MOHAMMAD SHIAA' AL-SUDANI met Zoe Leger and Dr. Raisi. Sudani spoke first."
    keys = [m.key for m in parse_text(text).participants]
    assert keys == ["mohammad-shia-al-sudani", "zoe-leger", "ebrahim-raisi"]
    curly = parse_text("Title\n\nMohammad Shiaaʼ al-Sudani spoke.").participants
    assert curly[0].key == "mohammad-shia-al-sudani" and curly[0].text == "Mohammad Shiaaʼ al-Sudani"


def test_longest_name_wins():
    result = parse_text("Title\n\nMohammad Shia al-Sudani received the delegation.")
    assert result.participants[0].text == "Mohammad Shia al-Sudani"


def test_office_titles_count_only_on_the_date_they_were_held():
    held = parse_text("Title\n\nThe President of Iran met the envoy on 1 May 2024.")
    after = parse_text("Title\n\nThe President of Iran met the envoy on 1 June 2024.")
    assert [m.key for m in held.participants] == ["ebrahim-raisi"] and after.participants == []


def test_unknown_names_listed_never_created(db):
    before = Person.objects.count()
    result = parse_text("Title\n\nThe Minister received Ambassador Harald Brennecke and Ilse Carrow on 3 March 2024.")
    assert "Harald Brennecke" in result.unmatched_names and "Ilse Carrow" in result.unmatched_names
    assert Person.objects.count() == before


def test_mismatched_quote_marks_and_guillemets():
    text = (
        'Title\n\nMaren Holt said, “We agree on most points" and, "We will meet again soon”. '
        "Then «Une phrase en français ici»."
    )
    assert [q.text for q in parse_text(text).quotes] == [
        "We agree on most points",
        "We will meet again soon",
        "Une phrase en français ici",
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n \t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"\xfd\xfe not utf-8 \xc3\x28", "not UTF-8"),
        (bytes(range(1, 32)) * 50, "binary"),
    ],
)
def test_non_text_refused_with_a_reason(data, reason):
    with pytest.raises(importer.NotText, match=reason):
        importer.parse(data, DIRECTORY)


@hypothesis_settings(deadline=None, max_examples=300)
@given(st.text(max_size=2000))
def test_parser_never_raises_on_text(text):
    try:
        result = importer.parse(text, DIRECTORY)
    except importer.NotText:
        return
    assert isinstance(result.paragraphs, list)


@hypothesis_settings(deadline=None, max_examples=100)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200), max_size=12))
def test_parser_never_raises_on_readout_shaped_text(blocks):
    try:
        importer.parse("\n\n".join(blocks), DIRECTORY)
    except importer.NotText:
        pass


# Saving ------------------------------------------------------------------------------------


@pytest.fixture
def known_people(db):
    khamenei = make_person("Ali Khamenei", slug="ali-khamenei", aliases=["Khamenei", "Ayatollah Khamenei"])
    sudani = make_person("Mohammad Shia al-Sudani", slug="sudani", aliases=["al-Sudani", "Mohammad Shiaa’ al-Sudani"])
    raisi = make_person("Ebrahim Raisi", slug="raisi", aliases=["Raisi"])
    appoint(raisi, make_role("President of Iran"), D(2021, 8, 3), D(2024, 5, 19))
    make_topic("Gaza", slug="gaza")
    return khamenei, sudani, raisi


@pytest.fixture
def editor(db):
    return make_staff("Editor", "importer")


def write(folder, name, data):
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_readouts", *args, stdout=out, stderr=err)
        code = 0
    except CommandError:
        code = 1
    return code, out.getvalue()


def test_command_imports_drafts_and_reports(tmp_path, known_people, editor):
    good = write(tmp_path, "seed.txt", SEED)
    code, out = run(str(good), "--user", "importer")
    assert code == 0 and "imported" in out
    statement = Statement.objects.get()
    version = statement.translations.get()
    assert version.status == "draft" and not Translation.objects.public().exists()
    assert version.title.startswith("The Leader of the Islamic Revolution")
    assert statement.occurred_on == D(2023, 11, 6)
    assert {(p.person.slug, p.part) for p in statement.participations.all()} == {
        ("ali-khamenei", "host"),
        ("sudani", "guest"),
        ("raisi", "attendee"),
    }
    assert "Suggested topics: gaza" in statement.import_notes and statement.topics.count() == 0
    assert version.revisions.get().author == editor


def test_reimporting_creates_nothing(tmp_path, known_people, editor):
    path = write(tmp_path, "seed.txt", SEED)
    run(str(path), "--user", "importer")
    copy = write(tmp_path, "copy.txt", SEED.replace(b"\n", b"\r\n"))
    code, out = run(str(copy), "--user", "importer")
    assert code == 0 and "already imported" in out and Statement.objects.count() == 1


def test_folders_zips_and_bad_files_in_one_batch(tmp_path, known_people, editor):
    folder = tmp_path / "readouts"
    folder.mkdir()
    write(folder, "a.txt", "Talks on water\n\nMaren Holt met the envoy on 3 March 2024.")
    write(folder, "binary.txt", b"\x00\x01\x02binary")
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("b.txt", "Talks on trade\n\nThe envoy met Maren Holt on 4 March 2024.")
        zipped.writestr("empty.txt", "")
    code, out = run(str(folder), str(archive), str(tmp_path / "missing.txt"), "--user", "importer")
    assert code == 1
    assert "2 imported" in out and "3 failed" in out
    assert "binary, not text" in out and "no such file" in out and "empty" in out
    assert Statement.objects.count() == 2


def test_dry_run_saves_nothing(tmp_path, known_people):
    path = write(tmp_path, "seed.txt", SEED)
    code, out = run(str(path), "--dry-run")
    assert code == 0 and "would import" in out and not Statement.objects.exists()


def test_a_failure_while_saving_leaves_no_partial_statement(tmp_path, known_people, editor, monkeypatch):
    def refuse(**kwargs):
        raise workflow.TransitionError("refused for the test")

    monkeypatch.setattr(workflow, "save_draft", refuse)
    code, out = run(str(write(tmp_path, "seed.txt", SEED)), "--user", "importer")
    assert code == 1 and "refused for the test" in out
    assert not Statement.objects.exists()


def test_command_bad_options(known_people):
    with pytest.raises(CommandError, match="--language"):
        call_command("import_readouts", "x.txt", "--language", "xx")
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_readouts", "x.txt", "--user", "ghost")


def test_language_option_overrides_detection(tmp_path, known_people, editor):
    path = write(tmp_path, "fr.txt", "Titre\n\nThe Minister met Maren Holt on 3 March 2024.")
    run(str(path), "--user", "importer", "--language", "fr")
    assert Statement.objects.get().original_language == "fr"


# Admin page -----------------------------------------------------------------------------------


def test_admin_import_paste_confirm_create(client, known_people, editor):
    client.force_login(editor)
    url = reverse("admin:statements_statement_import")
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": SEED.decode("utf-8")})
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("input", {"name": "readout-0-title"})["value"].startswith("The Leader of the Islamic")
    assert page.find("input", {"name": "readout-0-occurred_on"})["value"] == "2023-11-06"
    khamenei, sudani, raisi = known_people
    selected = {o["value"] for o in page.select("select[name=readout-0-participants] option[selected]")}
    assert selected == {str(khamenei.pk), str(sudani.pk), str(raisi.pk)}
    topic = Topic.objects.get(slug="gaza")
    assert {o["value"] for o in page.select("select[name=readout-0-topics] option[selected]")} == {str(topic.pk)}
    data = {
        "readout-TOTAL_FORMS": "1",
        "readout-INITIAL_FORMS": "1",
        "readout-0-title": "Edited title",
        "readout-0-standfirst": "",
        "readout-0-body": "One paragraph.\n\nTwo.",
        "readout-0-occurred_on": "2023-11-06",
        "readout-0-language": "en",
        "readout-0-kind": "readout",
        "readout-0-participants": [str(khamenei.pk), str(sudani.pk)],
        "readout-0-topics": [str(topic.pk)],
        "readout-0-payload": page.find("input", {"name": "readout-0-payload"})["value"],
    }
    done = client.post(url, data)
    assert done.status_code == 200
    statement = Statement.objects.get()
    assert statement.translations.get().title == "Edited title"
    assert statement.translations.get().status == "draft"
    assert {p.person.slug for p in statement.participations.all()} == {"ali-khamenei", "sudani"}
    assert [t.slug for t in statement.topics.all()] == ["gaza"]
    assert reverse("admin:statements_statement_change", args=[statement.pk]) in done.content.decode()
    again = client.post(url, data)
    assert "already imported" in again.content.decode() and Statement.objects.count() == 1


def test_admin_import_reports_bad_files_and_forged_payloads(client, known_people, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    url = reverse("admin:statements_statement_import")
    response = client.post(url, {"files": [SimpleUploadedFile("b.txt", b"\x00\x00bin")]})
    assert "binary, not text" in response.content.decode()
    assert client.post(url, {}).status_code == 200 and not Statement.objects.exists()
    forged = {
        "readout-TOTAL_FORMS": "1", "readout-INITIAL_FORMS": "1", "readout-0-title": "T", "readout-0-body": "B",
        "readout-0-language": "en", "readout-0-kind": "readout", "readout-0-payload": "forged",
    }  # fmt: skip
    response = client.post(url, forged)
    assert "expired or was altered" in response.content.decode() and not Statement.objects.exists()


def test_admin_import_needs_add_permission(client, known_people):
    client.force_login(make_staff("Translator", languages=["fa"]))
    assert client.get(reverse("admin:statements_statement_import")).status_code == 403


def test_directory_from_the_database(known_people):
    known = saving.directory()
    keys = {p.key for p in known.people}
    assert keys == {"ali-khamenei", "sudani", "raisi"}
    raisi = next(p for p in known.people if p.key == "raisi")
    assert ("President of Iran", D(2021, 8, 3), D(2024, 5, 19)) in raisi.titles
