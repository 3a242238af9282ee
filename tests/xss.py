"""Payloads and checkers shared by the XSS suite and its browser half.

Every payload is plain text an editor (or an importer, or a translator's XLIFF file)
could type. Outputs are parsed the way their readers parse them (html5lib for HTML,
an XML parser for feeds, json for JSON) and checked for anything that could run.
"""

import datetime
import json
import re
from xml.etree import ElementTree

import html5lib
from defusedxml.ElementTree import fromstring as parse_xml
from django.conf import settings

from statements import workflow

from .factories import appoint, make_country, make_person, make_role, make_staff, make_statement, make_topic

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">click</a>',
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)' x='",
    '" onfocus="alert(1)" autofocus="',
    "</script><script>alert(1)</script>",
    "</script><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "]]><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.org/x.png)',
    "<javascript:alert(1)>",
    '[a](https://example.org/" onclick="alert(1))',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "{{ settings.SECRET_KEY }}{% debug %}",
    "<style>@import 'javascript:alert(1)';</style>",
    "\u202e<script>alert(1)</script>",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data", "background"}
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "foreignobject"}
SCRIPT_DATA_TYPES = {"application/ld+json", "application/json"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
SAME_SITE_SCRIPTS = ("/static/", "http://testserver/static/", f"/{settings.PRESSOFFICE_ADMIN_PATH}jsi18n/")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def html_problems(text: str) -> list[str]:
    """Anything in an HTML document or fragment that could run script."""
    problems = []
    document = html5lib.parse(text, namespaceHTMLElements=False)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = _local(element.tag)
        if tag == "script":
            kind = (element.get("type") or "").lower()
            if kind in SCRIPT_DATA_TYPES:
                try:
                    json.loads(element.text or "")
                except ValueError:
                    problems.append(f"a {kind} block that is not JSON: {(element.text or '')[:80]!r}")
            elif not (element.get("src") or "").startswith(SAME_SITE_SCRIPTS):
                problems.append(f"script element: {ElementTree.tostring(element)[:120]!r}")
        if tag in FORBIDDEN_ELEMENTS:
            problems.append(f"{tag} element")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            problems.append("meta refresh")
        for name, value in element.attrib.items():
            attribute = _local(name)
            if attribute.startswith("on"):
                problems.append(f"{attribute} attribute on {tag}")
            squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if attribute in URL_ATTRIBUTES and squeezed.startswith(DANGEROUS_SCHEMES):
                problems.append(f"{attribute}={value[:60]!r} on {tag}")
            if attribute == "style" and ("javascript:" in squeezed or "expression(" in squeezed):
                problems.append(f"style={value[:60]!r}")
    return problems


def json_ld_problems(text: str) -> list[str]:
    """The raw JSON-LD blocks: one element each, parseable, with no "<" left raw (so
    no "</script>" can end the block early)."""
    problems = []
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S):
        if "<" in block:
            problems.append(f"raw < in JSON-LD: {block[:80]!r}")
        try:
            json.loads(block)
        except ValueError:
            problems.append("JSON-LD does not parse")
    return problems


def feed_problems(text: str, kind: str) -> list[str]:
    """RSS/Atom: well-formed XML, HTML-bearing elements safe; JSON Feed and ninjs: JSON,
    HTML members safe, no script URL anywhere."""
    problems = []
    if kind in ("rss", "atom"):
        try:
            root = parse_xml(text.encode())
        except ElementTree.ParseError as error:
            return [f"feed is not well-formed XML: {error}"]
        for element in root.iter():
            tag = _local(element.tag)
            is_html = tag in {"description", "encoded"} or (
                tag in {"content", "summary"} and element.get("type") == "html"
            )
            if is_html and element.text:
                problems += [f"<{tag}>: {p}" for p in html_problems(element.text)]
            for name, value in element.attrib.items():
                if _local(name) in {"href", "url", "uri"} and value.lower().startswith(DANGEROUS_SCHEMES):
                    problems.append(f"{tag} {name}={value[:60]!r}")
            if tag in {"link", "loc", "uri", "comments", "docs"} and (element.text or "").strip().lower().startswith(
                DANGEROUS_SCHEMES
            ):
                problems.append(f"<{tag}> {element.text[:60]!r}")
        return problems
    try:
        data = json.loads(text)
    except ValueError as error:
        return [f"not JSON: {error}"]
    for key, value in _members(data):
        if not isinstance(value, str):
            continue
        if key in {"content_html", "body_html", "summary_html"} or key.endswith("_html"):
            problems += [f"{key}: {p}" for p in html_problems(value)]
        if key in {"url", "external_url", "uri", "href", "image", "banner_image", "home_page_url", "feed_url"}:
            if value.strip().lower().startswith(DANGEROUS_SCHEMES):
                problems.append(f"{key}={value[:60]!r}")
    return problems


def _members(value, key=""):
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _members(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _members(item, key)
    else:
        yield key, value


# The world of one payload: every editable text field holds "zx<field>zx <payload>".

FIELDS = [
    "title",
    "standfirst",
    "body",
    "titlefa",
    "bodyfa",
    "person",
    "personfa",
    "alias",
    "role",
    "rolefa",
    "topic",
    "topicfa",
    "country",
    "countryfa",
    "caption",
    "alt",
    "altfa",
    "credit",
    "place",
    "changenote",
    "withdrawal",
    "rejection",
    "forcereason",
    "linknote",
]


def tag(field: str) -> str:
    return f"zx{field}zx"


def build(payload: str) -> dict:
    def v(field):
        return f"{tag(field)} {payload}"

    from PIL import Image as Pillow

    from .pictures import encode, store

    editor, publisher = make_staff("Editor", "ed"), make_staff("Publisher", "pub")
    other_publisher = make_staff("Publisher", "pub2")
    image = store(
        "photo.png",
        encode(Pillow.new("RGB", (400, 300), "teal"), "PNG"),
        alt_text=v("alt"),
        alt_texts={"fa": v("altfa")},
        caption=v("caption"),
        credit=v("credit"),
    )
    country = make_country("XQ", v("country"), names={"fa": v("countryfa")})
    role = make_role(v("role"), names={"fa": v("rolefa")})
    person = make_person(
        v("person"), slug="person-x", names={"fa": v("personfa")}, aliases=[v("alias")], country=country
    )
    appoint(person, role, datetime.date(2020, 1, 1))
    topic = make_topic(v("topic"), slug="topic-x", names={"fa": v("topicfa")})
    statement = make_statement(
        participants=[person],
        topics=[topic],
        featured_image=image,
        location=v("place"),
        occurred_on=datetime.date(2024, 6, 3),
    )
    statement.countries.set([country])

    def draft(target, field_title, field_body, language="en", base=0, extra_text="", **extra):
        return workflow.save_draft(
            translation=target,
            actor=editor,
            title=v(field_title),
            standfirst=v("standfirst") if language == "en" else "",
            body=f"{v(field_body)}\n\nSecond paragraph: {payload}{extra_text}\n\n"
            f"[{tag('link')}](https://example.org/?q={payload[:20]})",
            base_revision=base,
            **extra,
        )

    from statements.models import Translation

    version = Translation(statement=statement, language="en")
    draft(version, "title", "body")
    workflow.submit_for_review(translation=version, actor=editor)
    workflow.reject(translation=version, actor=publisher, reason=v("rejection"))
    draft(version, "title", "body", base=1, extra_text=" Revised.")
    workflow.submit_for_review(translation=version, actor=editor)
    workflow.publish(translation=version, actor=publisher)
    draft(version, "title", "body", base=2, extra_text=" Corrected.", change_note=v("changenote"), is_major=True)
    workflow.submit_for_review(translation=version, actor=editor)
    workflow.publish(translation=version, actor=publisher, major=True, change_note=v("changenote"))
    persian = workflow.start_translation(source=version, language="fa", actor=editor)
    draft(persian, "titlefa", "bodyfa", language="fa", base=persian.revisions.count())
    workflow.submit_for_review(translation=persian, actor=editor)
    workflow.publish(translation=persian, actor=publisher)
    workflow.create_preview_link(translation=version, actor=publisher, note=v("linknote"))

    withdrawn_statement = make_statement(participants=[person], occurred_on=datetime.date(2024, 6, 1))
    withdrawn = Translation(statement=withdrawn_statement, language="en")
    draft(withdrawn, "title", "body")
    workflow.force_publish(translation=withdrawn, actor=publisher, reason=v("forcereason"))
    workflow.withdraw(translation=withdrawn, actor=other_publisher, explanation=v("withdrawal"))
    for item in (version, persian, withdrawn):
        item.refresh_from_db()
    return {
        "version": version,
        "persian": persian,
        "withdrawn": withdrawn,
        "person": person,
        "topic": topic,
        "country": country,
        "role": role,
        "image": image,
    }
