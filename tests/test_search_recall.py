"""Search recall per language, on whichever database runs (CI runs this file on SQLite
and on PostgreSQL): word forms through Snowball stemming (English, French, Arabic),
Arabic and Persian normalisation (letter variants, diacritics, the zero-width
non-joiner, the Arabic definite article), phrases, exclusion and OR."""

import pytest
from django.db import connection

from statements import search, wordforms
from statements.models import Translation

from .factories import make_person, make_statement, make_version, review_and_publish

pytestmark = pytest.mark.django_db

DOCUMENTS = {
    "en-discussed": ("en", "Holt and Vell discussed trade", "The two leaders discussed cooperation on ports."),
    "en-meeting": ("en", "A meeting on water", "They agreed on a water meeting next spring."),
    "fr-cooperation": ("fr", "Entretien sur la coopération", "Les deux parties ont évoqué la coopération portuaire."),
    "fr-reunions": ("fr", "Réunions à venir", "Des réunions régulières auront lieu."),
    "ar-cooperation": ("ar", "لقاء حول التعاون", "بحث الجانبان سبل التعاون في مجال الموانئ والمُحَادَثَات."),
    "ar-other": ("ar", "زيارة رسمية", "وصل الوفد إلى العاصمة."),
    "fa-president": (
        "fa",
        "دیدار رئیس‌جمهور با نخست‌وزیر",
        "رئیس‌جمهور هولت از همکاری‌های بندری سخن گفت. کتاب یادبود امضا شد.",
    ),
    "fa-other": ("fa", "سفر رسمی", "هیئت به پایتخت رسید."),
}

# (language, query, the documents it must find — and only those)
RECALL = [
    ("en", "discuss", {"en-discussed"}),
    ("en", "discussed", {"en-discussed"}),
    ("en", "discussions", {"en-discussed"}),
    ("en", "meetings", {"en-meeting"}),
    ("en", "leader", {"en-discussed"}),
    ("fr", "cooperation", {"fr-cooperation"}),
    ("fr", "coopérer", {"fr-cooperation"}),
    ("fr", "réunion", {"fr-reunions"}),
    ("ar", "تعاون", {"ar-cooperation"}),
    ("ar", "التعاون", {"ar-cooperation"}),
    ("ar", "والتعاون", {"ar-cooperation"}),
    ("ar", "محادثات", {"ar-cooperation"}),  # the document writes it with diacritics
    ("ar", "الجانبين", {"ar-cooperation"}),  # the dual in another case: the same stem
    ("fa", "رئیس‌جمهور", {"fa-president"}),  # with the non-joiner
    ("fa", "رئیسجمهور", {"fa-president"}),  # typed without it
    ("fa", "رئیس جمهور", {"fa-president"}),  # typed with a space
    ("fa", "رئيس جمهور", {"fa-president"}),  # Arabic yeh instead of Persian yeh
    ("fa", "كتاب", {"fa-president"}),  # Arabic kaf instead of Persian keheh
    ("fa", "همکاری", {"fa-president"}),  # the word inside "همکاری‌های"
    ("fa", "نخست وزیر", {"fa-president"}),
    ("fa", "پایتخت", {"fa-other"}),
]

OPERATORS = [
    ("en", '"leaders discussed"', {"en-discussed"}),
    ("en", '"discussed leaders"', set()),  # a phrase keeps its order
    ("en", "water -spring", set()),
    ("en", "water -trade", {"en-meeting"}),
    ("en", "trade OR water", {"en-discussed", "en-meeting"}),
    ("en", "ports OR nothingness", {"en-discussed"}),
    ("en", '-"water meeting" leaders', {"en-discussed"}),
    ("fa", '"رئیس‌جمهور هولت"', {"fa-president"}),
    ("fa", "رئیس‌جمهور -بندری", set()),
    ("ar", "التعاون OR العاصمة", {"ar-cooperation", "ar-other"}),
]


@pytest.fixture
def corpus(staff):
    person = make_person()
    found = {}
    for key, (language, title, body) in DOCUMENTS.items():
        statement = make_statement(participants=[person], original_language=language)
        version = make_version(statement, language=language, title=title, body=body, actor=staff["editor"])
        found[key] = review_and_publish(version, staff).pk
    return found


def found_by(corpus, language, q):
    matched = search.matching(Translation.objects.public().filter(language=language), q, language)
    names = {pk: key for key, pk in corpus.items()}
    return {names[pk] for pk in matched.values_list("pk", flat=True)}


@pytest.mark.parametrize(("language", "q", "expected"), RECALL, ids=[f"{c[0]}-{c[1]}" for c in RECALL])
def test_search_recall_stemming_and_normalisation(corpus, language, q, expected):
    assert found_by(corpus, language, q) == expected, connection.vendor


@pytest.mark.parametrize(("language", "q", "expected"), OPERATORS, ids=[f"{c[0]}-{c[1]}" for c in OPERATORS])
def test_search_phrases_exclusion_and_or(corpus, language, q, expected):
    assert found_by(corpus, language, q) == expected, connection.vendor


def test_search_page_finds_word_forms_and_highlights_what_was_typed(client, corpus):
    page = client.get("/en/statements/", {"q": "discuss"}).content.decode()
    assert "Holt and Vell <mark>discuss</mark>ed trade" in page
    page = client.get("/en/statements/", {"q": "water -spring"}).content.decode()
    assert "A meeting on water" not in page


def test_operators_only_or_unbalanced_quotes_are_not_errors(client, corpus):
    for q in ("OR", "-", "-water", '"', '"leaders', "OR OR trade", '""', "- OR -"):
        response = client.get("/en/statements/", {"q": q})
        assert response.status_code == 200, q
    assert found_by(corpus, "en", '"leaders discussed') == {"en-discussed"}  # an unclosed phrase ends the query
    assert found_by(corpus, "en", "-water") == set()  # nothing to find with only exclusions


def test_normalisation_is_one_function_for_documents_and_queries():
    assert wordforms.words("fa", "رئیس‌جمهور") == wordforms.words("fa", "رئيس جمهور")
    assert wordforms.document("fa", "رئیس‌جمهور").split()[-1] == wordforms.words("fa", "رئیسجمهور")[0]
    assert wordforms.words("ar", "مُحَمَّد") == wordforms.words("ar", "محمد")
    assert wordforms.words("fa", "۲۰۲۶") == wordforms.words("en", "2026") == ["2026"]


def test_rebuild_search_index_command_restores_a_lost_index(corpus, capsys):
    from django.core.management import call_command

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {search.FTS_TABLE}")  # noqa: S608
        else:
            cursor.execute("UPDATE statements_translation SET search_vector = NULL")
    assert found_by(corpus, "en", "discuss") == set()
    call_command("rebuild_search_index", verbosity=0)
    assert found_by(corpus, "en", "discuss") == {"en-discussed"}
    assert "Indexed" in capsys.readouterr().out
