"""People, offices, topics, countries and images."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Appointment, Country, Image, Person, Role, Topic


class AppointmentFormSet(forms.BaseInlineFormSet):
    """Checks overlaps among the rows submitted together; `Appointment.clean()` checks
    them against the rows already saved."""

    def clean(self):
        super().clean()
        rows = [
            form.instance
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.instance.role_id
        ]
        for i, first in enumerate(rows):
            for second in rows[i + 1 :]:
                if first.role_id == second.role_id and first.role.is_single_holder and first.overlaps(second):
                    raise forms.ValidationError(
                        _("%(role)s is held by one person at a time: these appointments overlap.")
                        % {"role": first.role.name}
                    )


class AppointmentInline(admin.TabularInline):
    model = Appointment
    formset = AppointmentFormSet
    extra = 0
    autocomplete_fields = ["role"]
    fields = ["role", "started_on", "ended_on"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "honorific", "country", "slug", "updated_at"]
    list_select_related = ["country"]
    list_filter = ["country"]
    search_fields = ["name", "sort_name", "slug", "aliases", "names"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "portrait"]
    inlines = [AppointmentInline]
    fieldsets = [
        (None, {"fields": ["name", "honorific", "slug", "sort_name", "country", "portrait"]}),
        (_("Other languages and spellings"), {"fields": ["names", "aliases"]}),
    ]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "is_single_holder"]
    list_filter = ["is_single_holder"]
    search_fields = ["name", "names"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "names"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name", "names"]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["alt_text", "credit", "width", "height", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["width", "height", "content_hash", "created_at"]
    fields = ["file", "alt_text", "alt_texts", "caption", "credit", "focal_x", "focal_y", *readonly_fields]
