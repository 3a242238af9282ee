"""The version page's own views: workflow confirmations, revision history and
comparison, restore, staff preview and preview links.

Each view loads the version through the ModelAdmin (so its permissions apply), checks
the user's permission on that object, and reaches revisions only through that version,
so an id from another version answers 404.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import presence, previews, workflow
from ..revisions import diff_revisions
from ..workflow.checks import NewerRevisionError, overtaken
from .transitions import ACTIONS, in_words, make_form, publish_context
from .translator import TranslatorViews


class TranslationViews(TranslatorViews):
    """Mixed into TranslationAdmin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path("<path:object_id>/act/<str:action>/", wrap(self.action_view), name="statements_translation_act"),
            path("<path:object_id>/revisions/", wrap(self.revisions_view), name="statements_translation_revisions"),
            path(
                "<path:object_id>/revisions/compare/",
                wrap(self.compare_view),
                name="statements_translation_compare",
            ),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                wrap(self.restore_view),
                name="statements_translation_restore",
            ),
            path("matrix/", wrap(self.matrix_view), name="statements_translation_matrix"),
            path("xliff/", wrap(self.xliff_export_many_view), name="statements_translation_xliff_many"),
            path("<path:object_id>/translate/", wrap(self.translate_view), name="statements_translation_translate"),
            path("<path:object_id>/xliff/", wrap(self.xliff_export_view), name="statements_translation_xliff"),
            path(
                "<path:object_id>/xliff/import/",
                wrap(self.xliff_import_view),
                name="statements_translation_xliff_import",
            ),
            path("<path:object_id>/preview/", wrap(self.preview_view), name="statements_translation_preview"),
            path(
                "<path:object_id>/preview-links/",
                wrap(require_POST(self.preview_link_view)),
                name="statements_translation_preview_links",
            ),
        ]
        return own + super().get_urls()

    def _version(self, request, object_id, *, change=False):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such version."))
        allowed = self.has_change_permission(request, obj) if change else self.has_view_permission(request, obj)
        if not allowed:
            raise PermissionDenied
        return obj

    def _context(self, request, obj, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": str(obj),
            **extra,
        }

    def workflow_context(self, request, obj):
        actions = workflow.available_actions(obj, request.user)
        return {
            "review_behind": overtaken(obj),
            "workflow_actions": [(name, ACTIONS[name]) for name in actions],
            "others_editing": presence.note_and_list_others(obj.pk, request.user) if request.method == "GET" else [],
            "has_unpublished_changes": obj.has_unpublished_changes,
            "preview_links": [
                (link, request.build_absolute_uri(previews.link_url(link)))
                for link in obj.preview_links.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).order_by(
                    "-created_at"
                )[:10]
            ],
            "may_share_preview": request.user.has_perm("statements.add_previewlink"),
        }

    def action_view(self, request, object_id, action):
        obj = self._version(request, object_id)
        if action not in ACTIONS:
            raise Http404(_("No such action."))
        spec = ACTIONS[action]
        form = make_form(action, obj, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                spec.run(obj, request.user, form.cleaned_data)
            except NewerRevisionError:
                obj = self._version(request, object_id)  # the screen says it, with the way on
            except workflow.TransitionError as error:
                form.add_error(None, str(error))
                obj = self._version(request, object_id)  # as it is now, for the screen
            else:
                at = form.cleaned_data.get("at")
                done = _("Scheduled: goes live on %(when)s.") % {"when": in_words(at)} if at else None
                messages.success(request, done or _("%(action)s: done.") % {"action": spec.label})
                return HttpResponseRedirect(reverse("admin:statements_translation_change", args=[obj.pk]))
        extra = publish_context(obj) if action == "publish" else {}
        context = self._context(request, obj, action=spec, action_name=action, form=form, **extra)
        return TemplateResponse(request, "admin/statements/translation/action_confirm.html", context)

    def revisions_view(self, request, object_id):
        obj = self._version(request, object_id)
        revisions = obj.revisions.select_related("author").order_by("-number")
        context = self._context(
            request, obj, revisions=revisions, may_restore=self.has_change_permission(request, obj)
        )
        return TemplateResponse(request, "admin/statements/translation/revisions.html", context)

    def compare_view(self, request, object_id):
        obj = self._version(request, object_id)
        try:
            numbers = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
        except ValueError:
            return TemplateResponse(
                request,
                "admin/statements/translation/compare.html",
                self._context(request, obj, error=_("Choose two revisions to compare.")),
                status=400,
            )
        old, new = (get_object_or_404(obj.revisions, number=n) for n in sorted(numbers))
        context = self._context(request, obj, old=old, new=new, diff=diff_revisions(old, new))
        return TemplateResponse(request, "admin/statements/translation/compare.html", context)

    def restore_view(self, request, object_id, number):
        obj = self._version(request, object_id, change=True)
        revision = get_object_or_404(obj.revisions, number=number)
        latest = obj.latest_revision()
        if request.method == "POST":
            try:
                restored = workflow.restore_revision(translation=obj, revision=revision, actor=request.user)
            except workflow.TransitionError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Revision %(old)s restored as revision %(new)s.") % {"old": number, "new": restored.number},
                )
            return HttpResponseRedirect(reverse("admin:statements_translation_change", args=[obj.pk]))
        context = self._context(request, obj, revision=revision, diff=diff_revisions(latest, revision), latest=latest)
        return TemplateResponse(request, "admin/statements/translation/restore_confirm.html", context)

    def preview_view(self, request, object_id):
        """The newest text of any version in the public template, for staff."""
        obj = self._version(request, object_id)
        return previews.render_preview(
            request, previews.preview_of(obj), banner=_("Staff preview of the newest revision")
        )

    def preview_link_view(self, request, object_id):
        obj = self._version(request, object_id)
        try:
            if "revoke" in request.POST:
                link = get_object_or_404(obj.preview_links, pk=request.POST["revoke"])
                workflow.revoke_preview_link(link=link, actor=request.user)
                messages.success(request, _("Preview link revoked."))
            else:
                days = int(request.POST.get("days") or 7)
                link = workflow.create_preview_link(
                    translation=obj, actor=request.user, days=days, note=request.POST.get("note", "")
                )
                url = request.build_absolute_uri(previews.link_url(link))
                messages.success(request, _("Preview link, valid until %(until)s: %(url)s") % {
                    "until": link.expires_at.strftime("%Y-%m-%d %H:%M %Z"),
                    "url": url,
                })  # fmt: skip
        except (ValueError, workflow.TransitionError) as error:
            messages.error(
                request, str(error) if isinstance(error, workflow.TransitionError) else _("Days must be a number.")
            )
        return HttpResponseRedirect(reverse("admin:statements_translation_change", args=[obj.pk]))
