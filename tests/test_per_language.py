"""`{% per_language %}` (statements/templatetags/statement_tags.py): the site's header and
footer are rendered once per language and process, and anew for another language or
other settings."""

from django.template import engines
from django.utils import translation


def render(template, **context):
    return template.render(context)


def test_rendered_once_per_language_and_settings(settings):
    template = engines["django"].from_string(
        "{% load i18n statement_tags %}{% per_language %}{% translate 'Home' %} {{ n }} "
        "{{ office }}{% endper_language %}|{{ n }}"
    )
    settings.PRESSOFFICE_OFFICE_NAME = "Office One"
    with translation.override("en"):
        assert render(template, n=1, office=settings.PRESSOFFICE_OFFICE_NAME) == "Home 1 Office One|1"
        assert render(template, n=2, office="ignored") == "Home 1 Office One|2"  # kept; the rest renders
    with translation.override("fr"):
        assert render(template, n=3, office=settings.PRESSOFFICE_OFFICE_NAME) == "Accueil 3 Office One|3"
    settings.PRESSOFFICE_OFFICE_NAME = "Office Two"
    with translation.override("en"):
        assert render(template, n=4, office=settings.PRESSOFFICE_OFFICE_NAME) == "Home 4 Office Two|4"


def test_every_page_gets_the_header_of_its_own_language(client, db):
    english = client.get("/en/").content.decode()
    persian = client.get("/fa/").content.decode()
    assert 'placeholder="Search statements"' in english and 'placeholder="Search statements"' not in persian
    assert '<a href="/fa/" hreflang="fa" lang="fa" aria-current="true">' in persian
    assert '<a href="/en/" hreflang="en" lang="en" aria-current="true">' in english
    assert client.get("/en/").content.decode() == english
