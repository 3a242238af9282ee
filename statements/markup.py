"""The Markdown subset editors write, rendered once on save and sanitised.

markdown-it-py parses with raw HTML disabled; nh3 (the ammonia sanitiser) then keeps
only the tags the subset produces, and only http, https and mailto links. Headings
are shifted down so a page keeps its single <h1> (the title).
"""

import re
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "a", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "code",
}  # fmt: skip
# Top-level blocks carry the number of the body paragraph they start in (`id="p-3"`), so a
# quote's page links to the exact paragraph; no other id survives.
ANCHORED = ("p", "blockquote", "ul", "ol", "h2", "h3", "h4")
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "ol": {"start", "id"},
    **{tag: {"id"} for tag in ANCHORED if tag != "ol"},
}
ANCHOR = re.compile(r"p-[0-9]{1,4}")
URL_SCHEMES = {"http", "https", "mailto"}
EXTERNAL_REL = "noopener nofollow"
HEADING_SHIFT = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}


def _anchor(token, env):
    """`id="p-N"` on a top-level block: N is the body paragraph (markup.paragraphs, from 1)
    its first line is in."""
    numbers = (env or {}).get("paragraph_of_line")
    if token.level == 0 and token.map and numbers and token.map[0] < len(numbers):
        token.attrSet("id", f"p-{numbers[token.map[0]]}")


def _block_open(renderer, tokens, idx, options, env):
    _anchor(tokens[idx], env)
    return renderer.renderToken(tokens, idx, options, env)


def _heading_open(renderer, tokens, idx, options, env):
    tokens[idx].tag = HEADING_SHIFT[tokens[idx].tag]
    _anchor(tokens[idx], env)
    return renderer.renderToken(tokens, idx, options, env)


def _heading_close(renderer, tokens, idx, options, env):
    tokens[idx].tag = HEADING_SHIFT[tokens[idx].tag]
    return renderer.renderToken(tokens, idx, options, env)


def _link_open(renderer, tokens, idx, options, env):
    href = tokens[idx].attrGet("href") or ""
    if urlsplit(href).scheme in {"http", "https"}:
        tokens[idx].attrSet("rel", EXTERNAL_REL)
    return renderer.renderToken(tokens, idx, options, env)


def _validate_link(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in URL_SCHEMES or scheme == ""


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline", "code", "fence", "table"], ignoreInvalid=True)
    md.validateLink = _validate_link
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    md.add_render_rule("link_open", _link_open)
    for name in ("paragraph_open", "blockquote_open", "bullet_list_open", "ordered_list_open"):
        md.add_render_rule(name, _block_open)
    return md


_PARSER = _build_parser()


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    # Only the rel value this module sets survives; anything else an author could
    # smuggle in is dropped.
    if attribute == "rel":
        return value if value == EXTERNAL_REL else None
    if attribute == "id":
        return value if ANCHOR.fullmatch(value) else None
    return value


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        attribute_filter=_keep_attribute,
        strip_comments=True,
    )


def render(text: str) -> str:
    """Markdown subset → safe HTML. Never raises: malformed Markdown renders as text."""
    return sanitise(_PARSER.render(text or "", {"paragraph_of_line": _paragraph_of_line(text or "")}))


def _paragraph_of_line(text: str) -> list[int]:
    """For each source line, the number (from 1) of the paragraph it belongs to, counted
    as `paragraphs()` counts them (blocks between blank lines)."""
    numbers, number, in_block = [], 0, False
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line == "":
            in_block = False
        elif not in_block and line.strip():
            number, in_block = number + 1, True
        numbers.append(max(number, 1))
    return numbers


def paragraphs(text: str) -> list[str]:
    """The body split on blank lines: the unit of alignment for translation."""
    normalised = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    blocks = (block.strip() for block in normalised.split("\n\n"))
    return [block for block in blocks if block]
