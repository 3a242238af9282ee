from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import languages


class LanguageListFilter(admin.SimpleListFilter):
    """Enabled languages from settings: no query to list them."""

    title = _("language")
    parameter_name = "language"
    field_name = "language"

    def lookups(self, request, model_admin):
        return languages.choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_name: self.value()})
        return queryset


class OriginalLanguageListFilter(LanguageListFilter):
    title = _("original language")
    parameter_name = "original_language"
    field_name = "original_language"
