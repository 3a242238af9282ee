"""The admin's "Import readouts" page: paste or upload, check every detected field,
then create drafts (never published)."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import languages
from ..importer import saving
from ..models import Person, Quote, Statement, Topic
from ..workflow.quotes import paragraph_of

PAYLOAD_SALT = "statements.import-readouts"
MAX_FILES = 20
MAX_QUOTES = 30  # proposed quotes shown per readout


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class SourceForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Paste a readout"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        help_text=gettext_lazy("Office line, title, standfirst, then paragraphs separated by blank lines."),
    )
    files = MultipleFileField(label=gettext_lazy("Or upload text files"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("files"):
            raise forms.ValidationError(_("Paste a readout or choose at least one file."))
        if len(data.get("files") or []) > MAX_FILES:
            raise forms.ValidationError(_("At most %(n)s files at a time.") % {"n": MAX_FILES})
        return data


class ConfirmForm(forms.Form):
    """One detected readout, every field editable before the draft is created."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    standfirst = forms.CharField(label=gettext_lazy("Standfirst"), required=False, max_length=1000)
    body = forms.CharField(label=gettext_lazy("Body"), widget=forms.Textarea(attrs={"rows": 12}))
    occurred_on = forms.DateField(label=gettext_lazy("Meeting date"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=languages.choices)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Statement.Kind.choices)
    participants = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Participants"), queryset=Person.objects.all(), required=False
    )
    topics = forms.ModelMultipleChoiceField(label=gettext_lazy("Topics"), queryset=Topic.objects.all(), required=False)
    payload = forms.CharField(widget=forms.HiddenInput)
    quote_count = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MAX_QUOTES, initial=0, required=False
    )

    def __init__(self, *args, admin_site=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("participants", "topics"):
            widget = AutocompleteSelectMultiple(Statement._meta.get_field(name), admin_site)
            widget.choices = self.fields[name].choices
            self.fields[name].widget = widget
        self.quote_numbers = range(self._quote_count())
        speaker_widget = AutocompleteSelect(Quote._meta.get_field("speaker"), admin_site)
        for number in self.quote_numbers:
            label = _("Quote %(n)s") % {"n": number + 1}
            self.fields[f"quote_{number}_keep"] = forms.BooleanField(
                label=_("%(quote)s: keep as a confirmed quote") % {"quote": label}, required=False, initial=True
            )
            self.fields[f"quote_{number}_speaker"] = forms.ModelChoiceField(
                label=_("%(quote)s: speaker") % {"quote": label},
                queryset=Person.objects.all(),
                required=False,
                widget=speaker_widget,
            )
            self.fields[f"quote_{number}_words"] = forms.CharField(
                label=_("%(quote)s: words") % {"quote": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"quote_{number}_fidelity"] = forms.ChoiceField(
                label=_("%(quote)s: fidelity") % {"quote": label}, choices=Quote.Fidelity.choices
            )

    def _quote_count(self) -> int:
        raw = self.data.get(self.add_prefix("quote_count")) if self.is_bound else self.initial.get("quote_count")
        try:
            return max(0, min(int(raw or 0), MAX_QUOTES))
        except (TypeError, ValueError):
            return 0

    def quote_rows(self):
        """The quote fields of each proposed quote, for the template."""
        return [
            [self[f"quote_{number}_{name}"] for name in ("keep", "speaker", "words", "fidelity")]
            for number in self.quote_numbers
        ]

    def clean(self):
        cleaned = super().clean()
        body = cleaned.get("body") or ""
        kept = []
        for number in self.quote_numbers:
            if not cleaned.get(f"quote_{number}_keep"):
                continue
            speaker, words = cleaned.get(f"quote_{number}_speaker"), (cleaned.get(f"quote_{number}_words") or "")
            if speaker is None:
                self.add_error(f"quote_{number}_speaker", _("Choose who said it, or untick the quote."))
            if not words.strip():
                self.add_error(f"quote_{number}_words", _("A quote needs its words, or untick it."))
            elif paragraph_of(words, body) is None:
                self.add_error(f"quote_{number}_words", _("The body does not contain these words."))
            kept.append(
                {"speaker": speaker.slug if speaker else "", "words": words.strip(),
                 "fidelity": cleaned.get(f"quote_{number}_fidelity"), "confirmed": True}
            )  # fmt: skip
        cleaned["quotes"] = kept
        return cleaned

    def clean_payload(self):
        try:
            return signing.loads(self.cleaned_data["payload"], salt=PAYLOAD_SALT, max_age=6 * 3600)
        except signing.BadSignature as error:
            raise forms.ValidationError(_("This import expired or was altered; start again.")) from error


class BaseConfirmFormSet(forms.BaseFormSet):
    pass


ConfirmFormSet = forms.formset_factory(ConfirmForm, formset=BaseConfirmFormSet, extra=0, max_num=MAX_FILES)


class ImportViews:
    """Mixed into StatementAdmin."""

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": _("Import readouts")}
        formset_kwargs = {"form_kwargs": {"admin_site": self.admin_site}, "prefix": "readout"}
        if request.method == "POST" and "readout-TOTAL_FORMS" in request.POST:
            formset = ConfirmFormSet(request.POST, **formset_kwargs)
            if formset.is_valid():
                outcomes = [self._create(request, form.cleaned_data) for form in formset]
                context.update(outcomes=outcomes)
                return TemplateResponse(request, "admin/statements/statement/import_done.html", context)
            context.update(formset=formset, media=self.media + formset.media)
            return TemplateResponse(request, "admin/statements/statement/import_confirm.html", context)
        source = SourceForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and source.is_valid():
            parsed, failed = self._parse_all(source.cleaned_data)
            if parsed:
                formset = ConfirmFormSet(initial=[self._initial(o) for o in parsed], **formset_kwargs)
                context.update(formset=formset, failed=failed, media=self.media + formset.media)
                return TemplateResponse(request, "admin/statements/statement/import_confirm.html", context)
            context.update(failed=failed)
        context.update(source=source)
        return TemplateResponse(request, "admin/statements/statement/import.html", context)

    def _parse_all(self, data):
        known = saving.directory()
        sources = []
        if data.get("text", "").strip():
            sources.append((_("pasted text"), data["text"]))
        for upload in data.get("files") or []:
            content = upload.read(1_000_001)
            sources.append((upload.name, content))
        parsed, failed = [], []
        for name, content in sources:
            outcome = saving.prepare(content, source=str(name), known=known)
            (parsed if outcome.is_parsed else failed).append(outcome)
        return parsed, failed

    def _initial(self, outcome):
        readout = outcome.parsed
        payload = {
            "hash": readout.content_hash,
            "notes": saving.notes(readout, outcome.source),
            "source": outcome.source,
            "parts": {m.key: m.part for m in readout.participants},
        }
        return {
            "title": readout.title,
            "standfirst": readout.standfirst,
            "body": readout.body,
            "occurred_on": readout.meeting_date,
            "language": readout.language,
            "kind": Statement.Kind.READOUT,
            "participants": list(Person.objects.filter(slug__in=[m.key for m in readout.participants])),
            "topics": list(Topic.objects.filter(slug__in=readout.topics)),
            "payload": signing.dumps(payload, salt=PAYLOAD_SALT, compress=True),
            "detected": outcome,
            **self._quote_initial(readout),
        }

    @staticmethod
    def _quote_initial(readout) -> dict:
        """The importer's proposed quotes, as fields the editor confirms or corrects."""
        proposed = readout.quotes[:MAX_QUOTES]
        people = Person.objects.in_bulk([q.speaker for q in proposed if q.speaker], field_name="slug")
        initial = {"quote_count": len(proposed)}
        for number, quote in enumerate(proposed):
            initial |= {
                f"quote_{number}_keep": quote.speaker in people,
                f"quote_{number}_speaker": people.get(quote.speaker),
                f"quote_{number}_words": quote.text,
                f"quote_{number}_fidelity": quote.fidelity,
            }
        return initial

    def _create(self, request, data):
        payload = data["payload"]
        parts = payload.get("parts", {})
        fields = {
            "title": data["title"],
            "standfirst": data["standfirst"],
            "body": data["body"],
            "occurred_on": data["occurred_on"],
            "language": data["language"],
            "kind": data["kind"],
            "participants": [(p.slug, parts.get(p.slug, "guest")) for p in data["participants"]],
            "topics": [t.slug for t in data["topics"]],
            "quotes": data["quotes"],
        }
        return saving.create(
            content_hash=payload["hash"],
            notes_text=payload["notes"],
            fields=fields,
            source=payload["source"],
            actor=request.user,
        )
