"""History mode in the admin: the administrations, kept by publishers."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from ..models import Administration
from .per_language import PerLanguageAdmin


@admin.register(Administration)
class AdministrationAdmin(PerLanguageAdmin, admin.ModelAdmin):
    per_language_fields = {"names": False}
    list_display = ["name", "slug", "started_on", "ended_on", "statement_count"]
    search_fields = ["name", "names"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "names", "slug", "started_on", "ended_on"]

    @admin.display(description=_("statements"))
    def statement_count(self, obj):
        return obj.statements.count()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # reassigns the statements (Administration.save)
        moved = obj.reassigned
        if moved:
            messages.info(
                request,
                _("%(n)s statements now belong to the administration in office on their meeting date.") % {"n": moved},
            )
        if obj.ended_on is not None:
            messages.info(
                request,
                _("%(name)s has ended: its political statements now carry the history banner.") % {"name": obj.name},
            )
