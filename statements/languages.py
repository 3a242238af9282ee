"""The enabled languages (DJANGO_LANGUAGES) and what the code needs to know about them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RTL_LANGUAGES = frozenset({"fa", "ar", "ur", "he", "ckb", "ps", "sd", "ug", "yi"})


def enabled_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def default_language() -> str:
    return settings.LANGUAGE_CODE


def choices() -> list[tuple[str, str]]:
    return [(code, f"{name} ({code})") for code, name in settings.LANGUAGES]


def name(code: str) -> str:
    """The language's name as the settings give it ("Persian"), or the code."""
    return str(dict(settings.LANGUAGES).get(code, code))


def direction(code: str) -> str:
    return "rtl" if code.split("-")[0] in RTL_LANGUAGES else "ltr"


def validate_enabled(code: str) -> None:
    if code not in enabled_codes():
        raise ValidationError(
            _("“%(code)s” is not an enabled language. Enabled: %(enabled)s."),
            code="language_not_enabled",
            params={"code": code, "enabled": ", ".join(enabled_codes())},
        )
