"""Quotes in the admin: an inline on the version, saved with the text through
`workflow.save_draft` (never by the formset itself), so a quote change is a revision like
any other and goes through review."""

import uuid

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Quote, Revision, Translation
from ..workflow.quotes import QuoteDraft, paragraph_of


def _source_choices(version: Translation | None):
    """The quotes a translated quote may link to: the original version's newest ones."""
    if version is None or version.pk is None or version.is_original:
        return [("", "---------")]
    original = version.statement.translations.filter(language=version.statement.original_language).first()
    latest = original and original.revisions.order_by("-number").first()
    quotes = latest.quotes.select_related("speaker") if latest else []
    return [("", "---------"), *((str(q.uuid), f"{q.speaker.name}: “{q.words[:70]}”") for q in quotes)]


class QuoteForm(forms.ModelForm):
    source = forms.TypedChoiceField(
        label=gettext_lazy("translated from"), required=False, coerce=str, empty_value=None, choices=()
    )

    class Meta:
        model = Quote
        fields = ["speaker", "words", "fidelity", "role", "source", "is_confirmed"]
        widgets = {"words": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def clean(self):
        cleaned = super().clean()
        fidelity, source = cleaned.get("fidelity"), cleaned.get("source")
        if fidelity == Quote.Fidelity.TRANSLATION and not source:
            self.add_error("source", _("Choose the quote this translates, from the original's version."))
        if fidelity and fidelity != Quote.Fidelity.TRANSLATION and source:
            self.add_error("source", _("Only a quote of fidelity “translation” links to the quote it translates."))
        return cleaned


class QuoteFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        body = self.data.get("body", "")
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("is_confirmed"):
                continue
            words = data.get("words", "")
            if words.strip() and paragraph_of(words, body) is None:
                where = form.instance.paragraph if form.instance.pk else None
                message = _("The body does not contain these words.")
                if where:
                    message += " " + _("The quote stood in paragraph %(n)s.") % {"n": where}
                form.add_error("words", message + " " + _("Edit the words or delete the quote."))

    def drafts(self) -> list[QuoteDraft]:
        """The quotes as the editor left them, in order, for `workflow.save_draft`."""
        result = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or not data.get("speaker"):
                continue
            result.append(
                QuoteDraft(
                    speaker=data["speaker"],
                    words=data["words"],
                    fidelity=data["fidelity"],
                    role=data.get("role") or "",
                    source=uuid.UUID(data["source"]) if data.get("source") else None,
                    is_confirmed=bool(data.get("is_confirmed")),
                    uuid=form.instance.uuid if form.instance.pk else None,
                    paragraph=form.instance.paragraph if form.instance.pk else 0,
                )
            )
        return result


class QuoteInline(admin.StackedInline):
    """The newest revision's quotes. The words must stand in the body; a quote of a live
    version changes only through a major correction."""

    model = Quote
    form = QuoteForm
    formset = QuoteFormSet
    extra = 0
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "words", "fidelity", "role", "source", "is_confirmed"]
    verbose_name_plural = gettext_lazy("quotes")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["source"].choices = _source_choices(obj)
        return formset

    # Whoever may edit the version's text may edit its quotes (they are saved with it).
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("statements.view_translation")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("statements.change_translation")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("statements.change_translation")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("statements.change_translation")


def newest_quotes(version: Translation | None):
    """The queryset the inline edits: the quotes of the version's newest revision."""
    if version is None or version.pk is None:
        return Quote.objects.none()
    latest = Revision.objects.filter(translation=version).order_by("-number").values("pk")[:1]
    return Quote.objects.filter(revision_id__in=latest).select_related("speaker")
