from django.conf import settings

from . import languages


def office(request):
    code = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return {
        "office_name": settings.PRESSOFFICE_OFFICE_NAME,
        "language_direction": languages.direction(code),
    }
