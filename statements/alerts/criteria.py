"""A list's criteria: its filter parameters, validated by the one FilterSet and
normalised, so the same filter in another parameter order (or with repeated values) is
the same list. Criteria naming what no public version names are refused exactly like
unknown ones."""

import hashlib
import json
import re

from django.http import QueryDict
from django.utils.translation import gettext as _

from ..filters import StatementFilter
from ..listing import public_choices, public_versions
from ..models import AlertList

# The parameters of a list that make its members (not its page, order or size).
FIELDS = ("person", "topic", "country", "kind", "q", "date_after", "date_before", "published_after",
          "published_before", "year", "month")  # fmt: skip
REPEATED = ("person", "topic", "country", "kind")


class Refused(Exception):
    """The criteria are malformed or name nothing public: `messages` say why."""

    def __init__(self, messages):
        super().__init__(" ".join(messages))
        self.messages = messages


def bind(criteria: dict, language: str, queryset=None) -> StatementFilter:
    """The FilterSet over `queryset` (public versions in `language`) bound to `criteria`."""
    queryset = public_versions(language) if queryset is None else queryset
    return StatementFilter(to_query(criteria), queryset, language=language)


def to_query(criteria: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name in FIELDS:
        if name in criteria:
            value = criteria[name]
            query.setlist(name, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return query


def normalise(query, language: str) -> dict:
    """The criteria of the list that `query` (a QueryDict of filter parameters) names, or
    `Refused`. Parameters that are not filters (page, sort, limit) are ignored."""
    data = QueryDict(mutable=True)
    for name in FIELDS:
        values = [value for value in query.getlist(name) if value.strip()]
        if values:
            data.setlist(name, values)
    filterset = StatementFilter(data, public_versions(language), language=language)
    if not filterset.is_valid():
        raise Refused(filterset.error_messages())
    cleaned = filterset.form.cleaned_data
    unknown = filterset.unknown(public_choices(language))
    if unknown:
        names = ", ".join(f"{name}={value}" for name, values in unknown.items() for value in values)
        raise Refused([_("Nothing published is called %(names)s, so there is no list to follow.") % {"names": names}])
    criteria = {}
    for name in FIELDS:
        value = cleaned.get(name)
        if value in (None, "", []):
            continue
        if name in REPEATED:
            criteria[name] = sorted({v.upper() if name == "country" else v for v in value})
        elif name == "q":
            criteria[name] = re.sub(r"\s+", " ", value).strip()
        elif name in ("year", "month"):
            criteria[name] = int(value)
        else:
            criteria[name] = value.isoformat()
    return criteria


def key(criteria: dict) -> str:
    text = json.dumps(criteria, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def describe(criteria: dict, language: str) -> str:
    """The list's name, as its feed's title: "Statements with X about Y"."""
    from ..feeds import describe as describe_filterset

    filterset = bind(criteria, language)
    filterset.is_valid()
    return describe_filterset(filterset, language)


def list_for(criteria: dict, language: str) -> AlertList:
    """The one list of these criteria in `language`, made when first followed."""
    alert_list, _created = AlertList.objects.get_or_create(
        language=language, key=key(criteria), defaults={"criteria": criteria}
    )
    description = describe(criteria, language)[:500]
    if alert_list.description != description:
        AlertList.objects.filter(pk=alert_list.pk).update(description=description)
        alert_list.description = description
    return alert_list


def list_path(criteria: dict) -> str:
    """The query string of the public list these criteria name ("" for every statement)."""
    query = to_query(criteria)
    return f"?{query.urlencode()}" if query else ""
