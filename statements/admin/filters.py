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


class VersionStatusListFilter(admin.SimpleListFilter):
    """Statements with a version in this state."""

    title = _("version status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        from ..models import Status

        return Status.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(translations__status=self.value()).distinct()
        return queryset


class ForcePublishedListFilter(admin.SimpleListFilter):
    title = _("force-published")
    parameter_name = "force_published"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes, awaiting approval")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_force_published=self.value() == "yes")
        return queryset


class ParticipantListFilter(admin.RelatedFieldListFilter):
    """People who took part, by name ("By participant"), listing only people who did."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("participant")

    def field_choices(self, field, request, model_admin):
        from ..models import Person

        return [
            (p.pk, p.name) for p in Person.objects.filter(participations__isnull=False).distinct().order_by("name")
        ]


class CountryListFilter(admin.RelatedFieldListFilter):
    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("country")
