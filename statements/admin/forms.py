from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Statement, Translation
from ..slugs import make_slug

SLUG_HELP = _(
    "The last part of the address, in the version's own language. It follows the title until you change it, "
    "and is frozen once the version is first published."
)


def clean_slug(value: str | None) -> str:
    """A typed slug made readable in its script (spaces and zero-width non-joiners become
    hyphens); something with no letter or digit at all is an error, not an empty slug."""
    value = (value or "").strip()
    if value and not make_slug(value):
        raise forms.ValidationError(_("A slug needs at least one letter or digit."))
    return make_slug(value)


class StatementForm(forms.ModelForm):
    class Meta:
        model = Statement
        fields = [
            "kind", "occurred_on", "occurred_time", "location", "location_names", "original_language",
            "topics", "countries", "featured_image", "is_featured",
            "administration", "administration_by_hand", "political",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("administration_by_hand") and not cleaned.get("administration"):
            self.add_error("administration", _("Choose the administration, or let the meeting date decide."))
        return cleaned

    def clean_occurred_on(self):
        # A new meeting date moves every version's address: refuse it when a version
        # would then share its slug with another statement of that date.
        occurred_on = self.cleaned_data.get("occurred_on")
        if self.instance.pk and occurred_on != self.instance.occurred_on:
            for version in self.instance.translations.all():
                clash = (
                    Translation.objects.filter(language=version.language, occurred_on=occurred_on, slug=version.slug)
                    .exclude(statement=self.instance)
                    .exists()
                )
                if clash:
                    raise forms.ValidationError(
                        _(
                            "On that date another statement already uses the address “%(slug)s” in "
                            "%(language)s. Change the slug of one of them first."
                        )
                        % {"slug": version.slug, "language": version.language}
                    )
        return occurred_on


class StatementAddForm(StatementForm):
    """Creating a statement also drafts its original-language version."""

    title = forms.CharField(label=_("Title"), max_length=300)
    standfirst = forms.CharField(
        label=_("Standfirst"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=Translation._meta.get_field("standfirst").help_text,
    )
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=Translation._meta.get_field("body").help_text,
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("A version needs a body."))
        return body


class TranslationForm(forms.ModelForm):
    """The text of one version, saved through `workflow.save_draft`.

    `base_revision` carries the revision the editor started from. When someone else
    saved in between, the form shows their text beside the editor's (which is kept),
    and moves the base forward so a second save, after merging, goes through.
    """

    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
    slug = forms.CharField(
        label=_("slug"),
        required=False,
        max_length=200,
        help_text=SLUG_HELP,
    )
    change_note = forms.CharField(
        label=_("Change note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What changed and why. Shown to readers for a major change."),
    )
    is_major = forms.BooleanField(
        label=_("Major change"),
        required=False,
        help_text=_("A correction readers should know about; a typo fix is minor."),
    )

    workflow_error = None  # set by the admin when the workflow refused the last save
    conflict = None

    class Meta:
        model = Translation
        fields = ["statement", "language", "title", "standfirst", "body", "slug"]
        widgets = {
            "standfirst": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 24}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            latest = self.instance.revisions.order_by("-number").first()
            if latest:
                # The editor continues from the newest revision, which for a live
                # version may be pending changes not yet public.
                self.initial.update(title=latest.title, standfirst=latest.standfirst, body=latest.body)
                self.initial["base_revision"] = latest.number
            direction = self.instance.direction
            for name in ("title", "standfirst", "body"):
                if name in self.fields:
                    self.fields[name].widget.attrs.update(lang=self.instance.language, dir=direction)

    def clean_slug(self):
        return clean_slug(self.cleaned_data.get("slug"))

    def clean(self):
        cleaned = super().clean()
        if self.workflow_error is not None:
            self.report_conflict(getattr(self.workflow_error, "latest", None))
            raise forms.ValidationError(str(self.workflow_error))
        if self.instance.pk and "base_revision" in cleaned:
            latest = self.instance.revisions.order_by("-number").first()
            if latest and latest.number != cleaned["base_revision"]:
                self.report_conflict(latest)
                raise forms.ValidationError(
                    _(
                        "%(author)s saved a newer revision (%(number)s) after you opened this page. "
                        "Your text is kept below and theirs is shown above it: merge them and save again."
                    )
                    % {"author": latest.author or _("Someone"), "number": latest.number}
                )
        if cleaned.get("is_major") and not (cleaned.get("change_note") or "").strip():
            self.add_error("change_note", _("A major change needs a change note for readers."))
        return cleaned

    def report_conflict(self, latest):
        if latest is None:
            return
        self.conflict = latest
        self.data = self.data.copy()
        self.data[self.add_prefix("base_revision")] = latest.number
