"""Page numbers that stay cheap on deep pages.

A page first takes the 20 ids of its rows from the ordered, filtered query (which an
index can answer without touching the rows), then fetches just those rows with their
relations. Page 500 costs about what page 1 does.
"""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from .freshness import cached


class IdPaginator(Paginator):
    def __init__(self, object_list, per_page, *, load, count_key=None, count_tags=(), **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.load = load  # ids → rows with their relations, in any order
        self.count_key = count_key  # when given, the count is kept while `count_tags` stand
        self.count_tags = count_tags  # the heads of the list (statements/cachetags.py)

    @cached_property
    def count(self):
        if self.count_key is None:
            return super().count
        return cached(f"count:{self.count_key}", lambda: self.object_list.count(), self.count_tags)

    def page(self, number, load=True):
        """The page's rows, or just their ids when `load` is false."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        if not load:
            return Page(ids, number, self)
        rows = {row.pk: row for row in self.load(ids)} if ids else {}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)
