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
        from django.db.models.signals import post_delete, post_save
        from PIL import Image as Pillow

        from . import freshness, models, signals

        # Pillow's own bomb guard, at our limit: a warning past it, an error at twice.
        Pillow.MAX_IMAGE_PIXELS = settings.PRESSOFFICE_IMAGE_MAX_PIXELS
        signals.public_content_changed.connect(freshness.bump, dispatch_uid="content-generation")
        # Edits of what public pages show beside the statements (names, titles, pictures).
        for model in (models.Person, models.Role, models.Appointment, models.Topic, models.Country, models.Image,
                      models.Statement, models.Participation, models.Translation, models.Rendition):  # fmt: skip
            for signal in (post_save, post_delete):
                signal.connect(freshness.bump_after_commit, sender=model, dispatch_uid=f"bump-{model.__name__}")


class PressOfficeAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with the editorial dashboard on its index page."""

    default = False
    default_site = "statements.admin_site.PressOfficeAdminSite"
