"""The one FilterSet of the public lists, feeds and API (DESIGN.md "Public site").

person, topic, country, kind and administration repeat: OR within one parameter, AND across them.
A malformed value makes the form invalid (the views answer 400); a well-formed value
naming nothing simply matches nothing, and `unknown()` lists it for the page's message.

Pages, feeds and the API bind it the same way, through `bind()`.
"""

import copy
import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from . import cachetags, dates, search
from .models import Participation, Statement, Topic, Translation

SLUG = RegexValidator(r"^[-\w]{1,200}$", _("“%(value)s” is not a valid name in an address."))
COUNTRY = RegexValidator(r"^[A-Za-z]{2}$", _("Countries are given by their two-letter code."))
MAX_VALUES = 20
NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits only: str.isdigit() takes "²" and "١"


class ValuesField(forms.Field):
    """A repeatable parameter (`?topic=a&topic=b`), each value checked by `validator`."""

    widget = forms.SelectMultiple

    def __init__(self, *args, validator=SLUG, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.value_validator = validator

    def to_python(self, value):
        values = [v.strip() for v in (value or []) if v and v.strip()]
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(_("At most %(n)s values per filter.") % {"n": MAX_VALUES})
        for item in values:
            self.value_validator(item)
        return list(dict.fromkeys(values))


class ValuesFilter(django_filters.Filter):
    field_class = ValuesField


class _Shared(dict):
    """Filters or form fields that each FilterSet or form copies with `copy_one` instead
    of deep-copying them (the copy a request gets: its own dict, and for filters their
    own `parent`)."""

    def __init__(self, items, copy_one):
        super().__init__(items)
        self.copy_one = copy_one

    def __deepcopy__(self, memo):
        return {name: self.copy_one(item) for name, item in self.items()}


class StatementFilter(django_filters.FilterSet):
    """Filters public versions of one language (the queryset the view passes in)."""

    SORTS = {"newest", "oldest", "relevance"}

    def error_messages(self) -> list[str]:
        """The form's errors as plain sentences naming the parameter, for 400 answers."""
        form = self.form
        messages = list(form.non_field_errors())
        for name, errors in form.errors.items():
            if name != "__all__":
                label = form.fields[name].label if name in form.fields else name
                messages += [f"{label} ({name}): {error}" for error in errors]
        return messages

    person = ValuesFilter(label=_("Participant"), method="filter_person")
    topic = ValuesFilter(label=_("Topic"), method="filter_topic")
    country = ValuesFilter(label=_("Country"), method="filter_country", validator=COUNTRY)
    kind = ValuesFilter(label=_("Kind"), method="filter_kind")
    administration = ValuesFilter(label=_("Administration"), method="filter_administration")
    date_after = django_filters.DateFilter(label=_("Meeting from"), field_name="occurred_on", lookup_expr="gte")
    date_before = django_filters.DateFilter(label=_("Meeting until"), field_name="occurred_on", lookup_expr="lte")
    published_after = django_filters.DateFilter(
        label=_("Published from"), field_name="first_published_at", lookup_expr="date__gte"
    )
    published_before = django_filters.DateFilter(
        label=_("Published until"), field_name="first_published_at", lookup_expr="date__lte"
    )
    year = django_filters.NumberFilter(label=_("Year"), field_name="occurred_on", lookup_expr="year")
    month = django_filters.NumberFilter(label=_("Month"), field_name="occurred_on", lookup_expr="month")
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    sort = django_filters.CharFilter(label=_("Sort"), method="filter_sort")

    class Meta:
        model = Translation
        fields = []  # every filter is declared above

    def __init__(self, data=None, queryset=None, *, language, request=None, prefix=None):
        if data is not None and language == "fa":
            data = _solar_hijri_dates(data)
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.language = language
        self.form.clean = self._clean_form

    def get_form_class(self):
        """The form class, built once: django-filter builds one per request, and Django
        deep-copies every field for every form. Nothing changes these fields per request
        (labels are lazy, choices are not on the form), so forms share them."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            fields = form_class.base_fields
            fields["year"].widget = forms.NumberInput()
            fields["q"].validators.append(MaxLengthValidator(search.MAX_QUERY_LENGTH))
            fields["q"].validators.append(
                RegexValidator(r"^[^\x00]*$", _("The search contains characters that cannot be searched."))
            )
            form_class.base_fields = _Shared(fields, lambda field: field)
            cls._form_class = form_class
        return cls._form_class

    def _clean_form(self):
        data = forms.Form.clean(self.form)
        year, month = data.get("year"), data.get("month")
        if month is not None and year is None:
            raise forms.ValidationError(_("A month needs a year."))
        if month is not None and not 1 <= month <= 12:
            self.form.add_error("month", _("Months run from 1 to 12."))
        if year is not None and not 1 <= year <= 9999:
            self.form.add_error("year", _("That is not a year."))
        if data.get("sort") and data["sort"] not in self.SORTS:
            self.form.add_error("sort", _("Sort by newest, oldest or relevance."))
        after, before = data.get("date_after"), data.get("date_before")
        if after and before and after > before:
            raise forms.ValidationError(_("The meeting-date range ends before it starts."))
        return data

    # OR within a parameter, AND across: each parameter is one Exists or IN condition.

    # Each parameter narrows the statements through an indexed IN (SELECT statement_id …)
    # that starts from the few people, topics or countries named, not from every version.

    def filter_person(self, queryset, name, slugs):
        if not slugs:
            return queryset
        statements = Participation.objects.filter(person__slug__in=slugs).values("statement_id")
        return queryset.filter(statement_id__in=statements)

    def filter_topic(self, queryset, name, slugs):
        if not slugs:
            return queryset
        ids = _with_descendants(topic_tree(), slugs)
        statements = Statement.topics.through.objects.filter(topic_id__in=ids).values("statement_id")
        return queryset.filter(statement_id__in=statements)

    def filter_country(self, queryset, name, codes):
        if not codes:
            return queryset
        codes = [code.upper() for code in codes]
        statements = Statement.countries.through.objects.filter(country__code__in=codes).values("statement_id")
        return queryset.filter(statement_id__in=statements)

    def filter_kind(self, queryset, name, kinds):
        if not kinds:
            return queryset
        return queryset.filter(statement__kind__in=kinds)

    def filter_administration(self, queryset, name, slugs):
        if not slugs:
            return queryset
        return queryset.filter(statement__administration__slug__in=slugs)

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        return search.matching(queryset, value, self.language)

    def filter_sort(self, queryset, name, value):
        return queryset  # ordering is applied by `qs`, after every filter

    @property
    def qs(self):
        queryset = super().qs
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        sort = data.get("sort") or "newest"
        if sort == "relevance" and search.terms(data.get("q") or ""):
            # Only a query with searchable words ranks; otherwise the default order.
            return queryset.order_by("-rank", "-occurred_on", "-first_published_at", "-pk")
        if sort == "oldest":
            return queryset.order_by("occurred_on", "first_published_at", "pk")
        return queryset.order_by("-occurred_on", "-first_published_at", "-pk")

    def unknown(self, choices: dict) -> dict:
        """Values that name nothing public, by parameter, from the public `choices` (so a
        hidden person or topic is reported exactly like one that does not exist)."""
        data = self.form.cleaned_data
        found = {}
        for name in ("person", "topic", "country", "kind"):
            if name not in choices:
                continue
            known = {str(value).upper() if name == "country" else value for value, _label in choices[name]}
            given = [v.upper() if name == "country" else v for v in data.get(name) or []]
            missing = [value for value in given if value not in known]
            if missing:
                found[name] = missing
        return found


def _copy_filter(prototype):
    """A filter of its own for one FilterSet: a shallow copy (filters hold no state but
    their parent), with its `method` bound to the copy rather than to the prototype."""
    filter_ = copy.copy(prototype)
    if prototype.method is not None:
        filter_.method = prototype.method
    return filter_


StatementFilter.base_filters = _Shared(StatementFilter.base_filters, _copy_filter)


def topic_tree() -> list:
    """(id, slug, parent id) of every topic, kept in the cache until a topic changes (a
    topic edit invalidates everything: statements/cachetags.py)."""
    from .freshness import cached

    return cached("topic-tree", lambda: list(Topic.objects.values_list("id", "slug", "parent_id")), [cachetags.SITE])


def _with_descendants(topics, slugs) -> set[int]:
    """Ids of the topics named and of every topic below them (a parent matches its children)."""
    children = {}
    for topic_id, _slug, parent_id in topics:
        children.setdefault(parent_id, []).append(topic_id)
    found = [topic_id for topic_id, slug, _parent in topics if slug in slugs]
    ids = set()
    while found:
        topic_id = found.pop()
        if topic_id not in ids:
            ids.add(topic_id)
            found.extend(children.get(topic_id, []))
    return ids


@dataclass
class Bound:
    """A FilterSet bound to a request: `errors` is empty when every parameter is valid;
    `taken` holds the parameters that are not filters (page, limit, …), as given."""

    filterset: StatementFilter
    taken: dict
    errors: list
    heads: list  # the list's head tags (statements/cachetags.py), noted on the response

    @property
    def data(self):
        """The filter parameters (fixed ones included, taken ones removed)."""
        return self.filterset.data


def bind(request, queryset, *, language: str, fixed: dict | None = None, take=(), heads_language=None) -> Bound:
    """Read the query string into the one FilterSet over `queryset` (public versions).

    `fixed` sets parameters from the address (the person of a person page), replacing
    any given in the query string; `take` names the parameters that are not filters,
    removed from the data and returned in `Bound.taken` (the last value of each, or "").
    The response is tagged with the heads of the list in `heads_language` (`language`
    by default; "*" for a list across languages).
    """
    data = request.GET.copy()
    for name, values in (fixed or {}).items():
        data.setlist(name, values)
    taken = {name: data.pop(name, [""])[-1] for name in take}
    filterset = StatementFilter(data, queryset, language=language, request=request)
    if not filterset.is_valid():
        return Bound(filterset, taken, filterset.error_messages(), [])
    heads = cachetags.list_heads(heads_language or language, filterset.form.cleaned_data)
    cachetags.note(*heads)
    return Bound(filterset, taken, [], heads)


def whole_number(value: str, *, default: int, low: int = 1, high: int | None = None) -> int | None:
    """A numeric parameter (`default` when absent), or None when it is not a whole
    number from `low` to `high`."""
    if not value:
        return default
    if not NUMBER.fullmatch(value) or int(value) < low or (high is not None and int(value) > high):
        return None
    return int(value)


def page_number(value: str) -> int | None:
    """A page parameter as a number from 1 (1 when absent), or None when malformed."""
    return whole_number(value, default=1)


def _solar_hijri_dates(data):
    """Persian readers may give meeting dates in the Solar Hijri calendar ("1405-06-02",
    in Persian digits too): read as the Gregorian day they are."""
    fields = [name for name in ("date_after", "date_before") if data.get(name)]
    if not fields:
        return data
    data = data.copy()
    for name in fields:
        data[name] = dates.from_solar_hijri(data[name])
    return data
