"""What the public lists and feeds read besides their rows' query: the filter choices a
page offers, the active filters with their removal links, the rows of a page with
search highlights, and the cache key of a list's count.

Everything starts from `Translation.objects.public()`; views.py, feeds.py and api.py
use it, and none of it is a view.
"""

import hashlib

from django.core.cache import cache
from django.utils.html import escape
from django.utils.translation import get_language

from . import cachetags, freshness, search
from .models import Country, Person, Statement, Topic, Translation

# The filter parameters a list shows as active, in the order it shows them.
ACTIVE_FILTERS = ("person", "topic", "country", "kind", "date_after", "date_before", "published_after",
                  "published_before", "year", "month", "q")  # fmt: skip


def public_versions(language=None):
    """Public versions in `language` (the active language by default)."""
    return Translation.objects.public(language=language or get_language())


def canonical_query(data) -> str:
    """A digest of the filter parameters in a stable order (the page number aside)."""
    text = "&".join(f"{key}={value}" for key in sorted(data) for value in sorted(data.getlist(key)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def load_rows(ids):
    """The versions of one list page, with the participants a row shows."""
    return Translation.objects.public().filter(pk__in=ids).select_related("statement").with_participant_names()


class Row:
    """A list row: the version, with search highlights when there is a query."""

    def __init__(self, version, q=""):
        self.version = version
        self.title = search.highlight(version.title, q) if q else version.title
        self.standfirst = search.highlight(version.standfirst, q) if q else version.standfirst
        self.snippet = search.snippet(version.body, q) if q else ""


def public_choices(language, skip=()) -> dict:
    """`filter_choices`, kept in the cache until the choices a language's lists offer change."""
    skip = sorted(skip)
    tags = [cachetags.choices(language, name) for name in cachetags.CHOICE_DIMENSIONS if name not in skip]

    def compute():
        choices = filter_choices(language, skip)
        remember_offered(language, choices)
        return with_options(choices)

    return freshness.cached(f"choices:{language}:{','.join(skip)}", compute, tags)


def with_options(choices: dict) -> dict:
    """The choices, and under "options" each one's `<option>` list (none selected), built
    once with them: a list can offer hundreds of people."""
    options = {
        name: "".join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in values)
        for name, values in choices.items()
        if name in cachetags.CHOICE_DIMENSIONS
    }
    # People as checkboxes (several may be chosen, and a text box narrows the list).
    checks = {
        name: "".join(
            f'<label class="check"><input type="checkbox" name="{name}" value="{escape(value)}"> '
            f"{escape(label)}</label>"
            for value, label in choices[name]
        )
        for name in ("person",)
        if name in choices
    }
    return {**choices, "options": options, "checks": checks}


def filter_choices(language, skip=frozenset()):
    """People, topics and countries that public versions in `language` reference, except
    the parameters in `skip` (fixed by the page, so not offered)."""
    statements = public_versions(language).values("statement_id")
    sources = {
        "person": (Person.objects.filter(participations__statement_id__in=statements), "sort_name", "slug"),
        "topic": (Topic.objects.filter(statements__id__in=statements), "name", "slug"),
        "country": (Country.objects.filter(statements__id__in=statements), "name", "code"),
    }
    choices = {"kind": list(Statement.Kind.choices)}
    for name, (queryset, order, key) in sources.items():
        if name in skip:
            continue
        rows = queryset.distinct().order_by(order).only(key, "name", "names")
        choices[name] = [(getattr(row, key), row.name_in(language)) for row in rows]
    return choices


OFFERED_SECONDS = 3600  # the offered sets are rebuilt whole at least this often


def _offered_key(language, name) -> str:
    return f"pressoffice:choices-offered:{language}:{name}"


def remember_offered(language, choices):
    """Keep what `choices` (as `filter_choices` made them) offer, for `refresh_choices`."""
    offered_now = {
        _offered_key(language, name): frozenset(str(value) for value, _label in choices[name])
        for name in cachetags.CHOICE_DIMENSIONS
        if name in choices
    }
    try:
        cache.set_many(offered_now, OFFERED_SECONDS)
    except Exception:
        freshness.cache_down("Cache unreachable; offered choices not kept")


def refresh_choices(language, statement=None):
    """After a change of membership: if the people, topics and countries the lists of
    `language` offer changed, every page offering them is out of date (else none is).

    What is offered is kept in the cache as sets of slugs and codes (by the pages that
    build the choices, and here). Given the statement that changed, only its own people,
    topics and countries are looked up (an indexed EXISTS each); a dimension whose set is
    not in the cache, or every one without a statement, is built whole."""
    keys = {name: _offered_key(language, name) for name in cachetags.CHOICE_DIMENSIONS}
    try:
        known = cache.get_many(list(keys.values()))
        changed = {}
        if statement is not None:
            for name, values in _values_of(statement).items():
                if keys[name] in known:
                    now, was = offered(language, name, values), known[keys[name]] & values
                    if now != was:
                        changed[keys[name]] = (known[keys[name]] - values) | now
        whole = [name for name, key in keys.items() if statement is None or key not in known]
        if whole:
            everything = filter_choices(language, skip={name for name in keys if name not in whole})
            for name in whole:
                value = frozenset(str(item) for item, _label in everything[name])
                if known.get(keys[name]) != value:
                    changed[keys[name]] = value
        if changed:
            cachetags.invalidate({cachetags.choices(language, key.rsplit(":", 1)[1]) for key in changed})
            cache.set_many({key: frozenset(value) for key, value in changed.items()}, OFFERED_SECONDS)
    except Exception:
        freshness.cache_down("Cache unreachable; filter choices not checked")


def _values_of(statement) -> dict:
    return {
        "person": set(statement.participations.values_list("person__slug", flat=True)),
        "topic": set(statement.topics.values_list("slug", flat=True)),
        "country": set(statement.countries.values_list("code", flat=True)),
    }


def offered(language, name, values) -> frozenset:
    """Which of `values` (slugs, or codes for countries) the lists of `language` offer:
    one EXISTS each, which the indexes answer from the person, topic or country."""
    field = {"person": "statement__participations__person__slug", "topic": "statement__topics__slug",
             "country": "statement__countries__code"}[name]  # fmt: skip
    return frozenset(value for value in values if public_versions(language).filter(**{field: value}).exists())


def active_filters(query, fixed) -> list[dict]:
    """Each active filter value with the address of the list without it."""
    active = []
    for name in ACTIVE_FILTERS:
        if name in fixed:
            continue
        for value in query.getlist(name):
            if not value:
                continue
            remaining = query.copy()
            remaining.setlist(name, [v for v in query.getlist(name) if v != value])
            remaining.pop("page", None)
            active.append({"name": name, "value": value, "remove": remaining.urlencode()})
    return active
