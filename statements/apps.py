from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    default = True
    name = "statements"
    verbose_name = _("Statements")
    default_auto_field = "django.db.models.BigAutoField"


class PressOfficeAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with the editorial dashboard on its index page."""

    default = False
    default_site = "statements.admin_site.PressOfficeAdminSite"
