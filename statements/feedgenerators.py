"""Feed generators for RSS 2.0, Atom 1.0 and JSON Feed 1.1, beside Django's own
(`django.utils.feedgenerator`), adding what those leave out: categories with a
domain/scheme, full HTML content, Media RSS for the featured image, WebSub hub links,
and in Atom the `updated` and `author` of every entry. `statements/feeds.py` says
what goes in them.
"""

import io
import json

from django.conf import settings
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed, rfc2822_date, rfc3339_date
from django.utils.xmlutils import SimplerXMLGenerator


class StoredEntries:
    """A feed written from entries rendered one at a time (`entry(item)`) and stored: when
    `fragments` is set, they are the items, in order; `latest` the newest change."""

    fragments = None
    latest = None

    def latest_post_date(self):
        return self.latest or super().latest_post_date()


class XmlEntries(StoredEntries):
    def entry(self, item) -> str:
        out = io.StringIO()
        items, self.items = self.items, [item]
        try:
            super().write_items(SimplerXMLGenerator(out, "utf-8"))
        finally:
            self.items = items
        return out.getvalue()

    def write_items(self, handler):
        if self.fragments is None:
            return super().write_items(handler)
        handler.ignorableWhitespace("".join(self.fragments))  # written as they are


MEDIA_NS = "http://search.yahoo.com/mrss/"
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"  # RFC 6721


def hub_url() -> str:
    return settings.PRESSOFFICE_WEBSUB_HUB_URL


class RssFeed(XmlEntries, Rss201rev2Feed):
    content_type = "application/rss+xml; charset=utf-8"

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:media": MEDIA_NS,
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_root_elements(self, handler):
        super().add_root_elements(handler)  # includes atom:link rel="self"
        if hub_url():
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": hub_url()})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for category in item["detailed_categories"]:
            handler.addQuickElement("category", category["label"], {"domain": category["scheme"]})
        handler.addQuickElement("content:encoded", item["content_html"])
        # RSS has no per-item update time; Atom's element says when a major change came.
        handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        _edition(handler, item, "atom:link")
        _media(handler, item)

    def tombstone(self, gone) -> str:
        """A removed version's item: its id, reference and time of removal, nothing else."""
        out = io.StringIO()
        handler = SimplerXMLGenerator(out, "utf-8")
        handler.startElement("item", {})
        handler.addQuickElement("title", gone["title"])
        handler.addQuickElement("description", gone["text"])
        handler.addQuickElement("guid", gone["id"], {"isPermaLink": "false"})
        handler.addQuickElement("pubDate", rfc2822_date(gone["when"]))
        handler.addQuickElement("atom:updated", rfc3339_date(gone["when"]))
        handler.endElement("item")
        return out.getvalue()


class AtomFeed(XmlEntries, Atom1Feed):
    content_type = "application/atom+xml; charset=utf-8"

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS, "xmlns:at": TOMBSTONES_NS}

    def tombstone(self, gone) -> str:
        """RFC 6721 `at:deleted-entry`: the removed entry's id, when, and its reference."""
        out = io.StringIO()
        handler = SimplerXMLGenerator(out, "utf-8")
        handler.startElement("at:deleted-entry", {"ref": gone["id"], "when": rfc3339_date(gone["when"])})
        handler.addQuickElement("at:comment", gone["text"])
        handler.endElement("at:deleted-entry")
        return out.getvalue()

    def add_root_elements(self, handler):
        super().add_root_elements(handler)  # includes link rel="self"
        if hub_url():
            handler.addQuickElement("link", "", {"rel": "hub", "href": hub_url()})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})
        for category in item["detailed_categories"]:
            handler.addQuickElement(
                "category", "", {"term": category["term"], "scheme": category["scheme"], "label": category["label"]}
            )
        _edition(handler, item, "link")
        _media(handler, item)


def _edition(handler, item, element):
    """The signed edition this entry shows (statements/editions_views.py)."""
    if item.get("edition_url"):
        attributes = {"rel": "related", "type": "application/json", "href": item["edition_url"]}
        handler.addQuickElement(element, "", attributes)


def _media(handler, item):
    media = item.get("media")
    if not media:
        return
    handler.startElement(
        "media:content",
        {
            "url": media["url"],
            "type": media["type"],
            "medium": "image",
            "width": str(media["width"]),
            "height": str(media["height"]),
            "fileSize": str(media["size"]),
        },
    )
    handler.addQuickElement("media:description", media["alt"], {"type": "plain"})
    if media["credit"]:
        handler.addQuickElement("media:credit", media["credit"])
    handler.endElement("media:content")


class JsonFeed(StoredEntries, SyndicationFeed):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""

    content_type = "application/feed+json; charset=utf-8"
    ITEMS = "\x1eitems\x1e"

    def entry(self, item) -> str:
        return json.dumps(self._item(item), ensure_ascii=False, indent=1)

    def write(self, outfile, encoding):
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "authors": [{"name": self.feed["author_name"]}],
            "items": self.ITEMS if self.fragments is not None else [self._item(item) for item in self.items],
        }
        if hub_url():
            feed["hubs"] = [{"type": "WebSub", "url": hub_url()}]
        document = json.dumps(feed, ensure_ascii=False, indent=1)
        if self.fragments is not None:
            marker = json.dumps(self.ITEMS)
            document = document.replace(marker, "[" + ",\n".join(self.fragments) + "]", 1)
        outfile.write(document)

    def _item(self, item):
        entry = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "summary": item["summary_text"],
            "content_html": item["content_html"],
            "date_published": rfc3339_date(item["pubdate"]),
            "date_modified": rfc3339_date(item["updateddate"]),
            "authors": [{"name": item["author_name"]}],
            "tags": [category["label"] for category in item["detailed_categories"]],
            "language": item["language"],
            "_press_office": item["extension"],
        }
        if item.get("media"):
            entry["image"] = item["media"]["url"]
        return entry

    def tombstone(self, gone) -> str:
        """A removed version's item: its id, reference and time of removal, nothing else."""
        entry = {
            "id": gone["id"],
            "title": gone["title"],
            "content_text": gone["text"],
            "date_modified": rfc3339_date(gone["when"]),
            "_press_office": {"reference": gone["reference"], "removed": True},
        }
        return json.dumps(entry, ensure_ascii=False, indent=1)
