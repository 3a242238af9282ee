"""Every invariant: held by the database where it can be, and explained by clean()."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from statements import workflow
from statements.models import Appointment, Image, Revision, StaffProfile, Statement, Topic, Translation

from .factories import (
    appoint,
    authored_draft,
    authored_in_review,
    authored_live,
    make_person,
    make_role,
    make_statement,
    make_topic,
    make_version,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def messages_of(excinfo):
    return " ".join(excinfo.value.messages)


def test_appointment_end_before_start_refused_by_database():
    person, role = make_person(), make_role()
    with pytest.raises(IntegrityError), transaction.atomic():
        appoint(person, role, D(2024, 5, 1), D(2024, 4, 30))


def test_appointment_end_before_start_friendly_error():
    appointment = Appointment(person=make_person(), role=make_role(), started_on=D(2024, 5, 1), ended_on=D(2024, 4, 1))
    with pytest.raises(ValidationError) as excinfo:
        appointment.full_clean()
    assert "cannot come before the first" in messages_of(excinfo)


def test_single_day_appointment_is_valid():
    Appointment(person=make_person(), role=make_role(), started_on=D(2024, 5, 1), ended_on=D(2024, 5, 1)).full_clean()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2024, 5, 19), None),  # starts on the last day of the other
        (D(2020, 1, 1), D(2021, 8, 3)),  # ends on the first day of the other
        (D(2022, 1, 1), D(2022, 2, 1)),  # inside
        (D(2020, 1, 1), None),  # surrounds
    ],
)
def test_overlapping_appointments_of_single_holder_role_refused(start, end):
    role = make_role("President of Testland")
    appoint(make_person("First Holder"), role, D(2021, 8, 3), D(2024, 5, 19))
    second = Appointment(person=make_person(), role=role, started_on=start, ended_on=end)
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "held by one person at a time" in messages_of(excinfo)
    assert "First Holder" in messages_of(excinfo)


def test_consecutive_appointments_of_single_holder_role_allowed():
    role = make_role()
    appoint(make_person(), role, D(2021, 8, 3), D(2024, 5, 19))
    Appointment(person=make_person(), role=role, started_on=D(2024, 5, 20)).full_clean()


def test_overlapping_appointments_allowed_when_role_has_many_holders():
    role = make_role(single=False)
    appoint(make_person(), role, D(2021, 1, 1))
    Appointment(person=make_person(), role=role, started_on=D(2022, 1, 1)).full_clean()


def test_one_version_per_language_held_by_database():
    version = make_version()
    with pytest.raises(IntegrityError), transaction.atomic():
        Translation.objects.create(statement=version.statement, language="en", title="Again", body="x", slug="again")


def test_duplicate_language_version_friendly_error():
    version = make_version()
    duplicate = Translation(statement=version.statement, language="en", title="Again", body="x", slug="again")
    duplicate.refresh_derived()
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "already has a version in this language" in messages_of(excinfo)


def test_slug_unique_per_language_and_date_held_by_database():
    first = make_version(make_statement(occurred_on=D(2024, 1, 2)), title="Same title")
    other = make_statement(occurred_on=D(2024, 1, 2))
    with pytest.raises(IntegrityError), transaction.atomic():
        Translation.objects.bulk_create(
            [
                Translation(
                    statement=other, language="en", title="x", body="x", slug=first.slug, occurred_on=D(2024, 1, 2)
                )
            ]
        )


def test_same_slug_allowed_on_another_date_or_language():
    first = make_version(make_statement(occurred_on=D(2024, 1, 2)), title="Same title")
    second = make_version(make_statement(occurred_on=D(2024, 1, 3)), title="Same title")
    third = make_version(make_statement(occurred_on=D(2024, 1, 2)), language="fr", title="Same title")
    assert first.slug == second.slug == third.slug == "same-title"


def test_automatic_slug_avoids_a_taken_one():
    first = make_version(make_statement(occurred_on=D(2024, 1, 2)), title="Same title")
    second = make_version(make_statement(occurred_on=D(2024, 1, 2)), title="Same title")
    assert (first.slug, second.slug) == ("same-title", "same-title-2")


def test_typed_slug_clash_friendly_error():
    first = make_version(make_statement(occurred_on=D(2024, 1, 2)), title="Same title")
    other = Translation(statement=make_statement(occurred_on=D(2024, 1, 2)), language="en", title="t", body="b")
    other.slug = first.slug
    with pytest.raises(ValidationError) as excinfo:
        other.clean()
    assert "already uses this slug" in messages_of(excinfo)


def test_unicode_slug_for_persian_title():
    version = make_version(language="fa", title="دیدار نخست‌وزیر با رئیس‌جمهور")
    assert version.slug.startswith("دیدار-نخست")


def test_public_version_needs_publication_time_held_by_database():
    version = make_version()
    with pytest.raises(IntegrityError), transaction.atomic():
        Translation.objects.filter(pk=version.pk).update(status=Translation.Status.PUBLISHED, published_at=None)


def test_revision_numbers_unique_per_version():
    version = make_version()
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(translation=version, number=1, title="t", body="b", created_at=version.created_at)


@override_settings(LANGUAGES=[("en", "English"), ("fa", "Persian")])
def test_language_not_enabled_refused():
    version = Translation(statement=make_statement(), language="de", title="Titel", body="Text")
    version.refresh_derived()
    with pytest.raises(ValidationError) as excinfo:
        version.full_clean()
    assert "“de” is not an enabled language" in messages_of(excinfo)
    statement = Statement(original_language="xx", kind="readout")
    with pytest.raises(ValidationError) as excinfo:
        statement.full_clean()
    assert "original_language" in excinfo.value.message_dict


def test_empty_title_refused():
    version = Translation(statement=make_statement(), language="en", title="", body="Text")
    version.refresh_derived()
    with pytest.raises(ValidationError) as excinfo:
        version.full_clean()
    assert "title" in excinfo.value.message_dict


def test_names_in_other_languages_must_be_enabled_codes():
    topic = Topic(name="Water", slug="water", names={"xx": "?"})
    with pytest.raises(ValidationError) as excinfo:
        topic.full_clean()
    assert "names" in excinfo.value.message_dict
    topic.names = ["not", "a", "mapping"]
    with pytest.raises(ValidationError):
        topic.full_clean()


def test_name_in_falls_back_to_default_name():
    topic = make_topic("Water", names={"fa": "آب"})
    assert topic.name_in("fa") == "آب"
    assert topic.name_in("ar") == "Water"


def test_topic_cannot_be_its_own_ancestor():
    parent = make_topic()
    child = make_topic(parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError) as excinfo:
        parent.full_clean()
    assert "inside itself" in messages_of(excinfo)


def test_person_aliases_must_be_a_list_of_names():
    person = make_person()
    person.aliases = "al-Sudani"
    with pytest.raises(ValidationError) as excinfo:
        person.full_clean()
    assert "aliases" in excinfo.value.message_dict


def test_person_sort_name_defaults_to_name():
    assert make_person("Ilse Carrow").sort_name == "Ilse Carrow"


def test_staff_profile_languages_must_be_enabled():
    from .factories import make_user

    profile = StaffProfile(user=make_user(), languages=["fa", "zz"])
    with pytest.raises(ValidationError) as excinfo:
        profile.full_clean()
    assert "zz" in messages_of(excinfo)


def test_image_focal_point_held_in_frame_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Image.objects.bulk_create([Image(file="images/x.jpg", width=1, height=1, alt_text="x", focal_x=1.5)])


def test_country_code_format():
    from statements.models import Country

    with pytest.raises(ValidationError):
        Country(code="irq", name="Iraq").full_clean()


@override_settings(PRESSOFFICE_REFERENCE_PREFIX="PO")
def test_reference_assigned_once_per_year_in_sequence():
    first = make_statement(occurred_on=D(2023, 11, 6))
    second = make_statement(occurred_on=D(2023, 12, 1))
    other_year = make_statement(occurred_on=D(2024, 1, 1))
    undated = Statement.objects.create(original_language="en")
    assert (first.reference, second.reference) == ("PO-2023-0001", "PO-2023-0002")
    assert other_year.reference == "PO-2024-0001"
    assert undated.reference.startswith("PO-") and undated.reference.endswith("-0001")
    first.occurred_on = D(2025, 1, 1)
    first.save()
    first.refresh_from_db()
    assert first.reference == "PO-2023-0001"


def test_content_ids_and_version_uuids_are_distinct():
    a, b = make_version(), make_version()
    assert a.uuid != b.uuid and a.statement.content_id != b.statement.content_id


def test_body_html_rendered_on_save():
    version = make_version(body="Hello *world*")
    assert version.body_html == '<p id="p-1">Hello <em>world</em></p>\n'


def test_each_state_predicate_agrees_with_its_queryset_twin(people):
    """is_public_at ⇔ public(), is_scheduled ⇔ scheduled(), is_released ⇔ released(),
    is_unpublished ⇔ unpublished(): one meaning per name, on rows and in queries."""
    later = timezone.now() + datetime.timedelta(days=1)
    versions = [
        authored_draft(people),
        authored_in_review(people),
        authored_live(people),
        workflow.publish(translation=authored_in_review(people), actor=people["other_publisher"], at=later),
        workflow.withdraw(translation=authored_live(people), actor=people["publisher"], explanation="Old"),
        workflow.unpublish(translation=authored_live(people), actor=people["publisher"], reason="published_in_error"),
    ]
    now = timezone.now()
    rows = Translation.objects.filter(pk__in=[v.pk for v in versions])
    twins = {
        "public": (rows.public(now), lambda v: v.is_public_at(now)),
        "scheduled": (rows.scheduled(now), lambda v: v.is_scheduled(now)),
        "released": (rows.released(), lambda v: v.is_released),
        "unpublished": (rows.unpublished(), lambda v: v.is_unpublished),
    }
    for name, (queryset, predicate) in twins.items():
        assert set(queryset.values_list("pk", flat=True)) == {v.pk for v in rows if predicate(v)}, name
    labels = [v.status_label(now) for v in rows.order_by("pk")]
    assert labels == ["Draft", "In review", "Published", "Scheduled", "Withdrawn", "Unpublished"]
