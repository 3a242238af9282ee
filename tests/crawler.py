"""An anonymous crawler over the public site, for the leak and XSS suites.

Starts from the given addresses, follows every same-site address found in HTML
attributes, XML elements and attributes, and JSON strings (pages, feeds, sitemaps, the
API, images), and hands each response to the caller. Never enters the admin.
"""

import html
import json
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.test import Client

HOST = "http://testserver"
ATTRIBUTE_URL = re.compile(r"""(?:href|src|srcset|content|action|url|uri)\s*=\s*["']([^"']+)["']""", re.I)
ELEMENT_URL = re.compile(r"<(?:loc|link|id|url|uri)>\s*([^<\s]+)\s*</", re.I)
ABSOLUTE_URL = re.compile(r"""https?://testserver[^\s"'<>)\\]*""")


def addresses_in(text: str, content_type: str) -> set[str]:
    found = set()
    candidates = []
    if "json" in content_type:
        try:
            candidates += list(_json_strings(json.loads(text)))
        except ValueError:
            pass
    candidates += ATTRIBUTE_URL.findall(text) + ELEMENT_URL.findall(text) + ABSOLUTE_URL.findall(text)
    for raw in candidates:
        for part in html.unescape(raw).split(","):  # srcset: "url 320w, url 640w"
            address = part.strip().split(" ")[0]
            local = local_path(address)
            if local:
                found.add(local)
    return found


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def local_path(address: str) -> str | None:
    """The path and query of a same-site address, or None."""
    address = urldefrag(address)[0]
    if address.startswith(HOST):
        address = address[len(HOST) :] or "/"
    if not address.startswith("/") or address.startswith("//"):
        return None
    path = urlsplit(address).path
    if path.startswith("/" + settings.PRESSOFFICE_ADMIN_PATH) or path.startswith("/preview/"):
        return None
    return address


def crawl(start, visit, *, limit=5000, client=None):
    """Breadth-first from `start`; `visit(address, response, text)` for each response.
    Returns the addresses fetched. Fails when the site has more than `limit` of them."""
    client = client or Client()
    queue, seen = deque(), set()
    for address in start:
        if address not in seen:
            seen.add(address)
            queue.append(address)
    while queue:
        address = queue.popleft()
        response = client.get(address)
        content_type = response.get("Content-Type", "")
        text = ""
        if not content_type.startswith("image/") and not response.streaming:
            text = response.content.decode("utf-8", errors="replace")
        visit(address, response, text)
        following = set()
        if response.status_code in (301, 302, 303, 307, 308):
            following = {p for p in [local_path(response["Location"])] if p}
        elif text:
            following = addresses_in(text, content_type)
        for found in sorted(following - seen):
            seen.add(found)
            queue.append(found)
        assert len(seen) <= limit, f"the crawl passed {limit} addresses"
    return seen
