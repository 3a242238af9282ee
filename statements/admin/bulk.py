"""Bulk actions on the statement and version lists, each through the workflow one row
at a time: a refused row is named with its reason and the others go through."""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import workflow
from ..models import Topic, Translation


def _report(request, done: int, refused: list[str], verb_done: str):
    if done:
        messages.success(request, verb_done % {"count": done})
    for line in refused[:20]:
        messages.error(request, line)
    if len(refused) > 20:
        messages.error(request, _("…and %(count)s more refused.") % {"count": len(refused) - 20})


def _each(request, rows, run, done_message):
    """Run `run(row)` (a workflow call) for each row; report what went through and, by
    name, what was refused and why."""
    done, refused = 0, []
    for row in rows:
        try:
            run(row)
        except workflow.TransitionError as refusal:
            refused.append(f"{row}: {refusal}")
        else:
            done += 1
    _report(request, done, refused, done_message(done))


@admin.action(description=_("Submit the selected versions for review"))
def submit_for_review(modeladmin, request, queryset):
    _each(
        request,
        queryset.select_related("statement"),
        lambda version: workflow.submit_for_review(translation=version, actor=request.user),
        lambda n: ngettext("%(count)s version submitted for review.", "%(count)s versions submitted for review.", n),
    )


@admin.action(description=_("Delete the selected never-published drafts"))
def delete_drafts(modeladmin, request, queryset):
    _each(
        request,
        queryset.select_related("statement"),
        lambda version: workflow.delete_draft(translation=version, actor=request.user),
        lambda n: ngettext("%(count)s draft deleted.", "%(count)s drafts deleted.", n),
    )


class TopicChoiceForm(forms.Form):
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.order_by("name"))


@admin.action(description=_("Add a topic to the selected statements"))
def add_topic(modeladmin, request, queryset):
    """A confirmation page with the topic to add; each statement changes through
    `workflow.update_statement` (audited; publishers only once a version is released)."""
    form = TopicChoiceForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        topic = form.cleaned_data["topic"]
        _each(
            request,
            queryset,
            lambda statement: workflow.update_statement(
                statement=statement, actor=request.user, apply=lambda: statement.topics.add(topic)
            ),
            lambda n: ngettext("Topic added to %(count)s statement.", "Topic added to %(count)s statements.", n),
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": _("Add a topic"),
        "form": form,
        "statements": queryset,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/statements/statement/add_topic.html", context)


@admin.action(description=_("Export the selected statements (CSV)"))
def export_csv(modeladmin, request, queryset):
    """Reference, date, kind, place, participants, topics, countries, and each language's
    title and state: one row per statement, for a spreadsheet."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="statements.csv"'
    response.write("\ufeff")  # spreadsheets then read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        ["reference", "occurred_on", "kind", "location", "participants", "topics", "countries", "versions"]
    )
    rows = queryset.prefetch_related("participations__person", "topics", "countries", "translations").order_by(
        "occurred_on", "reference"
    )
    for statement in rows:
        versions = "; ".join(
            f"{v.language}: {v.title} ({v.status_label()})"
            for v in sorted(statement.translations.all(), key=_language)
        )
        cells = [
            statement.reference,
            statement.occurred_on.isoformat() if statement.occurred_on else "",
            statement.kind,
            statement.location,
            "; ".join(p.person.name for p in statement.participations.all()),
            "; ".join(t.name for t in statement.topics.all()),
            "; ".join(c.code for c in statement.countries.all()),
            versions,
        ]
        writer.writerow([_safe(cell) for cell in cells])
    return response


def _language(version: Translation) -> str:
    return version.language


def _safe(cell: str) -> str:
    """A cell a spreadsheet would run as a formula is written as text."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell
