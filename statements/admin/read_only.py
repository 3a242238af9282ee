"""A model admin for records that the workflow writes and nobody edits."""

from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Listed and viewed in the admin, never added, changed or deleted there."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
