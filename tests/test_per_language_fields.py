"""Names, places, alt texts and captions per language in the admin (one input per
enabled language with lang and dir, aliases as a list of inputs, errors naming the
language), captions in the reader's language, and alt text required in the language of
every version published with the image."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from statements import workflow
from statements.models import Person, Translation

from .factories import make_person, make_statement, make_version, version_state
from .pictures import store, two_halves

pytestmark = pytest.mark.django_db


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def person_data(person, **fields):
    data = {
        "name": person.name,
        "honorific": "",
        "slug": person.slug,
        "sort_name": "",
        "country": "",
        "portrait": "",
        "appointments-TOTAL_FORMS": "0",
        "appointments-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def test_names_get_one_input_per_language_with_lang_and_dir(admin_client):
    person = make_person("Maren Holt", names={"fa": "مارن هولت"})
    html = page(admin_client.get(reverse("admin:statements_person_change", args=[person.pk])))
    persian = html.select_one("input[name=names_fa]")
    assert persian["value"] == "مارن هولت" and persian["lang"] == "fa" and persian["dir"] == "rtl"
    assert html.select_one("input[name=names_ar]")["dir"] == "rtl"
    assert html.select_one("input[name=names_fr]")["dir"] == "ltr"
    assert html.select_one(f"label[for={persian['id']}]").text == "Persian (fa)"
    assert html.select_one("textarea[name=names], input[name=names]") is None  # no raw JSON box


def test_per_language_names_and_aliases_save_without_javascript(admin_client):
    person = make_person("Maren Holt", aliases=["M. Holt"])
    url = reverse("admin:statements_person_change", args=[person.pk])
    html = page(admin_client.get(url))
    aliases = html.select("input[name=aliases]")
    assert [box["value"] for box in aliases][:1] == ["M. Holt"] and len(aliases) == 4  # the list and room for more
    data = person_data(person, names_fa="مارن هولت", names_ar="", names_fr="Maren Holt")
    data["aliases"] = ["M. Holt", " Holt ", "", "Holt"]
    response = admin_client.post(url, data)
    assert response.status_code == 302, page(response).select(".errorlist")
    person = Person.objects.get(pk=person.pk)
    assert person.names == {"fa": "مارن هولت", "fr": "Maren Holt"}
    assert person.aliases == ["M. Holt", "Holt"]


def test_a_per_language_error_names_the_language_and_keeps_the_text(admin_client):
    person = make_person("Maren Holt")
    url = reverse("admin:statements_person_change", args=[person.pk])
    response = admin_client.post(url, person_data(person, names_fa="ه" * 301, names_ar="مارن"))
    assert response.status_code == 200
    errors = page(response).select_one(".errorlist").text
    assert "Persian (fa)" in errors and "300" in errors
    assert page(response).select_one("input[name=names_ar]")["value"] == "مارن"
    assert Person.objects.get(pk=person.pk).names == {}


def test_image_alt_texts_and_captions_per_language(admin_client, staff):
    image = store("pic.jpg", two_halves(), caption="Harbour at dawn")
    url = reverse("admin:statements_image_change", args=[image.pk])
    html = page(admin_client.get(url))
    assert html.select_one("input[name=alt_texts_fa]")["lang"] == "fa"
    assert html.select_one("textarea[name=captions_ar]")["dir"] == "rtl"
    data = {
        "alt_text": "A harbour",
        "alt_texts_fa": "بندر",
        "alt_texts_ar": "ميناء",
        "alt_texts_fr": "",
        "caption": "Harbour at dawn",
        "captions_fa": "بندر در سپیده‌دم",
        "captions_ar": "",
        "captions_fr": "",
        "credit": "",
        "focal_x": "",
        "focal_y": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, page(response).select(".errorlist")
    image.refresh_from_db()
    assert image.alt_texts == {"fa": "بندر", "ar": "ميناء"} and image.captions == {"fa": "بندر در سپیده‌دم"}
    statement = make_statement(participants=[make_person()], featured_image=image)
    persian = make_version(statement, language="fa", title="بندر", actor=staff["editor"])
    workflow.submit_for_review(translation=persian, actor=staff["editor"])
    workflow.publish(translation=persian, actor=staff["publisher"])
    figure = page(admin_client.get(Translation.objects.get(pk=persian.pk).get_absolute_url())).select_one("figcaption")
    assert "بندر در سپیده‌دم" in figure.text and "Harbour at dawn" not in figure.text


def test_publishing_needs_the_featured_images_alt_text_in_the_versions_language(staff):
    image = store("pic.jpg", two_halves(), alt_text="A harbour", alt_texts={"fa": "بندر"})
    statement = make_statement(participants=[make_person()], featured_image=image)
    arabic = make_version(statement, language="ar", title="ميناء", actor=staff["editor"])
    workflow.submit_for_review(translation=arabic, actor=staff["editor"])
    before = version_state(arabic)
    with pytest.raises(workflow.TransitionError, match=r"no alt text in Arabic \(ar\)"):
        workflow.publish(translation=arabic, actor=staff["publisher"])
    assert version_state(arabic) == before
    assert not workflow.is_allowed("publish", translation=arabic, actor=staff["publisher"])
    image.alt_texts = {"fa": "بندر", "ar": "ميناء"}
    image.save()
    workflow.publish(translation=arabic, actor=staff["publisher"])
    english = make_version(statement, language="en", title="Harbour", actor=staff["editor"])
    workflow.submit_for_review(translation=english, actor=staff["editor"])
    workflow.publish(translation=english, actor=staff["publisher"])  # the main alt text is the default language's
