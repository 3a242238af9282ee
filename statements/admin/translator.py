"""The translator's admin views: side-by-side editing, the status matrix, XLIFF."""

from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import languages, machine_translation, translating, workflow, xliff
from ..models import Statement, Translation, scheduled_q
from ..revisions import diff_revisions
from ..workflow.text import PLACEHOLDER
from .forms import SLUG_HELP, clean_slug

IMPORT_SALT = "statements.xliff-import"


class SideBySideForm(forms.Form):
    title = forms.CharField(max_length=300)
    standfirst = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    slug = forms.CharField(label=_("Slug"), required=False, max_length=200, help_text=SLUG_HELP)
    base_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, rows, direction, language, frozen_slug=False, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = {"dir": direction, "lang": language}
        self.fields["title"].widget.attrs.update(attrs)
        self.fields["standfirst"].widget.attrs.update(attrs)
        self.fields["slug"].widget.attrs.update(attrs)
        if frozen_slug:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("Frozen since the version was first published: links point at it.")
        for row in rows:
            self.fields[f"p{row['index']}"] = forms.CharField(
                required=False,
                label=_("Paragraph %(n)s") % {"n": row["index"] + 1},
                widget=forms.Textarea(attrs={"rows": 4, **attrs}),
            )

    def clean_slug(self):
        return clean_slug(self.cleaned_data.get("slug"))

    def body(self) -> str:
        values = [self.cleaned_data[name].strip() for name in self.fields if name.startswith("p")]
        return "\n\n".join(value for value in values if value)


class XliffUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("XLIFF file"))


class TranslatorViews:
    """Mixed into TranslationAdmin (through TranslationViews)."""

    # Side by side -------------------------------------------------------------------

    def translate_view(self, request, object_id):
        version = self._version(request, object_id)
        alignment = translating.align(version)
        if alignment is None:
            messages.info(request, _("This is the original: edit it on its own page."))
            return HttpResponseRedirect(reverse("admin:statements_translation_change", args=[version.pk]))
        rows = list(alignment.rows())
        latest = alignment.target
        initial = {
            "title": latest.title if latest else "",
            "standfirst": latest.standfirst if latest else "",
            "base_revision": latest.number if latest else 0,
            "slug": version.slug,
            **{f"p{row['index']}": row["target"] for row in rows},
        }
        form_kwargs = {
            "rows": rows,
            "direction": version.direction,
            "language": version.language,
            "frozen_slug": version.first_published_at is not None,
        }
        conflict = None
        if request.method == "POST":
            if not self.has_change_permission(request, version):
                raise PermissionDenied
            form = SideBySideForm(request.POST, initial=initial, **form_kwargs)
            if "suggest" in request.POST or "suggest_all" in request.POST:
                form = self._suggest(request, version, alignment, rows, form_kwargs)
            elif form.is_valid():
                try:
                    saved = workflow.save_draft(
                        translation=version,
                        actor=request.user,
                        title=form.cleaned_data["title"],
                        standfirst=form.cleaned_data["standfirst"],
                        body=form.body(),
                        base_revision=form.cleaned_data["base_revision"],
                        slug=form.cleaned_data["slug"],
                    )
                    if "submit" in request.POST:
                        try:
                            workflow.submit_for_review(translation=version, actor=request.user)
                        except workflow.TransitionError as refusal:
                            # The text is saved; only the submission is refused. The form
                            # continues from the saved revision.
                            form.data = form.data.copy()
                            form.data["base_revision"] = saved.number
                            raise workflow.TransitionError(
                                _("Saved as revision %(number)s, but not sent for review: %(why)s")
                                % {"number": saved.number, "why": refusal}
                            ) from refusal
                        messages.success(request, _("Saved and sent for review."))
                    else:
                        messages.success(request, _("Translation saved."))
                    return HttpResponseRedirect(reverse("admin:statements_translation_translate", args=[version.pk]))
                except workflow.ConflictError as error:
                    conflict = error.latest
                    form.add_error(None, str(error))
                    form.data = form.data.copy()
                    form.data["base_revision"] = conflict.number
                except workflow.TransitionError as error:
                    form.add_error(None, str(error))
        else:
            form = SideBySideForm(initial=initial, **form_kwargs)
        suggested = set(version.machine_suggestions.values_list("digest", flat=True))
        paired = [
            (
                row,
                form[f"p{row['index']}"],
                machine_translation.digest(form[f"p{row['index']}"].value() or "") in suggested,
            )
            for row in rows
        ]
        context = self._context(
            request,
            version,
            alignment=alignment,
            form=form,
            paired=paired,
            conflict=conflict,
            source_direction=languages.direction(alignment.original.language),
            may_change=self.has_change_permission(request, version),
            may_suggest=machine_translation.is_available(alignment.original.language, version.language),
            actions=workflow.available_actions(version, request.user),
        )
        return TemplateResponse(request, "admin/statements/translation/side_by_side.html", context)

    def _suggest(self, request, version, alignment, rows, form_kwargs):
        """Machine-translation suggestions put into the form, not saved: for one paragraph
        (`suggest`: its index), or for every paragraph still empty or a copy of the source
        (`suggest_all`). On any failure the translator's text stays exactly as posted."""
        data = request.POST.copy()
        if "suggest_all" in request.POST:
            # Untranslated: empty, a copy of the source, or start_translation's placeholder.
            untouched = {"", PLACEHOLDER, _(PLACEHOLDER)}
            wanted = {
                row["index"]: row["source"]
                for row in rows
                if data.get(f"p{row['index']}", "").strip() in untouched | {row["source"].strip()}
            }
        else:
            try:
                row = rows[int(request.POST["suggest"])]
            except (ValueError, IndexError):
                row = None
            wanted = {row["index"]: row["source"]} if row else {}
        error = None
        if not wanted:
            error = _("Every paragraph already has your text: ask for one paragraph's suggestion instead.")
        else:
            try:
                found = machine_translation.suggest(
                    version=version, source_language=alignment.original.language, paragraphs=wanted, actor=request.user
                )
            except machine_translation.MachineTranslationError as refusal:
                error = _("No suggestion: %(why)s Your text is unchanged.") % {"why": refusal}
            else:
                for suggestion in found:
                    data[f"p{suggestion.index}"] = suggestion.text
        form = SideBySideForm(data, **form_kwargs)
        if error:
            form.add_error(None, error)
        return form

    # Status matrix ------------------------------------------------------------------

    # A cell's state: the version's status, "scheduled" (a published version not yet
    # public), "outdated" (a translation behind its original) or "missing".
    MATRIX_STATES = ["missing", *Translation.Status.values, "scheduled", "outdated"]

    def matrix_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        codes = languages.enabled_codes()
        statements = Statement.objects.order_by("-occurred_on", "-pk")
        query = request.GET.get("q", "").strip()[:100]
        if query:
            statements = statements.filter(Q(reference__icontains=query) | Q(translations__title__icontains=query))
        state, language = request.GET.get("state", ""), request.GET.get("language", "")
        if state in self.MATRIX_STATES and language in codes:
            statements = statements.filter(pk__in=_statements_in_state(state, language))
        versions = Translation.objects.with_outdated().only(
            "statement_id", "language", "status", "first_published_at", "published_at", "source_revision"
        )
        page = Paginator(statements.distinct().prefetch_related(Prefetch("translations", queryset=versions)), 50)
        try:
            current = page.page(request.GET.get("page") or 1)
        except (EmptyPage, PageNotAnInteger) as error:
            raise Http404(_("No such page.")) from error
        now = timezone.now()
        rows = [{"statement": statement, "cells": _cells(statement, codes, now)} for statement in current.object_list]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Translation status"),
            "codes": codes,
            "rows": rows,
            "page_obj": current,
            "states": self.MATRIX_STATES,
            "query": query,
            "state": state,
            "language": language,
        }
        return TemplateResponse(request, "admin/statements/translation/matrix.html", context)

    # XLIFF ----------------------------------------------------------------------------

    def xliff_export_view(self, request, object_id):
        version = self._version(request, object_id)
        original = translating.original_of(version)
        if original is None or original.pk == version.pk:
            raise Http404(_("The original is not exported for translation."))
        return _download(
            xliff.export(version, translating.newest_source(original), version.latest_revision()),
            _xliff_name(version),
            "application/x-xliff+xml",
        )

    def xliff_export_many_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids = [value for value in request.GET.getlist("id") if value.isdigit()][:500]
        items = []
        for version in self.get_queryset(request).filter(pk__in=ids).select_related("statement"):
            original = translating.original_of(version)
            if original is None or original.pk == version.pk or not self.has_view_permission(request, version):
                continue
            document = xliff.export(version, translating.newest_source(original), version.latest_revision())
            items.append((_xliff_name(version), document))
        if not items:
            messages.error(request, _("None of the chosen versions is a translation you may export."))
            return HttpResponseRedirect(reverse("admin:statements_translation_changelist"))
        return _download(xliff.export_many(items), "translations.zip", "application/zip")

    def xliff_import_view(self, request, object_id):
        version = self._version(request, object_id, change=True)
        context = self._context(request, version)
        if request.method == "POST" and "payload" in request.POST:
            return self._xliff_confirm(request, version)
        form = XliffUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(request_limit() + 1)
            imported = xliff.parse(data, version)
            if imported.errors:
                context.update(form=form, errors=imported.errors)
                return TemplateResponse(request, "admin/statements/translation/xliff_import.html", context, status=400)
            latest = version.latest_revision()
            proposed = SimpleNamespace(title=imported.title, standfirst=imported.standfirst, body=imported.body)
            payload = signing.dumps(
                {"t": imported.title, "s": imported.standfirst, "b": imported.body, "r": imported.base_revision},
                salt=IMPORT_SALT,
                compress=True,
            )
            context.update(diff=diff_revisions(latest, proposed), payload=payload, form=None)
            return TemplateResponse(request, "admin/statements/translation/xliff_import.html", context)
        context.update(form=form)
        return TemplateResponse(request, "admin/statements/translation/xliff_import.html", context)

    def _xliff_confirm(self, request, version):
        try:
            payload = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=3600)
            workflow.save_draft(
                translation=version,
                actor=request.user,
                title=payload["t"],
                standfirst=payload["s"],
                body=payload["b"],
                base_revision=payload["r"],
                change_note=_("Imported from XLIFF"),
            )
        except signing.BadSignature:
            messages.error(request, _("The import expired or was altered; upload the file again."))
        except workflow.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The translation was imported as a new revision."))
        return HttpResponseRedirect(reverse("admin:statements_translation_translate", args=[version.pk]))


def request_limit() -> int:
    return settings.PRESSOFFICE_XLIFF_MAX_BYTES


def _xliff_name(version) -> str:
    return f"{version.statement.reference}-{version.statement.original_language}-{version.language}.xlf"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _state(version, now) -> str:
    if version.is_scheduled(now):
        return "scheduled"
    if version.is_outdated:
        return "outdated"
    return version.status


def _cells(statement, codes, now):
    by_language = {version.language: version for version in statement.translations.all()}
    cells = []
    for code in codes:
        version = by_language.get(code)
        cells.append(
            {
                "language": code,
                "version": version,
                "state": _state(version, now) if version else "missing",
                "is_original": code == statement.original_language,
            }
        )
    return cells


def _statements_in_state(state: str, language: str):
    versions = Translation.objects.filter(language=language)
    now = timezone.now()
    if state == "missing":  # the matrix's own states first, then the stored ones
        return Statement.objects.exclude(translations__language=language).values("pk")
    if state == "outdated":
        return versions.outdated().values("statement_id")
    if state == "scheduled":
        return versions.scheduled(now).values("statement_id")
    if state == Translation.Status.PUBLISHED:
        versions = versions.exclude(scheduled_q(now))
    return versions.filter(status=state).values("statement_id")
