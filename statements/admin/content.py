"""People, offices, topics, countries and images."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import images
from ..models import Appointment, Country, Image, Person, Role, Topic
from ..tasks import side_effects
from ..tasks.queue import defer
from .per_language import PerLanguageAdmin


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
class PersonAdmin(PerLanguageAdmin, admin.ModelAdmin):
    per_language_fields = {"names": False}
    list_fields = ("aliases",)
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
class RoleAdmin(PerLanguageAdmin, admin.ModelAdmin):
    per_language_fields = {"names": False}
    list_display = ["name", "is_single_holder", "is_government_office"]
    list_filter = ["is_single_holder", "is_government_office"]
    search_fields = ["name", "names"]


@admin.register(Topic)
class TopicAdmin(PerLanguageAdmin, admin.ModelAdmin):
    per_language_fields = {"names": False}
    list_display = ["name", "slug", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "names"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(Country)
class CountryAdmin(PerLanguageAdmin, admin.ModelAdmin):
    per_language_fields = {"names": False}
    list_display = ["code", "name"]
    search_fields = ["code", "name", "names"]


class ImageForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Image file"),
        help_text=_("JPEG, PNG, WebP or GIF (a GIF is stored as a still). Location and camera data are removed."),
    )

    class Meta:
        model = Image
        fields = ["alt_text", "alt_texts", "caption", "captions", "credit", "focal_x", "focal_y"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["upload"]  # a different picture is a new image

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.inspected = images.inspect(upload)
        existing = Image.objects.filter(content_hash=self.inspected.content_hash).first()
        if existing is not None:
            url = reverse("admin:statements_image_change", args=[existing.pk])
            raise forms.ValidationError(
                format_html(
                    _('This file is already in the library as <a href="{}">“{}”</a>: use that image.'),
                    url,
                    existing.alt_text,
                ),
                code="duplicate",
            )
        return upload


@admin.register(Image)
class ImageAdmin(PerLanguageAdmin, admin.ModelAdmin):
    per_language_fields = {"alt_texts": False, "captions": True}
    form = ImageForm
    list_display = ["thumbnail", "alt_text", "credit", "dimensions", "is_public", "created_at"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["focal_point_picker", "dimensions", "content_hash", "created_at"]

    class Media:
        js = ["js/focal-point.js"]
        css = {"all": ["css/admin-extra.css"]}

    def get_fieldsets(self, request, obj=None):
        text = ["alt_text", "alt_texts", "caption", "captions", "credit"]
        if obj is None:
            return [(None, {"fields": ["upload", *text, "focal_x", "focal_y"]})]
        return [
            (None, {"fields": ["focal_point_picker", *text]}),
            (_("Focal point: crops keep this point"), {"fields": ["focal_x", "focal_y"]}),
            (_("File"), {"fields": ["dimensions", "content_hash", "created_at"], "classes": ["collapse"]}),
        ]

    def get_urls(self):
        view = self.admin_site.admin_view(self.file_view)
        return [
            path("<path:object_id>/file/<str:spec>/", view, name="statements_image_file"),
            *super().get_urls(),
        ]

    def file_view(self, request, object_id, spec):
        """Staff-only: the private original or a rendition of any image."""
        image = self.get_object(request, unquote(object_id))
        if image is None or (spec != "original" and spec not in images.SPECS):
            raise Http404
        if not self.has_view_permission(request, image):
            raise PermissionDenied
        name = (
            image.file.name
            if spec == "original"
            else image.renditions.filter(spec=spec).values_list("file", flat=True).first()
        )
        if not name:
            raise Http404
        response = FileResponse(images.private_storage().open(name), content_type=images.content_type(name))
        response["Cache-Control"] = "private, max-age=300"
        return response

    def file_url(self, image, spec):
        return reverse("admin:statements_image_file", args=[image.pk, spec])

    @admin.display(description=_("picture"))
    def thumbnail(self, obj):
        return format_html('<img src="{}" alt="" width="96" class="image-thumbnail">', self.file_url(obj, "w320-jpeg"))

    @admin.display(description=_("size"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    @admin.display(description=_("on the public site"), boolean=True)
    def is_public(self, obj):
        return bool(obj.public_token)

    @admin.display(description=_("preview"))
    def focal_point_picker(self, obj):
        return format_html(
            '<div class="focal-picker"><img src="{}" alt="{}" data-focal-picker width="{}">'
            '<span class="focal-marker" aria-hidden="true"></span></div>'
            '<p class="help">{}</p>',
            self.file_url(obj, "w640-jpeg"),
            obj.alt_text,
            min(640, obj.width or 640),
            _("Click the picture to set the focal point, or type the numbers below."),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            images.store_upload(obj, form.cleaned_data["upload"], form.inspected)
            try:
                images.save_with_renditions(obj)
            except Exception:
                images.delete_files(*images.file_names(obj))
                raise
            if form.inspected.caption or form.inspected.credit:
                messages.info(request, _("Caption and credit were read from the file; please check them."))
            return
        obj.save()
        if {"focal_x", "focal_y"} & set(form.changed_data):
            defer(side_effects.recrop_image, obj.pk)
            messages.info(request, _("The crops are being cut again from the new focal point."))

    def delete_model(self, request, obj):
        names = images.file_names(obj)
        super().delete_model(request, obj)
        defer(side_effects.delete_image_files, *names)

    def delete_queryset(self, request, queryset):
        names = [images.file_names(image) for image in queryset.prefetch_related("renditions")]
        super().delete_queryset(request, queryset)
        for private, public in names:
            defer(side_effects.delete_image_files, private, public)
