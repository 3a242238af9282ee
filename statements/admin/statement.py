"""Statements, their language versions, and the revisions of those versions."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import languages, roles, workflow
from ..models import Participation, Revision, Statement, Translation
from ..workflow.checks import check_delete_draft, is_locked_for
from . import bulk
from .filters import (
    CountryListFilter,
    ForcePublishedListFilter,
    LanguageListFilter,
    OriginalLanguageListFilter,
    ParticipantListFilter,
    VersionStatusListFilter,
)
from .forms import StatementAddForm, StatementForm, TranslationForm
from .import_pages import ImportViews
from .per_language import PerLanguageAdmin
from .quotes import QuoteFormSet, QuoteInline, newest_quotes
from .read_only import ReadOnlyModelAdmin
from .views import TranslationViews

HISTORY_FIELDS = ["administration", "administration_by_hand", "political"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "part", "label", "position"]


class TranslationInline(admin.TabularInline):
    """The statement's language versions, each linking to its own page."""

    model = Translation
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ["language", "title", "state", "published_at"]
    readonly_fields = fields
    verbose_name_plural = _("language versions")

    @admin.display(description=_("status"))
    def state(self, obj):
        return obj.status_label()


@admin.register(Statement)
class StatementAdmin(PerLanguageAdmin, ImportViews, admin.ModelAdmin):
    per_language_fields = {"location_names": False}
    form = StatementForm
    add_form = StatementAddForm
    list_display = ["reference", "original_title", "kind", "occurred_on", "versions", "is_featured"]
    list_display_links = ["reference", "original_title"]
    list_filter = [
        "kind",
        VersionStatusListFilter,
        OriginalLanguageListFilter,
        ("participations__person", ParticipantListFilter),
        "countries",
        "topics",
        "administration",
        "is_featured",
    ]
    search_fields = ["reference", "translations__title", "location", "participations__person__name"]
    actions = [bulk.add_topic, bulk.export_csv]
    date_hierarchy = "occurred_on"
    autocomplete_fields = ["topics", "countries", "featured_image"]
    readonly_fields = ["reference", "content_id", "created_at", "updated_at", "add_version_links", "import_notes"]
    inlines = [ParticipationInline, TranslationInline]
    list_per_page = 50
    show_full_result_count = False
    change_list_template = "admin/statements/statement/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="statements_statement_import"),
            path(
                "<path:object_id>/translate/<str:language>/",
                wrap(self.start_translation_view),
                name="statements_statement_translate",
            ),
            *super().get_urls(),
        ]

    def start_translation_view(self, request, object_id, language):
        """Confirm, then start a translation from the original (workflow.start_translation)."""
        statement = self.get_object(request, unquote(object_id))
        if statement is None or language not in languages.enabled_codes():
            raise Http404
        if not self.has_view_permission(request, statement):
            raise PermissionDenied
        original = statement.translations.filter(language=statement.original_language).first()
        error = None
        if request.method == "POST" and original is not None:
            try:
                version = workflow.start_translation(
                    source=original, language=language, actor=request.user, prefill="prefill" in request.POST
                )
            except workflow.TransitionError as refusal:
                error = str(refusal)
            else:
                return HttpResponseRedirect(reverse("admin:statements_translation_translate", args=[version.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Start a translation"),
            "statement": statement,
            "original": original,
            "language": language,
            "error": error or ("" if original else _("The statement has no original version yet.")),
        }
        return TemplateResponse(request, "admin/statements/statement/start_translation.html", context)

    def get_queryset(self, request):
        original_title = Translation.objects.filter(
            statement=OuterRef("pk"), language=OuterRef("original_language")
        ).values("title")[:1]
        return (
            super()
            .get_queryset(request)
            .annotate(original_title=Subquery(original_title))
            .prefetch_related(
                Prefetch("translations", queryset=Translation.objects.only("statement_id", "language", "status"))
            )
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        event = ["kind", "occurred_on", "occurred_time", "location", "location_names", "original_language"]
        tags = ["topics", "countries", "featured_image", "is_featured"]
        if obj is None:
            return [
                (None, {"fields": event}),
                (_("Original text"), {"fields": ["title", "standfirst", "body"]}),
                (_("Tags and image"), {"fields": tags}),
            ]
        return [
            (None, {"fields": ["reference", *event]}),
            (_("Tags and image"), {"fields": tags}),
            (_("History mode"), {"fields": HISTORY_FIELDS, "classes": ["collapse"]}),
            (_("Language versions"), {"fields": ["add_version_links"]}),
            *([(_("Import notes"), {"fields": ["import_notes"]})] if obj.import_notes else []),
            (_("Record"), {"fields": ["content_id", "created_at", "updated_at"], "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The original language is fixed once its version exists; the history-mode
        # overrides are the publishers'.
        fixed = [*self.readonly_fields, "original_language"]
        return fixed if roles.is_publisher(request.user) else [*fixed, *HISTORY_FIELDS]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and request.user.has_perm("statements.add_translation")

    def get_changeform_initial_data(self, request):
        # The office's default language (the first of DJANGO_LANGUAGES), unless the link says otherwise.
        return {"original_language": languages.default_language(), **super().get_changeform_initial_data(request)}

    def response_add(self, request, obj, post_url_continue=None):
        """A new statement's next step is its original version: open it, where Submit
        for review is offered."""
        original = obj.translations.filter(language=obj.original_language).first()
        if original is None or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        messages.success(request, _("Statement %(ref)s created. Next: check the text, then submit it for review.") % {
            "ref": obj.reference
        })  # fmt: skip
        return HttpResponseRedirect(reverse("admin:statements_translation_change", args=[original.pk]))

    @admin.display(description=_("title"), ordering="original_title")
    def original_title(self, obj):
        return obj.original_title or "—"

    @admin.display(description=_("versions"))
    def versions(self, obj):
        return format_html_join(
            " ",
            '<span class="version-status status-{}" title="{}">{}</span>',
            ((v.status, v.status_label(), v.language) for v in obj.translations.all()),
        )

    @admin.display(description=_("add a version"))
    def add_version_links(self, obj):
        existing = {v.language for v in obj.translations.all()}
        missing = [code for code in languages.enabled_codes() if code not in existing]
        if not missing:
            return _("Every enabled language has a version.")
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            ((reverse("admin:statements_statement_translate", args=[obj.pk, code]), code) for code in missing),
        )

    def has_change_permission(self, request, obj=None):
        # Once a version is released (public or scheduled), the statement's metadata is the publishers' to change.
        if obj is not None and not roles.is_publisher(request.user) and workflow.statement_is_released(obj):
            return False
        if obj is not None and is_locked_for(obj, request.user):
            return False  # history mode: an ended administration's statements are the publishers'
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
        # A change is saved in save_related, through the workflow, with its relations.

    def save_related(self, request, form, formsets, change):
        if change:
            workflow.update_statement(
                statement=form.instance,
                actor=request.user,
                apply=lambda: (
                    form.instance.save(),
                    super(StatementAdmin, self).save_related(request, form, formsets, change),
                ),
            )
            return
        super().save_related(request, form, formsets, change)
        if not change:
            workflow.save_draft(
                translation=Translation(statement=form.instance, language=form.instance.original_language),
                actor=request.user,
                title=form.cleaned_data["title"],
                standfirst=form.cleaned_data["standfirst"],
                body=form.cleaned_data["body"],
                base_revision=0,
            )


@admin.register(Translation)
class TranslationAdmin(TranslationViews, admin.ModelAdmin):
    form = TranslationForm
    list_display = ["title", "language", "statement_reference", "state", "occurred_on", "updated_at"]
    list_select_related = ["statement"]
    list_filter = [
        "status",
        LanguageListFilter,
        ("statement__participations__person", ParticipantListFilter),
        ("statement__countries", CountryListFilter),
        "statement__kind",
        ForcePublishedListFilter,
    ]
    search_fields = ["title", "statement__reference", "statement__participations__person__name"]
    date_hierarchy = "occurred_on"
    autocomplete_fields = ["statement"]
    list_per_page = 50
    show_full_result_count = False
    change_form_template = "admin/statements/translation/change_form.html"
    change_list_template = "admin/statements/translation/change_list.html"
    actions = ["export_xliff", bulk.submit_for_review, bulk.delete_drafts]
    inlines = [QuoteInline]
    status_fields = [
        "status",
        "publication",
        "uuid",
        "first_published_at",
        "public_updated_at",
        "source_revision",
        "live_revision",
        "revision_history",
    ]

    def has_add_permission(self, request):
        return False  # one way to a new version: start_translation, from the statement

    def has_delete_permission(self, request, obj=None):
        """Never-published drafts, by whoever started them or a publisher, through
        `workflow.delete_draft` (audited); Django's own bulk delete is not offered."""
        if obj is None:
            return False
        try:
            check_delete_draft(translation=obj, actor=request.user)
        except workflow.TransitionError:
            return False
        return True

    def get_deleted_objects(self, objs, request):
        # Revisions, quotes and preview links go with their version: nothing else to ask.
        return [str(obj) for obj in objs], {}, set(), []

    def delete_model(self, request, obj):
        workflow.delete_draft(translation=obj, actor=request.user)

    def view_on_site(self, obj):
        """The public page once readers can see it; before that, the staff preview."""
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("admin:statements_translation_preview", args=[obj.pk])

    def add_view(self, request, form_url="", extra_context=None):
        """Old "add version" links lead to the one way: starting a translation from the
        statement's original, which records the revision it follows."""
        statement, language = request.GET.get("statement", ""), request.GET.get("language", "")
        if statement.isdigit() and language in languages.enabled_codes():
            return HttpResponseRedirect(reverse("admin:statements_statement_translate", args=[statement, language]))
        messages.info(request, _("A new language version starts from its statement: open it and choose the language."))
        return HttpResponseRedirect(reverse("admin:statements_statement_changelist"))

    def get_fieldsets(self, request, obj=None):
        # base_revision is a hidden field of the form, rendered by the template (no label row).
        text = ["title", "standfirst", "body", "slug", "change_note", "is_major"]
        if obj is None:
            return [(None, {"fields": ["statement", "language", *text]})]
        return [
            (None, {"fields": ["statement", "language", *text]}),
            (_("Publication"), {"fields": self.status_fields}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["statement", "language", *self.status_fields]
        # An address once public stays: feeds and links point at it.
        return [*fixed, "slug"] if obj.first_published_at else fixed

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.workflow_error = getattr(request, "_workflow_error", None)
        if "language" in form.base_fields and not request.user.has_perm("statements.edit_any_language"):
            mine = set(roles.translator_languages(request.user))
            field = form.base_fields["language"]
            field.choices = [(code, name) for code, name in languages.choices() if code in mine]
        return form

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return roles.may_edit_language(request.user, obj.language) and not is_locked_for(obj.statement, request.user)

    @admin.action(description=_("Export the selected translations as XLIFF (zip)"))
    def export_xliff(self, request, queryset):
        query = "&".join(f"id={pk}" for pk in queryset.values_list("pk", flat=True)[:500])
        return HttpResponseRedirect(f"{reverse('admin:statements_translation_xliff_many')}?{query}")

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        """The status, or "Scheduled" for a version released for a future time."""
        return obj.status_label()

    @admin.display(description=_("statement"), ordering="statement__reference")
    def statement_reference(self, obj):
        return obj.statement.reference

    @admin.display(description=_("publication"))
    def publication(self, obj):
        if obj.is_scheduled():
            when = timezone.localtime(obj.published_at)
            return format_html(
                _("Scheduled: will go live at {} ({})"), date_format(when, "DATETIME_FORMAT"), when.tzname()
            )
        if obj.published_at:
            return date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
        return _("Not published")

    @admin.display(description=_("revisions"))
    def revision_history(self, obj):
        url = reverse("admin:statements_translation_revisions", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a>', url, _("History and comparison (%(n)s revisions)") % {"n": obj.revisions.count()}
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.TransitionError as error:
            # The workflow refused the save (a save that raced this one, a permission):
            # show the form again with the editor's text and the reason.
            request._workflow_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_permission(request, obj):
            extra_context = {**(extra_context or {}), **self.workflow_context(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, QuoteInline):
            kwargs["queryset"] = newest_quotes(obj)
        return kwargs

    def save_model(self, request, obj, form, change):
        pass  # saved with its quotes in save_related, through the workflow

    def save_related(self, request, form, formsets, change):
        quotes = None
        for formset in formsets:
            if isinstance(formset, QuoteFormSet):
                quotes = formset.drafts()
            # Nothing is saved by the formsets; the change message reads these.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        obj = form.instance
        data = form.cleaned_data
        revision = workflow.save_draft(
            translation=obj,
            actor=request.user,
            title=data["title"],
            standfirst=data.get("standfirst", ""),
            body=data["body"],
            base_revision=data["base_revision"],
            change_note=data.get("change_note", ""),
            is_major=data.get("is_major", False),
            slug=data.get("slug"),
            quotes=quotes,
        )
        if change and obj.is_released:
            messages.info(
                request,
                _("Saved as revision %(n)s. Readers see the published text until it is reviewed and published.")
                % {"n": revision.number},
            )


@admin.register(Revision)
class RevisionAdmin(ReadOnlyModelAdmin):
    list_display = ["translation", "number", "author", "created_at", "is_major", "change_note"]
    list_select_related = ["translation", "author"]
    list_filter = ["is_major"]
    search_fields = ["title", "=translation__statement__reference"]
