"""Page numbers that stay cheap on deep pages.

A page first takes the 20 ids of its rows from the ordered, filtered query (which an
index can answer without touching the rows), then fetches just those rows with their
relations. Page 500 costs about what page 1 does.

Given a `cache_key`, the count and each page's ids are kept in the cache while the
list's heads stand (statements/cachetags.py; `cached` adds `site`, which a topic edit
or a change of a person's or country's address invalidates: filters name them by it), so
a list whose members have not changed is not queried again, nor its query built.
"""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from .freshness import cached


class IdPaginator(Paginator):
    def __init__(self, object_list, per_page, *, load, cache_key=None, cache_tags=(), **kwargs):
        """`object_list`: the ordered query, or a function that builds it (called only
        when something must be counted or fetched)."""
        super().__init__(object_list, per_page, **kwargs)
        self.load = load  # ids → rows with their relations, in any order
        self.cache_key = cache_key  # when given, counts and ids are kept while `cache_tags` stand
        self.cache_tags = cache_tags

    @property
    def object_list(self):
        if callable(self._object_list):
            self._object_list = self._object_list()
        return self._object_list

    @object_list.setter
    def object_list(self, value):
        self._object_list = value

    def _check_object_list_is_ordered(self):
        """Callers pass ordered queries (the FilterSet's `qs` always orders)."""

    @cached_property
    def count(self):
        if self.cache_key is None:
            return super().count
        return cached(f"count:{self.cache_key}", lambda: self.object_list.count(), self.cache_tags)

    def page(self, number, load=True):
        """The page's rows, or just their ids when `load` is false."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page

        def ids_of_page():
            return list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])

        if self.cache_key is None:
            ids = ids_of_page()
        else:
            ids = cached(f"ids:{self.cache_key}:{number}:{self.per_page}", ids_of_page, self.cache_tags)
        if not load:
            return Page(ids, number, self)
        rows = {row.pk: row for row in self.load(ids)} if ids else {}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)
