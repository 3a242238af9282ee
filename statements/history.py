"""History mode: which administration a statement belongs to, whether it is political,
and the banner a political statement of an ended administration carries.

The rule, in DESIGN terms:

- A statement belongs to the administration in office on its meeting date
  (`Administration.started_on <= occurred_on <= ended_on`, an open end meaning in office),
  unless a publisher chose another (`Statement.administration_by_hand`).
- It is *political* when its kind is one of POLITICAL_KINDS (readout, speech, message,
  statement, interview: not a press release) and one of its participants held a
  government office (`Role.is_government_office`) on the meeting date. A publisher may
  override this either way (`Statement.political`).
- It carries the banner when it is political and its administration has ended (its last
  day is set). The banner is decided when the page or feed entry is rendered; closing an
  administration invalidates every cached page (statements/cachetags.py).
"""

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import Administration, Statement
from .models.statements import Political

POLITICAL_KINDS = {
    Statement.Kind.READOUT,
    Statement.Kind.SPEECH,
    Statement.Kind.MESSAGE,
    Statement.Kind.STATEMENT,
    Statement.Kind.INTERVIEW,
}


@transaction.atomic
def reassign() -> int:
    """Every statement not assigned by hand, to the administration of its meeting date
    (after administrations are added, moved or closed). Returns how many rows were written."""
    automatic = Statement.objects.filter(administration_by_hand=False)
    written = 0
    covered = Q()
    for administration in Administration.objects.all():
        dates = Q(occurred_on__gte=administration.started_on)
        if administration.ended_on is not None:
            dates &= Q(occurred_on__lte=administration.ended_on)
        covered |= dates
        written += automatic.filter(dates).exclude(administration=administration).update(administration=administration)
    outside = automatic.exclude(administration=None)
    if covered:
        outside = outside.exclude(covered)
    written += outside.update(administration=None)
    return written


def rule_says_political(statement: Statement, held_office: bool | None = None) -> bool:
    """`held_office`: the `with_history()` annotation when the caller has it; otherwise
    the participants' appointments are read (prefetched with titles: no query per row)."""
    if statement.kind not in POLITICAL_KINDS or statement.occurred_on is None:
        return False
    if held_office is not None:
        return held_office
    for participation in statement.participations.all():
        appointment = participation.person.appointment_on(statement.occurred_on)
        if appointment is not None and appointment.role.is_government_office:
            return True
    return False


def is_political(statement: Statement, held_office: bool | None = None) -> bool:
    if statement.political == Political.YES:
        return True
    if statement.political == Political.NO:
        return False
    return rule_says_political(statement, held_office)


def banner(version):
    """The ended administration a political statement (of this version) was made
    under, or None. Costs no query on a version loaded `with_history()`."""
    statement = version.statement
    administration = statement.administration if statement.administration_id else None
    if administration is None or not administration.has_ended:
        return None
    if not is_political(statement, getattr(version, "held_office", None)):
        return None
    return administration


def banner_text(administration, language: str) -> str:
    with override(language):
        return _("This was published under the %(name)s administration (%(start)s–%(end)s).") % {
            "name": administration.name_in(language),
            "start": date_format(administration.started_on, "DATE_FORMAT"),
            "end": date_format(administration.ended_on, "DATE_FORMAT"),
        }
