"""Per-language form fields instead of raw JSON: names, places, alt texts and captions
get one input per enabled language other than the default one (which has its own
field), each with `lang` and `dir`; aliases get a list of inputs. Plain inputs, so they
work without JavaScript; an error names the language it is about."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import languages

EXTRA_ALIASES = 3


def other_languages() -> list[str]:
    """Enabled languages but the default one (LANGUAGE_CODE), whose text has its own field."""
    default = languages.default_language()
    return [code for code in languages.enabled_codes() if code != default]


class PerLanguageWidget(forms.MultiWidget):
    template_name = "statements/widgets/per_language.html"

    def __init__(self, codes, *, textarea=False, attrs=None):
        self.codes = list(codes)
        widgets = {}
        for code in self.codes:
            own = {"lang": code, "dir": languages.direction(code)}
            widgets[code] = (
                forms.Textarea(attrs={"rows": 2, **own})
                if textarea
                else forms.TextInput(attrs={"class": "vTextField", **own})
            )
        super().__init__(widgets, attrs)

    def decompress(self, value):
        value = value if isinstance(value, dict) else {}
        return [value.get(code, "") for code in self.codes]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["languages"] = [
            (subwidget, f"{languages.name(code)} ({code})")
            for subwidget, code in zip(context["widget"]["subwidgets"], self.codes, strict=True)
        ]
        return context


class PerLanguageField(forms.MultiValueField):
    """A {language code: text} dict, one input per language; empty ones are left out."""

    def __init__(self, *, max_length=None, textarea=False, codes=None, **kwargs):
        self.codes = list(codes if codes is not None else other_languages())
        fields = [forms.CharField(required=False, max_length=max_length) for _code in self.codes]
        super().__init__(
            fields=fields,
            widget=PerLanguageWidget(self.codes, textarea=textarea),
            require_all_fields=False,
            required=False,
            **{k: v for k, v in kwargs.items() if k in ("label", "help_text", "initial", "disabled")},
        )

    def clean(self, value):
        if not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        errors, cleaned = [], {}
        for code, field, text in zip(self.codes, self.fields, value, strict=False):
            try:
                text = field.clean(text)
            except forms.ValidationError as error:
                errors += [f"{languages.name(code)} ({code}): {message}" for message in error.messages]
                continue
            if text and text.strip():
                cleaned[code] = text.strip()
        if errors:
            raise forms.ValidationError(errors)
        return cleaned

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != (initial or {})
        except forms.ValidationError:
            return True


class ListWidget(forms.Widget):
    """Several inputs of one name: the list's items, then a few empty ones."""

    template_name = "statements/widgets/list.html"
    item_label = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        items = list(value) if isinstance(value, list | tuple) else []
        context["widget"]["items"] = [*items, *[""] * EXTRA_ALIASES]
        context["widget"]["item_label"] = self.item_label
        return context

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])

    def format_value(self, value):
        return value


class ListField(forms.Field):
    widget = ListWidget

    def __init__(self, *, max_length=200, **kwargs):
        self.max_length = max_length
        super().__init__(
            required=False, **{k: v for k, v in kwargs.items() if k in ("label", "help_text", "initial", "disabled")}
        )
        self.widget.item_label = str(self.label or "")

    def to_python(self, value):
        if isinstance(value, str):
            value = [value]
        items, seen = [], set()
        for item in value or []:
            item = (item or "").strip()
            if not item or item in seen:
                continue
            if len(item) > self.max_length:
                raise forms.ValidationError(
                    _("“%(item)s…” is longer than %(max)s characters.") % {"item": item[:20], "max": self.max_length}
                )
            seen.add(item)
            items.append(item)
        return items

    def has_changed(self, initial, data):
        return self.to_python(data) != list(initial or [])


class PerLanguageAdmin:
    """ModelAdmin mixin: `per_language_fields` (name → textarea or not) and `list_fields`
    become the fields above."""

    per_language_fields: dict[str, bool] = {}
    list_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        common = {"label": db_field.verbose_name.capitalize(), "help_text": ""}
        if db_field.name in self.per_language_fields:
            return PerLanguageField(textarea=self.per_language_fields[db_field.name], max_length=300, **common)
        if db_field.name in self.list_fields:
            return ListField(
                label=common["label"], help_text=_("One per box; empty boxes are ignored. Save to get more boxes.")
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
