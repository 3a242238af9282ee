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
        from PIL import Image as Pillow

        from . import images, signals

        # Pillow's own bomb guard, at our limit: a warning past it, an error at twice.
        Pillow.MAX_IMAGE_PIXELS = settings.PRESSOFFICE_IMAGE_MAX_PIXELS
        signals.public_content_changed.connect(images.on_public_content_changed, dispatch_uid="image-files")


class PressOfficeAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with the editorial dashboard on its index page."""

    default = False
    default_site = "statements.admin_site.PressOfficeAdminSite"
