"""Small display helpers for the public templates (no queries here)."""

import json

from django import template
from django.conf import settings
from django.template.defaultfilters import date as format_date
from django.urls import get_script_prefix
from django.utils.html import _json_script_escapes, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import dates, languages

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def options(html, selected):
    """A filter's `<option>` list (listing.with_options, escaped there) with the
    `selected` values marked."""
    for value in dict.fromkeys(selected or ()):
        option = f'<option value="{escape(value)}">'
        html = html.replace(option, option[:-1] + " selected>", 1)
    return mark_safe(html)  # noqa: S308 - built from escaped values


@register.simple_tag
def checks(html, selected):
    """A filter's checkbox list (listing.with_options, escaped there) with the `selected`
    values ticked."""
    for value in dict.fromkeys(selected or ()):
        box = f'value="{escape(value)}">'
        html = html.replace(box, box[:-1] + " checked>", 1)
    return mark_safe(html)  # noqa: S308 - built from escaped values


@register.filter
def ld_json(data):
    """A JSON-LD data block; <, > and & are escaped so no text can close the script."""
    text = json.dumps(data, ensure_ascii=False, default=str).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


@register.filter
def direction(language):
    return languages.direction(language)


@register.filter
def name_in(obj, language):
    return obj.name_in(language)


@register.filter
def title_in(participation, language):
    return participation.title(language)


@register.simple_tag
def page_window(page_obj, around=2):
    """Page numbers to link, with None where a run is skipped: 1 … 4 5 [6] 7 8 … 20."""
    last = page_obj.paginator.num_pages
    current = page_obj.number
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    window, previous = [], 0
    for number in shown:
        if number - previous > 1:
            window.append(None)
        window.append(number)
        previous = number
    return window


@register.filter
def selected(values, value):
    return value in values


@register.filter
def alt_in(image, language):
    return image.alt_text_in(language)


@register.simple_tag
def reader_date(value, fmt="DATE_FORMAT"):
    """A <time> in the reader's language; on Persian pages with the Solar Hijri date too."""
    if not value:
        return ""
    language = get_language()
    text = dates.local_digits(format_date(value, fmt), language)
    if language == "fa":
        # The Solar Hijri date first, as Persian readers date things; the Gregorian after.
        return format_html(
            '<time datetime="{}">{}</time> <span class="gregorian">({})</span>',
            value.isoformat(),
            dates.solar_hijri(value),
            text,
        )
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), text)


@register.filter
def digits(value, language=None):
    """A number as readers of the page's language write it."""
    return dates.local_digits(value, language or get_language())


@register.simple_tag
def comma(language=None):
    """The list comma of the language ("، " on Persian and Arabic pages)."""
    return dates.comma(language or get_language())


@register.simple_tag
def semicolon(language=None):
    return dates.semicolon(language or get_language())


@register.tag
def per_language(parser, token):
    """`{% per_language %}…{% endper_language %}`: a part of a page that shows the same for
    every reader of a language (the site's header and footer), rendered once per language
    and process, then reused. What it holds may depend only on the language and settings:
    nothing from the request, the view or the content."""
    nodelist = parser.parse(("endper_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist)


class PerLanguageNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}

    def render(self, context):
        key = (
            get_language(),
            get_script_prefix(),
            str(settings.PRESSOFFICE_OFFICE_NAME),
            tuple(code for code, _name in settings.LANGUAGES),
            settings.STATIC_URL,
        )
        text = self.rendered.get(key)
        if text is None:
            if len(self.rendered) > 64:  # settings changed many times (tests): start again
                self.rendered.clear()
            text = self.rendered[key] = self.nodelist.render(context)
        return text


@register.filter
def place_in(statement, language):
    return statement.location_in(language)


@register.filter
def caption_in(image, language):
    return image.caption_in(language)
