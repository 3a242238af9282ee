"""Staff languages and the audit log."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from ..models import AuditEntry, StaffProfile
from .read_only import ReadOnlyModelAdmin


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["languages"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "languages"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """Read-only: the log is written by the workflow and never edited."""

    list_display = ["at", "actor", "action", "object_repr", "from_status", "to_status", "message"]
    list_select_related = ["actor"]
    list_filter = ["action", "at", ("actor", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["object_repr", "message", "actor__username"]
    date_hierarchy = "at"
    show_full_result_count = False
