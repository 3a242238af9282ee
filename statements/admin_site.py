"""The admin site: the stock Django admin with the editorial dashboard as its index.

Kept outside the statements.admin package: the default site is built while that
package registers its models, and importing it from inside would build it twice.
"""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import dashboard


class PressOfficeAdminSite(admin.AdminSite):
    site_header = _("%(office)s — editorial") % {"office": settings.PRESSOFFICE_OFFICE_NAME}
    site_title = _("Editorial")
    index_title = _("Dashboard")
    index_template = "admin/dashboard.html"

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "dashboard": dashboard.sections(request.user)}
        return super().index(request, extra_context)
