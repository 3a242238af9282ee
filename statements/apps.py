from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    default = True
    name = "statements"
    verbose_name = _("Statements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save, pre_save
        from PIL import Image as Pillow

        from . import cachetags, models, signals, signing  # noqa: F401 - signing registers its deploy check

        # Pillow's own bomb guard, at our limit: a warning past it, an error at twice.
        Pillow.MAX_IMAGE_PIXELS = settings.PRESSOFFICE_IMAGE_MAX_PIXELS
        # Cached responses showing what changed go out of date (statements/cachetags.py).
        signals.public_content_changed.connect(cachetags.on_public_change, dispatch_uid="cache-tags")
        # Edits of what public pages show beside the statements (names, titles, pictures).
        for model in (models.Person, models.Role, models.Appointment, models.Topic, models.Country, models.Image,
                      models.Statement, models.Participation, models.Translation, models.Rendition,
                      models.Administration):  # fmt: skip
            name = model.__name__
            post_save.connect(cachetags.on_model_saved, sender=model, dispatch_uid=f"tags-saved-{name}")
            post_delete.connect(cachetags.on_model_deleted, sender=model, dispatch_uid=f"tags-deleted-{name}")
            if name in cachetags.ADDRESS_FIELDS:
                pre_save.connect(cachetags.on_model_saving, sender=model, dispatch_uid=f"tags-saving-{name}")
        # An email service's bounces and complaints, reported through django-anymail.
        from anymail.signals import tracking

        from .alerts import suppression

        tracking.connect(suppression.tracked, dispatch_uid="alerts-suppression")


class PressOfficeAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with the editorial dashboard on its index page."""

    default = False
    default_site = "statements.admin_site.PressOfficeAdminSite"
