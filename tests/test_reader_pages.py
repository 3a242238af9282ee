"""Pages as readers of each language meet them: each participant's part and the place in
the page's language; Persian and Arabic digits and list punctuation, the Solar Hijri
date first on Persian pages; a notice on outdated translations; "page X of Y"; several
participants at once; Solar Hijri dates in Persian date filters; feed autodiscovery
titles that name the list."""

import datetime

import pytest
from bs4 import BeautifulSoup

from statements import workflow
from statements.models import Participation

from .factories import (
    edit_text,
    make_person,
    make_public,
    make_statement,
    make_topic,
    make_version,
    review_and_publish,
)

pytestmark = pytest.mark.django_db


def page(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def persian_pair(staff):
    host = make_person("Maren Holt", slug="maren-holt", names={"fa": "مارن هولت"})
    guest = make_person("Tomas Vell", slug="tomas-vell", names={"fa": "توماس ول"})
    statement = make_statement(occurred_on=datetime.date(2026, 8, 24), location="Harbour City")
    statement.location_names = {"fa": "شهر بندری"}
    statement.save()
    Participation.objects.create(statement=statement, person=host, part="host", position=0)
    Participation.objects.create(statement=statement, person=guest, part="guest", position=1)
    english = review_and_publish(make_version(statement, title="Holt receives Vell", actor=staff["editor"]), staff)
    persian = review_and_publish(
        make_version(statement, language="fa", title="هولت ول را پذیرفت", actor=staff["editor"]), staff
    )
    return english, persian


def test_participant_part_and_place_in_the_pages_language(client, persian_pair):
    english, persian = persian_pair
    en = page(client.get(english.get_absolute_url()))
    assert [li.select_one(".part").text for li in en.select(".participants li")] == ["(Host)", "(Guest)"]
    assert "Harbour City" in en.select_one(".statement__facts").text
    fa = page(client.get(persian.get_absolute_url()))
    assert "شهر بندری" in fa.select_one(".statement__facts").text
    assert "Harbour City" not in fa.select_one(".statement__facts").text
    assert "(میزبان)" in fa.select_one(".participants").text


def test_persian_pages_give_the_solar_hijri_date_first_in_persian_digits(client, persian_pair):
    _english, persian = persian_pair
    fa = page(client.get(persian.get_absolute_url()))
    date = fa.select_one(".statement__facts dd").text
    assert date.startswith("۲ شهریور ۱۴۰۵")
    assert "(۲۴ " in date and "۲۰۲۶)" in date
    assert not any(c in "0123456789" for c in date)


def test_arabic_pages_use_arabic_indic_digits(client, staff):
    arabic = make_public(staff, title="زيارة", language="ar", occurred_on=datetime.date(2026, 8, 24))
    ar = page(client.get(arabic.get_absolute_url()))
    date = ar.select_one(".statement__facts dd").text
    assert "٢٤" in date and "٢٠٢٦" in date and not any(c in "0123456789" for c in date)


def test_persian_lists_use_persian_list_punctuation(client, persian_pair):
    fa = page(client.get("/fa/statements/"))
    assert fa.select_one(".statement-row__people").text == "مارن هولت، توماس ول"
    en = page(client.get("/en/statements/"))
    assert en.select_one(".statement-row__people").text == "Maren Holt, Tomas Vell"


def test_outdated_translation_carries_a_notice_linking_to_the_newer_original(client, staff, people):
    english = make_public(staff, title="Holt receives Vell")
    persian = workflow.start_translation(source=english, language="fa", actor=people["translator"])
    persian = review_and_publish(persian, {"editor": people["translator"], "publisher": staff["publisher"]})
    assert page(client.get(persian.get_absolute_url())).select_one(".outdated-notice") is None
    edit_text(english, staff["editor"], "A new paragraph.", change_note="Added the outcome.", is_major=True)
    workflow.submit_for_review(translation=english, actor=staff["editor"])
    workflow.publish(translation=english, actor=staff["publisher"], major=True, change_note="Added the outcome.")
    notice = page(client.get(persian.get_absolute_url())).select_one(".outdated-notice")
    assert notice is not None
    assert notice.select_one("a")["href"] == english.get_absolute_url() and notice.select_one("a")["hreflang"] == "en"
    assert page(client.get(english.get_absolute_url())).select_one(".outdated-notice") is None


def test_lists_say_page_x_of_y(client, staff, monkeypatch):
    from statements import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    for n in range(5):
        make_public(staff, title=f"Talks {n}")
    assert page(client.get("/en/statements/")).select_one(".pagination__status").text == "Page 1 of 3"
    assert page(client.get("/en/statements/", {"page": 2})).select_one(".pagination__status").text == "Page 2 of 3"


def test_several_participants_at_once_with_checkboxes(client, staff):
    first, second, third = (
        make_person(name, slug=slug) for name, slug in [("Ann Ash", "ann"), ("Ben Birch", "ben"), ("Cy Cedar", "cy")]
    )
    for person in (first, second, third):
        make_public(staff, title=f"Talks with {person.name}", participants=[person])
    html = page(client.get("/en/statements/", {"person": ["ann", "ben"]}))
    assert {a.text for a in html.select("article h3 a")} == {"Talks with Ann Ash", "Talks with Ben Birch"}
    boxes = {box["value"]: box.has_attr("checked") for box in html.select("#f-person-list input[type=checkbox]")}
    assert boxes == {"ann": True, "ben": True, "cy": False}
    finder = html.select_one("input[data-narrows=f-person-list]")
    assert finder.has_attr("hidden")  # shown by the script; the checkboxes work without it


def test_persian_date_filters_accept_solar_hijri_dates(client, persian_pair, staff):
    other = make_statement(occurred_on=datetime.date(2026, 9, 30), participants=[make_person()])
    review_and_publish(make_version(other, language="fa", title="دیدار دیگر", actor=staff["editor"]), staff)
    for after in ("1405-06-02", "۱۴۰۵-۰۶-۰۲", "1405/06/02", "2026-08-24"):
        for before in ("1405-06-02", "2026-08-24"):
            found = {
                a.text
                for a in page(client.get("/fa/statements/", {"date_after": after, "date_before": before})).select(
                    "article h3 a"
                )
            }
            assert found == {"هولت ول را پذیرفت"}, (after, before)
    assert client.get("/fa/statements/", {"date_after": "1405-13-40"}).status_code == 400


def test_feed_autodiscovery_titles_name_the_list(client, staff):
    topic = make_topic("Trade", slug="trade")
    make_public(staff, title="Trade talks", topics=[topic])
    html = page(client.get("/en/topics/trade/"))
    titles = [link["title"] for link in html.select("link[rel=alternate][type^=application]")]
    assert titles == [
        "Statements about Trade — RSS",
        "Statements about Trade — Atom",
        "Statements about Trade — JSON Feed",
    ]
    html = page(client.get("/en/statements/"))
    assert html.select_one("link[type='application/rss+xml']")["title"] == "Statements — RSS"
