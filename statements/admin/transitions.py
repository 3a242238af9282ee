"""The workflow buttons of a version's admin page: one confirmation form each."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .. import workflow
from ..models import Translation
from ..revisions import diff_revisions
from ..workflow import quotes as quote_rules
from ..workflow.checks import overtaken


class ConfirmForm(forms.Form):
    pass


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


ISO_INPUTS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def in_words(moment) -> str:
    """A time as the publisher should read it back before confirming: weekday, day,
    month in letters, year, 24-hour time, the office's zone and its UTC offset."""
    local = timezone.localtime(moment)
    offset = local.strftime("%z")
    return _("%(day)s at %(time)s, %(zone)s time (UTC%(offset)s)") % {
        "day": date_format(local, "l j F Y"),
        "time": local.strftime("%H:%M"),
        "zone": settings.TIME_ZONE,
        "offset": f"{offset[:3]}:{offset[3:]}",
    }


SCHEDULE_HELP = _(
    "Leave empty to publish now. Year-month-day and 24-hour time, in the office's time zone, %(zone)s; "
    "you are asked to confirm the time in words."
)


class PublishForm(forms.Form):
    at = forms.DateTimeField(
        required=False,
        input_formats=ISO_INPUTS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "invalid": _("Enter the date and time as year-month-day and hours:minutes, e.g. 2027-01-04 09:00.")
        },
    )
    # The time the publisher confirmed in words: a different time asks again.
    confirmed_at = forms.CharField(widget=forms.HiddenInput, required=False)
    major = forms.BooleanField(label=_("Major change"), required=False)
    change_note = forms.CharField(
        label=_("Change note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to readers for a major change."),
    )

    reviewed_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, translation, **kwargs):
        super().__init__(*args, **kwargs)
        zone = {"zone": settings.TIME_ZONE}  # read now: the zone is the deployment's setting
        self.fields["at"].label = _("Publish at (%(zone)s)") % zone
        self.fields["at"].help_text = SCHEDULE_HELP % zone
        revision = translation.submitted_revision
        # The revision shown on this screen: publishing refuses if another is submitted meanwhile.
        self.fields["reviewed_revision"].initial = revision.number if revision else None
        if translation.first_published_at is None:
            # A first publication: nothing to correct, but it may be scheduled.
            del self.fields["major"], self.fields["change_note"]
        else:
            del self.fields["at"]
            self.fields["major"].initial = revision.is_major if revision else False
            self.fields["change_note"].initial = revision.change_note if revision else ""
            found = quote_rules.changes(translation.live_revision, revision) if revision else []
            if found:
                # Quotes are records: each change is confirmed here, before and after in view.
                lines = quote_rules.history_lines(found, translation.language)
                self.fields["major"].initial = True
                self.fields["confirmed_quotes"] = forms.MultipleChoiceField(
                    label=_("Quote changes"),
                    choices=[(str(change.uuid), line) for change, line in zip(found, lines, strict=True)],
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_(
                        "Tick each change to confirm it. They are published as a major correction, and each "
                        "appears in the public change history as shown."
                    ),
                    error_messages={"required": _("Confirm each change to a quote before publishing.")},
                )

    def clean(self):
        data = super().clean()
        at = data.get("at")
        if at is not None and data.get("confirmed_at") != at.isoformat():
            # Asked once more, with the time in words; the next press confirms it.
            self.data = self.data.copy()
            self.data["confirmed_at"] = at.isoformat()
            self.confirmation = in_words(at)
            raise forms.ValidationError(
                _("Check the time: this version goes live on %(when)s. Press “Publish” again to confirm it."),
                code="confirm",
                params={"when": self.confirmation},
            )
        return data


class WithdrawForm(forms.Form):
    explanation = forms.CharField(
        label=_("Public explanation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to readers at the top of the statement."),
    )


class RestoreForm(forms.Form):
    note = forms.CharField(
        label=_("Note for readers"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the statement's change history, for example why it is back."),
    )


class UnpublishForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=Translation.UnpublishReason.choices)
    redirect_url = forms.CharField(
        label=_("Consolidated into"),
        required=False,
        max_length=Translation._meta.get_field("redirect_url").max_length,
        help_text=_("For a consolidated statement: the address readers are sent to (/en/statements/…)."),
    )
    explanation = forms.CharField(label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        # The workflow's own rule for the address, shown beside the field (the workflow
        # checks it again).
        data = super().clean()
        if data.get("reason") == Translation.UnpublishReason.CONSOLIDATED and "redirect_url" in data:
            try:
                data["redirect_url"] = workflow.check_redirect(data["redirect_url"])
            except workflow.TransitionError as refusal:
                self.add_error("redirect_url", str(refusal))
        return data


@dataclass(frozen=True)
class Action:
    label: str
    confirm: str
    form: type[forms.Form]
    run: object
    is_danger: bool = False


def _run_publish(translation, actor, data):
    return workflow.publish(
        translation=translation,
        actor=actor,
        at=data.get("at"),
        major=data.get("major") if "major" in data else None,
        change_note=data.get("change_note", ""),
        confirmed_quotes=data.get("confirmed_quotes", ()),
        reviewed_revision=data.get("reviewed_revision"),
    )


ACTIONS = {
    "submit_for_review": Action(
        _("Submit for review"),
        _("Send this version to the publishers for review?"),
        ConfirmForm,
        lambda t, a, d: workflow.submit_for_review(translation=t, actor=a),
    ),
    "publish": Action(_("Publish"), _("Publish this version?"), PublishForm, _run_publish),
    "reject": Action(
        _("Send back"),
        _("Send this version back to its author with a remark?"),
        ReasonForm,
        lambda t, a, d: workflow.reject(translation=t, actor=a, reason=d["reason"]),
    ),
    "unschedule": Action(
        _("Unschedule"),
        _("Cancel the scheduled publication and return the version to review?"),
        ConfirmForm,
        lambda t, a, d: workflow.unschedule(translation=t, actor=a),
    ),
    "force_publish": Action(
        _("Force publish"),
        _("Publish now, without review? This is recorded and stays flagged until another publisher approves it."),
        ReasonForm,
        lambda t, a, d: workflow.force_publish(translation=t, actor=a, reason=d["reason"]),
        is_danger=True,
    ),
    "approve_retrospectively": Action(
        _("Approve"),
        _("Approve this force-published version after the fact?"),
        ConfirmForm,
        lambda t, a, d: workflow.approve_retrospectively(translation=t, actor=a),
    ),
    "withdraw": Action(
        _("Withdraw"),
        _("Withdraw this version? It stays readable with your explanation on top."),
        WithdrawForm,
        lambda t, a, d: workflow.withdraw(translation=t, actor=a, explanation=d["explanation"]),
        is_danger=True,
    ),
    "unpublish": Action(
        _("Unpublish"),
        _("Take this version off the site? Readers get “gone”, or are redirected when consolidated."),
        UnpublishForm,
        lambda t, a, d: workflow.unpublish(
            translation=t, actor=a, reason=d["reason"], explanation=d["explanation"], redirect_url=d["redirect_url"]
        ),
        is_danger=True,
    ),
    "restore": Action(
        _("Restore"),
        _("Put this version back on the site as published? It goes to the top of the feeds as a new edition."),
        RestoreForm,
        lambda t, a, d: workflow.restore(translation=t, actor=a, note=d["note"]),
    ),
    "mark_translation_current": Action(
        _("Mark as current"),
        _("Mark this translation as up to date with the newest original?"),
        ConfirmForm,
        lambda t, a, d: workflow.mark_translation_current(translation=t, actor=a),
    ),
}


def make_form(name, translation, data=None):
    form_class = ACTIONS[name].form
    if form_class is PublishForm:
        return form_class(data, translation=translation)
    return form_class(data)


def publish_context(translation) -> dict:
    """What the publish screen shows: the revision that goes live, its difference from
    the live text, and the refusal (with the way on) when a newer revision was saved."""
    reviewed = translation.submitted_revision
    if reviewed is None:
        return {}
    live = translation.live_revision
    diff = diff_revisions(live or _NOTHING, reviewed)
    return {"reviewed": reviewed, "live": live, "diff": diff, "newer": overtaken(translation)}


class _Nothing:
    title = standfirst = body = ""


_NOTHING = _Nothing()
