"""Small factory functions and helpers for tests: every argument optional, every row
valid. The shared fixtures (`people`, `staff`, …) are in conftest.py."""

import datetime
import itertools
import socket

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.forms.models import model_to_dict
from django.utils import timezone

from statements import workflow
from statements.models import (
    Appointment,
    AuditEntry,
    Country,
    Participation,
    Person,
    PreviewLink,
    Revision,
    Role,
    StaffProfile,
    Statement,
    Topic,
    Translation,
)

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def make_user(username=None, *, superuser=False, perms=(), **fields):
    User = get_user_model()
    username = username or unique("user")
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.invalid", "pw", **fields)
    fields.setdefault("is_staff", True)
    user = User.objects.create_user(username, f"{username}@example.invalid", "pw", **fields)
    for codename in perms:
        app_label, codename = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def make_staff(group: str, username=None, *, languages=()):
    """A staff user in one of the editorial groups (Editor, Translator, Publisher)."""
    user = make_user(username or unique(group.lower()))
    user.groups.add(Group.objects.get(name=group))
    if languages:
        StaffProfile.objects.create(user=user, languages=list(languages))
    return get_user_model().objects.get(pk=user.pk)


def make_country(code=None, name=None, **fields):
    code = code or f"X{chr(65 + next(_counter) % 26)}"
    return Country.objects.get_or_create(code=code, defaults={"name": name or f"Country {code}", **fields})[0]


def make_role(name=None, *, single=True, **fields):
    return Role.objects.create(name=name or unique("Role"), is_single_holder=single, **fields)


def make_person(name=None, **fields):
    name = name or unique("Person")
    fields.setdefault("slug", unique("person"))
    return Person.objects.create(name=name, **fields)


def appoint(person, role, started_on, ended_on=None):
    return Appointment.objects.create(person=person, role=role, started_on=started_on, ended_on=ended_on)


def make_topic(name=None, **fields):
    fields.setdefault("slug", unique("topic"))
    return Topic.objects.create(name=name or unique("Topic"), **fields)


def make_statement(*, occurred_on=datetime.date(2024, 3, 1), participants=(), topics=(), **fields):
    fields.setdefault("original_language", "en")
    statement = Statement.objects.create(occurred_on=occurred_on, **fields)
    for position, person in enumerate(participants):
        Participation.objects.create(statement=statement, person=person, position=position)
    statement.topics.set(topics)
    return statement


def make_version(statement=None, *, language="en", title=None, body="A paragraph.", actor=None, **fields):
    """A draft version with its first revision, made through the workflow."""
    statement = statement or make_statement()
    actor = actor or make_user(superuser=True)
    version = Translation(statement=statement, language=language)
    workflow.save_draft(
        translation=version,
        actor=actor,
        title=title or unique("Title"),
        standfirst=fields.pop("standfirst", ""),
        body=body,
        base_revision=0,
    )
    return version


def publish_directly(version, at=None):
    """Put a version live without the publishing workflow (which a later issue adds)."""
    at = at or timezone.now() - datetime.timedelta(minutes=1)
    Translation.objects.filter(pk=version.pk).update(
        status=Translation.Status.PUBLISHED, published_at=at, first_published_at=at, public_updated_at=at
    )
    version.refresh_from_db()
    return version


def review_and_publish(version, staff, **kwargs):
    """Submit as the editor, publish as the publisher (`staff` as in the conftest fixture)."""
    workflow.submit_for_review(translation=version, actor=staff["editor"])
    return workflow.publish(translation=version, actor=staff["publisher"], **kwargs)


def make_draft(actor, *, language="en", statement=None, **fields):
    """A draft version of a new statement with one participant (so it can be published)."""
    statement = statement or make_statement(participants=[make_person()])
    return make_version(statement, language=language, actor=actor, **fields)


# A version at each step, as conftest's `people` make it: "author" writes and submits,
# "other_publisher" publishes.


def authored_draft(people, **statement_fields):
    statement_fields.setdefault("participants", [make_person()])
    return make_version(make_statement(**statement_fields), actor=people["author"], body="One")


def authored_in_review(people):
    return workflow.submit_for_review(translation=authored_draft(people), actor=people["author"])


def authored_live(people):
    return workflow.publish(translation=authored_in_review(people), actor=people["other_publisher"])


def make_public(staff, *, title=None, language="en", statement=None, **statement_fields):
    """A public version, reviewed and published by `staff` (see the conftest fixture);
    the statement is new, with one participant, unless given."""
    if statement is None:
        statement_fields.setdefault("participants", [make_person()])
        statement = make_statement(**statement_fields)
    version = make_version(statement, language=language, title=title, actor=staff["editor"])
    return review_and_publish(version, staff)


def edit_text(version, actor, body, **kwargs):
    """A new revision with another body, keeping the newest title and standfirst."""
    latest = version.revisions.order_by("-number").first()
    return workflow.save_draft(
        translation=version,
        actor=actor,
        title=latest.title,
        standfirst=latest.standfirst,
        body=body,
        base_revision=latest.number,
        **kwargs,
    )


def publish_correction(version, staff, body, **kwargs):
    """Edit a public version's body as the editor, then review and publish the change."""
    edit_text(version, staff["editor"], body, **kwargs)
    return review_and_publish(version, staff)


def version_state(version):
    """A version's row, its revision count and the audit log's length: what a refused
    transition must leave unchanged."""
    version = Translation.objects.get(pk=version.pk)
    row = model_to_dict(version, exclude=["id"])
    row.update(status=version.status, published_at=version.published_at, updated_at=version.updated_at)
    row.update({f: getattr(version, f) for f in ("first_published_at", "public_updated_at", "change_history")})
    return row, Revision.objects.filter(translation=version).count(), AuditEntry.objects.count()


def database_state():
    """Every version, revision, preview link and statement (with topics), and the audit
    log's length: what a refused request must leave unchanged."""
    return (
        list(Translation.objects.order_by("pk").values()),
        list(Revision.objects.order_by("pk").values_list("pk", "number", "body")),
        list(PreviewLink.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(Statement.objects.order_by("pk").values_list("pk", "location", "kind")),
        sorted(Statement.topics.through.objects.values_list("statement_id", "topic_id")),
        AuditEntry.objects.count(),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def version_data(version, quotes=None, **overrides):
    """The admin's version form data for the newest text and its quotes (or `quotes`: a
    list of dicts of the inline's fields, with "id" for an existing quote), with `overrides`."""
    latest = version.revisions.order_by("-number").first()
    existing = list(latest.quotes.all()) if latest else []
    if quotes is None:
        quotes = [
            {"id": q.pk, "speaker": q.speaker_id, "words": q.words, "fidelity": q.fidelity, "role": q.role,
             "source": str(q.source or ""), "is_confirmed": "on" if q.is_confirmed else ""}
            for q in existing
        ]  # fmt: skip
    data = {
        "quotes-TOTAL_FORMS": str(len(quotes)),
        "quotes-INITIAL_FORMS": str(sum(1 for q in quotes if q.get("id"))),
        "quotes-MIN_NUM_FORMS": "0",
        "quotes-MAX_NUM_FORMS": "1000",
    }
    for number, quote in enumerate(quotes):
        for name, value in quote.items():
            if value not in (None, ""):
                data[f"quotes-{number}-{name}"] = str(value)
    data |= {
        "title": latest.title,
        "standfirst": latest.standfirst,
        "body": latest.body,
        "slug": version.slug,
        "change_note": "",
        "base_revision": str(latest.number),
    }
    data.update(overrides)
    return data
