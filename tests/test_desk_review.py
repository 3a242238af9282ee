"""Review as the desk meets it: publishing refuses a reviewed revision that a newer one
has overtaken (and shows what goes live), and a send-back's reason reaches its author."""

import datetime
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from statements import workflow
from statements.models import Translation

from .factories import edit_text, make_draft, version_state

pytestmark = pytest.mark.django_db


def url(name, version, *args):
    return reverse(f"admin:statements_translation_{name}", args=[version.pk, *args])


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def in_review_then_edited(people, editor="publisher"):
    """Revision 1 submitted by the editor; revision 2 saved during review."""
    version = make_draft(people["editor"], body="Reviewed text.")
    workflow.submit_for_review(translation=version, actor=people["editor"])
    edit_text(version, people[editor], "Reviewed text, edited during review.")
    return Translation.objects.get(pk=version.pk)


def test_publish_refuses_when_a_newer_revision_than_reviewed_exists(people):
    version = in_review_then_edited(people)
    before = version_state(version)
    with pytest.raises(workflow.TransitionError, match="Revision 2 was saved after revision 1 was submitted"):
        workflow.publish(translation=version, actor=people["publisher2"])
    assert version_state(version) == before
    assert not Translation.objects.public().filter(pk=version.pk).exists()


def test_newer_revision_is_offered_for_review_and_then_publishes(people):
    version = in_review_then_edited(people)
    assert workflow.available_actions(version, people["publisher2"]).count("publish") == 0
    assert "submit_for_review" in workflow.available_actions(version, people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    published = workflow.publish(translation=version, actor=people["publisher2"])
    assert published.live_revision.number == 2
    assert published.body == "Reviewed text, edited during review."


def test_publish_refuses_a_revision_other_than_the_one_on_the_screen(people):
    version = in_review_then_edited(people)
    workflow.submit_for_review(translation=version, actor=people["editor"])  # revision 2 now in review
    with pytest.raises(workflow.TransitionError, match="not revision 1 that you looked at"):
        workflow.publish(translation=version, actor=people["publisher2"], reviewed_revision=1)
    assert Translation.objects.get(pk=version.pk).live_revision is None


def test_publish_screen_shows_the_revision_going_live_and_its_diff(client, people):
    version = make_draft(people["editor"], body="First line.")
    workflow.submit_for_review(translation=version, actor=people["editor"])
    workflow.publish(translation=version, actor=people["publisher"])
    edit_text(version, people["editor"], "First line.\n\nA corrected line.")
    workflow.submit_for_review(translation=version, actor=people["editor"])
    client.force_login(people["publisher"])
    html = page(client.get(url("act", version, "publish")))
    assert "Revision 2 goes live" in html.select_one("#goes-live").text
    assert "revision 1" in html.text
    assert [ins.text for ins in html.select(".diff-lines ins")] == ["", "A corrected line."]
    assert html.select_one("input[name=reviewed_revision]")["value"] == "2"


def test_publish_screen_names_the_newer_revision_and_offers_its_review(client, people):
    version = in_review_then_edited(people)
    client.force_login(people["publisher2"])
    html = page(client.get(url("act", version, "publish")))
    assert "Revision 2 was saved after revision 1" in html.select_one(".errornote").text
    offer = html.select_one(".errornote a")
    assert offer["href"] == url("act", version, "submit_for_review")
    assert offer.text == "Submit revision 2 for review"
    assert html.select_one("input[type=submit]") is None
    # A publication posted from a screen opened before the edit is refused on the screen too.
    response = client.post(url("act", version, "publish"), {"reviewed_revision": "1"})
    assert response.status_code == 200
    assert "Revision 2 was saved after revision 1" in page(response).select_one(".errornote").text
    assert Translation.objects.get(pk=version.pk).live_revision is None
    change = page(client.get(url("change", version)))
    assert "cannot be published until revision 2 is submitted" in change.text


def test_sent_back_reason_reaches_the_version_and_the_authors_dashboard(client, people):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    workflow.reject(translation=version, actor=people["publisher"], reason="Check the minister's title.")
    client.force_login(people["editor"])
    change = page(client.get(url("change", version)))
    assert "Check the minister's title." in change.select_one(".workflow-note blockquote").text
    dashboard = page(client.get(reverse("admin:index")))
    section = next(t for t in dashboard.select("table") if t.caption.text == "Sent back to me")
    assert version.title in section.text
    assert "Check the minister's title." in section.text
    # Someone else's dashboard does not carry it.
    client.force_login(people["editor2"])
    other = page(client.get(reverse("admin:index")))
    assert version.title not in next(t for t in other.select("table") if t.caption.text == "Sent back to me").text


def test_sent_back_note_clears_when_submitted_again_and_in_review_lists_it(client, people):
    version = make_draft(people["editor"])
    workflow.submit_for_review(translation=version, actor=people["editor"])
    workflow.reject(translation=version, actor=people["publisher"], reason="Shorter, please.")
    edit_text(version, people["editor"], "Shorter.")
    workflow.submit_for_review(translation=version, actor=people["editor"])
    version.refresh_from_db()
    assert version.sent_back_at is None and version.sent_back_reason == ""
    client.force_login(people["editor"])
    dashboard = page(client.get(reverse("admin:index")))
    sections = {t.caption.text: t.text for t in dashboard.select("table")}
    assert "Shorter, please." not in sections["Sent back to me"]
    assert version.title in sections["In review"]


def submitted(people):
    version = make_draft(people["editor"])
    return workflow.submit_for_review(translation=version, actor=people["editor"])


def test_scheduling_reads_the_time_in_the_offices_zone_and_confirms_it_in_words(client, people, settings):
    settings.TIME_ZONE = "Asia/Tehran"
    version = submitted(people)
    client.force_login(people["publisher"])
    form = page(client.get(url("act", version, "publish")))
    field = form.select_one("input[name=at]")
    assert field["type"] == "datetime-local"
    assert "Asia/Tehran" in form.select_one("label[for=id_at]").text
    typed = {"at": "2099-01-04T09:00"}
    asked = client.post(url("act", version, "publish"), typed)
    words = page(asked).select_one(".errornote").text
    assert "Sunday 4 January 2099 at 09:00, Asia/Tehran time (UTC+03:30)" in words
    assert Translation.objects.get(pk=version.pk).published_at is None
    confirmed = page(asked).select_one("input[name=confirmed_at]")["value"]
    done = client.post(url("act", version, "publish"), {**typed, "confirmed_at": confirmed}, follow=True)
    assert "Scheduled: goes live on Sunday 4 January 2099 at 09:00" in page(done).select_one(".messagelist").text
    scheduled = Translation.objects.get(pk=version.pk)
    assert scheduled.published_at == datetime.datetime(2099, 1, 4, 5, 30, tzinfo=datetime.UTC)


def test_scheduling_refuses_us_date_order_and_a_changed_time_asks_again(client, people):
    version = submitted(people)
    client.force_login(people["publisher"])
    response = client.post(url("act", version, "publish"), {"at": "01/02/2099 09:00"})
    assert response.status_code == 200
    assert "year-month-day" in page(response).select_one(".errorlist").text
    # A confirmation of one time does not confirm another.
    asked = page(client.post(url("act", version, "publish"), {"at": "2099-02-01T09:00"}))
    confirmed = asked.select_one("input[name=confirmed_at]")["value"]
    again = client.post(url("act", version, "publish"), {"at": "2099-02-01T10:00", "confirmed_at": confirmed})
    assert "10:00" in page(again).select_one(".errornote").text
    assert Translation.objects.get(pk=version.pk).published_at is None


def test_scheduling_in_the_past_is_refused_and_changes_nothing(client, people):
    version = submitted(people)
    before = version_state(version)
    client.force_login(people["publisher"])
    typed = {"at": "2001-02-01T09:00", "confirmed_at": "2001-02-01T09:00:00+00:00"}
    response = client.post(url("act", version, "publish"), typed)
    assert "must be in the future" in page(response).select_one(".errornote").text
    assert version_state(version) == before


def test_preview_link_address_stays_on_the_version_while_valid(client, people):
    version = make_draft(people["editor"], body="Embargoed text.")
    client.force_login(people["editor"])
    client.post(url("preview_links", version), {"note": "Protocol office", "days": "3"})
    shown = page(client.get(url("change", version))).select(".preview-link input[readonly]")
    assert len(shown) == 1
    assert page(client.get(url("change", version))).select_one("button[data-copy]")["data-copy"] == shown[0]["id"]
    address = shown[0]["value"]
    assert address.startswith("http://testserver/preview/")
    client.logout()
    assert "Embargoed text." in client.get(address).content.decode()
    # Expired: no longer shown.
    version.preview_links.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(people["editor"])
    assert page(client.get(url("change", version))).select(".preview-link") == []


# Slugs in the version's own language ----------------------------------------------


def test_persian_slug_keeps_the_zero_width_non_joiner_readable(people):
    from statements.slugs import make_slug

    assert make_slug("دیدار رئیس‌جمهور") == "دیدار-رئیس-جمهور"
    assert make_slug("لقاء الرئيـس") == "لقاء-الرئيس"  # the tatweel stroke goes, the letters stay
    assert make_slug("Maren Holt receives Tomas Vell") == "maren-holt-receives-tomas-vell"


def test_translation_slug_follows_its_own_title_until_published(client, people, staff):
    from .factories import make_public

    english = make_public(staff, title="Maren Holt receives Tomas Vell")
    persian = workflow.start_translation(source=english, language="fa", actor=people["translator"])
    assert persian.slug == english.slug  # starts as the original's, from its title
    client.force_login(people["translator"])
    data = {"title": "رئیس‌جمهور هولت، توماس ول را پذیرفت", "standfirst": "", "base_revision": "1"}
    data.update({"slug": persian.slug, "p0": "بند نخست."})
    assert client.post(url("translate", persian), data).status_code == 302
    persian.refresh_from_db()
    assert persian.slug == "رئیس-جمهور-هولت-توماس-ول-را-پذیرفت"
    assert unquote(persian.get_absolute_url()).endswith("/رئیس-جمهور-هولت-توماس-ول-را-پذیرفت/")


def test_a_slug_typed_on_the_side_by_side_screen_is_kept_and_then_frozen(client, people, staff):
    from .factories import make_public, review_and_publish

    english = make_public(staff, title="Harbour talks")
    persian = workflow.start_translation(source=english, language="fa", actor=people["translator"])
    client.force_login(people["translator"])
    data = {"title": "گفت‌وگوی بندر", "standfirst": "", "base_revision": "1", "slug": "بندر ‌گفت‌وگو", "p0": "متن."}
    client.post(url("translate", persian), data)
    persian.refresh_from_db()
    assert persian.slug == "بندر-گفت-وگو"
    # A later title change keeps the typed slug.
    client.post(url("translate", persian), {**data, "title": "گفت‌وگو در بندر", "base_revision": "2"})
    persian.refresh_from_db()
    assert persian.slug == "بندر-گفت-وگو"
    review_and_publish(persian, {"editor": people["translator"], "publisher": people["publisher"]})
    form = page(client.get(url("translate", persian)))
    assert form.select_one("input[name=slug]").has_attr("disabled")
    client.post(url("translate", persian), {**data, "slug": "other", "base_revision": "2", "p0": "متن تازه."})
    persian.refresh_from_db()
    assert persian.slug == "بندر-گفت-وگو"


def test_a_slug_without_letters_is_a_form_error_keeping_the_text(client, people, staff):
    from .factories import make_public

    english = make_public(staff, title="Quiet talks")
    persian = workflow.start_translation(source=english, language="fa", actor=people["translator"])
    client.force_login(people["translator"])
    data = {"title": "گفت‌وگوی آرام", "standfirst": "", "base_revision": "1", "slug": "‌ - ‌", "p0": "متن ترجمه."}
    response = client.post(url("translate", persian), data)
    assert response.status_code == 200
    html = page(response)
    assert "at least one letter or digit" in html.text
    assert html.select_one("textarea[name=p0]").text.strip() == "متن ترجمه."
    assert persian.revisions.count() == 1
