"""Fields and bases shared by the models: languages, names in other languages, storage."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import languages


class LanguageField(models.CharField):
    """A language code. Choices come from DJANGO_LANGUAGES at form time, never from
    the field, so migrations do not change with the environment."""

    default_validators = [languages.validate_enabled]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        # Migrations name the field where it has always been importable from.
        name, _path, args, kwargs = super().deconstruct()
        return name, "statements.models.LanguageField", args, kwargs

    def formfield(self, **kwargs):
        return forms.ChoiceField(
            choices=lambda: [("", "---------"), *languages.choices()],
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
            required=not self.blank,
        )


def validate_names(value):
    if not isinstance(value, dict) or not all(
        isinstance(code, str) and isinstance(name, str) for code, name in value.items()
    ):
        raise ValidationError(_('Names in other languages must look like {"fa": "…", "ar": "…"}.'), code="names")
    for code in value:
        languages.validate_enabled(code)


class NamedModel(models.Model):
    """The one mechanism for names in other languages (people, roles, topics, countries)."""

    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(
        _("names in other languages"),
        default=dict,
        blank=True,
        validators=[validate_names],
        help_text=_('As language code and name, for example {"fa": "…", "ar": "…"}.'),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.name


def private_storage():
    return storages["private"]
