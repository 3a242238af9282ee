"""History mode: statements belong to the administration of their meeting date; political
statements of an ended administration carry a banner, decided when shown; their pages and
feeds; editing them is the publishers' alone."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from statements import history, workflow
from statements.models import Administration, AuditEntry, Statement

from .factories import (
    appoint,
    edit_text,
    make_person,
    make_public,
    make_role,
    make_statement,
    version_data,
    version_state,
)

pytestmark = pytest.mark.django_db

BANNER = "This was published under the first Example administration"


@pytest.fixture
def world(staff):
    first = Administration.objects.create(
        name="first Example", slug="first-example", started_on=datetime.date(2020, 1, 1)
    )
    minister = make_person("Ola Brandt", slug="ola-brandt")
    appoint(minister, make_role("Minister of Examples", is_government_office=True), datetime.date(2020, 1, 1))
    visitor = make_person("Rui Vale", slug="rui-vale")  # holds no government office
    on = datetime.date(2021, 5, 4)
    political = make_public(staff, title="Minister meets visitor", participants=[minister, visitor], occurred_on=on)
    release = make_public(
        staff, title="Office hours notice", participants=[minister], occurred_on=on, kind="press-release"
    )
    outsider = make_public(staff, title="Visitor speaks alone", participants=[visitor], occurred_on=on)
    return {"first": first, "political": political, "release": release, "outsider": outsider}


def close(client, superuser, administration, ended_on):
    client.force_login(superuser)
    url = reverse("admin:statements_administration_change", args=[administration.pk])
    data = {"name": administration.name, "names": "{}", "slug": administration.slug,
            "started_on": administration.started_on.isoformat(), "ended_on": ended_on}  # fmt: skip
    response = client.post(url, data)
    client.logout()
    return response


def test_statements_belong_to_the_administration_of_their_meeting_date(world):
    assert world["political"].statement.administration == world["first"]
    early = make_statement(occurred_on=datetime.date(2019, 12, 31))
    assert early.administration is None
    # An administration added for earlier years takes the statements of its dates at once.
    zeroth = Administration.objects.create(
        name="zeroth Example",
        slug="zeroth",
        started_on=datetime.date(2019, 1, 1),
        ended_on=datetime.date(2019, 12, 31),
    )
    early.refresh_from_db()
    assert early.administration == zeroth
    Administration.objects.filter(pk=world["first"].pk).update(ended_on=datetime.date(2021, 12, 31))
    second = Administration.objects.create(name="second Example", slug="second", started_on=datetime.date(2022, 1, 1))
    later = make_statement(occurred_on=datetime.date(2022, 3, 1))
    assert later.administration == second
    # Moving an administration's dates moves its statements.
    Administration.objects.filter(pk=second.pk).update(started_on=datetime.date(2023, 1, 1))
    history.reassign()
    later.refresh_from_db()
    assert later.administration is None


def test_closing_an_administration_bannerises_its_political_statements_on_the_next_request(client, superuser, world):
    political, release, outsider = world["political"], world["release"], world["outsider"]
    # Shown (and stored) before the administration ends: no banner.
    assert BANNER not in client.get(political.get_absolute_url()).content.decode()
    assert BANNER not in client.get("/en/feeds/statements.atom").content.decode()
    assert close(client, superuser, world["first"], "2021-12-31").status_code == 302
    page = client.get(political.get_absolute_url()).content.decode()
    assert BANNER in page and "4 May 2021" not in page.split(BANNER)[1][:10]
    assert "(Jan. 1, 2020–Dec. 31, 2021)" in page
    # A press release, and a statement without a government office holder, are not political.
    assert BANNER not in client.get(release.get_absolute_url()).content.decode()
    assert BANNER not in client.get(outsider.get_absolute_url()).content.decode()
    feed = client.get("/en/feeds/statements.atom").content.decode()
    entries = {entry.split("<id>")[1].split("</id>")[0]: entry for entry in feed.split("<entry>")[1:]}
    assert BANNER in entries[f"urn:uuid:{political.uuid}"]
    assert BANNER not in entries[f"urn:uuid:{release.uuid}"] and BANNER not in entries[f"urn:uuid:{outsider.uuid}"]
    # In the reader's language.
    persian = client.get("/fa/feeds/statements.json")
    assert persian.status_code == 200


def test_a_publisher_overrides_the_rule_and_the_administration_audited(client, superuser, staff, world):
    close(client, superuser, world["first"], "2021-12-31")
    release = world["release"]
    statement = release.statement
    # An editor may not: the admin shows the fields read-only, the workflow refuses.
    apply = lambda: Statement.objects.filter(pk=statement.pk).update(political="yes")  # noqa: E731
    with pytest.raises(workflow.TransitionError):
        workflow.update_statement(statement=statement, actor=staff["editor"], apply=apply)
    statement.refresh_from_db()
    assert statement.political == ""
    workflow.update_statement(statement=statement, actor=staff["publisher"], apply=apply)
    entry = AuditEntry.objects.filter(action="update_statement", statement=statement).latest("pk")
    assert entry.changes["political"] == {"before": "", "after": "yes"}
    assert BANNER in client.get(release.get_absolute_url()).content.decode()


def test_bad_administrations_are_form_errors(client, superuser, world):
    client.force_login(superuser)
    url = reverse("admin:statements_administration_add")
    base = {"name": "third Example", "names": "{}", "slug": "third"}
    cases = [
        ({"started_on": "2024-05-01", "ended_on": "2024-04-01"}, "cannot come before the first"),
        ({"started_on": "2020-06-01"}, "overlaps first Example"),
        ({"started_on": "2099-01-01", "ended_on": "2099-02-01"}, "has left office"),
        ({"started_on": "not a date"}, "Enter a valid date"),
    ]
    for extra, message in cases:
        response = client.post(url, {**base, **extra})
        assert response.status_code == 200 and message in response.content.decode(), message
    assert Administration.objects.count() == 1


def test_administration_page_filter_and_feeds(client, world):
    political = world["political"]
    page = client.get("/en/administrations/first-example/")
    assert page.status_code == 200 and political.title in page.content.decode()
    listed = client.get("/en/statements/?administration=first-example").content.decode()
    assert political.title in listed
    assert political.title not in client.get("/en/statements/?administration=another").content.decode()
    assert client.get("/en/statements/?administration=not a slug").status_code == 400
    assert client.get("/en/administrations/unknown/").status_code == 404
    for fmt in ("rss", "atom", "json"):
        feed = client.get(f"/en/administrations/first-example/feed.{fmt}")
        assert feed.status_code == 200 and political.title in feed.content.decode()
        assert "under first Example" in feed.content.decode()


def test_statements_of_an_ended_administration_are_locked_for_editors(client, superuser, staff, world):
    close(client, superuser, world["first"], "2021-12-31")
    version = world["political"]
    before = version_state(version)
    with pytest.raises(workflow.TransitionError, match="administration that has ended"):
        edit_text(version, staff["editor"], "A new body.")
    assert version_state(version) == before
    assert "submit_for_review" not in workflow.available_actions(version, staff["editor"])
    client.force_login(staff["editor"])
    url = reverse("admin:statements_translation_change", args=[version.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="body"' not in page.content.decode()  # read-only
    assert client.post(url, version_data(version, body="Changed by an editor.")).status_code == 403
    assert version_state(version) == before
    # A publisher corrects and withdraws.
    edit_text(version, staff["publisher"], "A corrected body.")
    assert "submit_for_review" in workflow.available_actions(version, staff["publisher"])
    workflow.withdraw(translation=version, actor=staff["publisher"], explanation="Superseded.")


@override_settings(PRESSOFFICE_FOUR_EYES=False)
def test_other_administrations_stay_editable(staff, world):
    Administration.objects.filter(pk=world["first"].pk).update(ended_on=None)
    edit_text(world["political"], staff["editor"], "Still editable.")
