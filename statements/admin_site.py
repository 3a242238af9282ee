"""The admin site: the stock Django admin with the editorial dashboard as its index,
and, when PRESSOFFICE_REQUIRE_2FA is on, a one-time code at login for publishers.

Kept outside the statements.admin package: the default site is built while that
package registers its models, and importing it from inside would build it twice.
"""

import django_otp
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import dashboard
from .roles import is_publisher


def two_factor_required(user) -> bool:
    """Publishers (and superusers) need a second factor when the setting says so."""
    return settings.PRESSOFFICE_REQUIRE_2FA and (user.is_superuser or is_publisher(user))


class LoginForm(AdminAuthenticationForm):
    """The admin login with a one-time code field, used only where it is required."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Needed for publishers. Leave empty if you have not been given an authenticator."),
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not two_factor_required(user):
            return
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise forms.ValidationError(
                _("Your account needs two-factor sign-in, but no authenticator is set up. Ask an administrator."),
                code="no_device",
            )
        device = django_otp.match_token(user, self.cleaned_data.get("otp_token", "").strip())
        if device is None:
            raise forms.ValidationError(_("The code is missing or wrong. Enter the current code."), code="bad_token")
        # django-otp's login hook stores the verified device in the session.
        user.otp_device = device


# Apps that are machinery rather than editorial content, grouped as "System".
SYSTEM_APPS = {"axes", "otp_totp", "sequences", "django_tasks", "django_tasks_database", "django_rq"}


class PressOfficeAdminSite(admin.AdminSite):
    site_header = _("%(office)s — editorial") % {"office": settings.PRESSOFFICE_OFFICE_NAME}
    site_title = _("Editorial")
    index_title = _("Dashboard")
    index_template = "admin/dashboard.html"
    login_form = LoginForm
    login_template = "admin/pressoffice_login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not two_factor_required(request.user) or request.user.is_verified()

    def each_context(self, request):
        return {**super().each_context(request), "two_factor": settings.PRESSOFFICE_REQUIRE_2FA}

    def get_app_list(self, request, app_label=None):
        """The editorial apps under their own names, and the machinery (login lockouts,
        authenticators, counters, task queues) under one "System" heading, so the
        navigation never shows a raw label such as OTP_TOTP."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        system = [app for app in apps if app["app_label"] in SYSTEM_APPS]
        if not system:
            return apps
        models = sorted((model for app in system for model in app["models"]), key=lambda m: str(m["name"]))
        heading = {
            "name": _("System"),
            "app_label": "system",
            "app_url": models[0]["admin_url"] or "",
            "has_module_perms": True,
            "models": models,
        }
        return [*(app for app in apps if app["app_label"] not in SYSTEM_APPS), heading]

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "dashboard": dashboard.sections(request.user)}
        return super().index(request, extra_context)
