"""The Markdown subset renders safely whatever an author types."""

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statements import markup

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '[click](https://example.org/" onmouseover="alert(1))',
    '[click](https://example.org "title\\" onclick=\\"alert(1)")',
    "![x](javascript:alert(1))",
    '![x](https://example.org/x.png" onerror="alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://example.org"></iframe>',
    '<object data="x.swf"></object>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<details open ontoggle=alert(1)>",
    "[x]: javascript:alert(1)\n\n[ref][x]",
    "<javascript:alert(1)>",
    "<body onload=alert(1)>",
    "<!--<script>alert(1)//-->",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "# <svg onload=alert(1)>",
]


def dangerous_parts(html: str) -> list[str]:
    """Every script element, on* attribute, or javascript:/data: URL in parsed HTML."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    found = []
    for element in tree.iter():
        if element.tag in {"script", "iframe", "object", "embed", "style", "svg", "math", "form", "img"}:
            found.append(element.tag)
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or name.lower() == "style":
                found.append(f"{element.tag}@{name}")
            if name.lower() in {"href", "src", "action", "formaction", "data"}:
                scheme = value.strip().lower().replace("\t", "").split(":", 1)[0]
                if ":" in value and scheme not in {"http", "https", "mailto"}:
                    found.append(f"{element.tag}@{name}={value}")
    return found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_rendered_inert(payload):
    assert dangerous_parts(markup.render(payload)) == []
    assert dangerous_parts(markup.render(f"Before\n\n{payload}\n\nAfter *text*")) == []


def test_payload_count_covers_the_brief():
    assert len(XSS_PAYLOADS) >= 20


def test_subset_elements():
    html = markup.render("# Heading\n\n## Sub\n\n*em* **strong**\n\n> quote\n\n1. one\n2. two\n\n- a\n- b")
    assert '<h2 id="p-1">Heading</h2>' in html and '<h3 id="p-2">Sub</h3>' in html
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html
    assert '<blockquote id="p-4">' in html and '<ol id="p-5">' in html and '<ul id="p-6">' in html
    assert "<h1" not in html


def test_deep_headings_stop_at_h4():
    assert markup.render("###### Six") == '<h4 id="p-1">Six</h4>\n'


def test_top_level_blocks_carry_their_paragraph_number():
    """A quote's page links to `#p-N`: N counts blocks as `paragraphs()` does, so the
    anchor is the paragraph the quote stands in, whatever Markdown makes of it."""
    body = "First line\nsame paragraph\n\n> Quoted\n\nThird “with words”"
    html = markup.render(body)
    assert '<p id="p-1">First line' in html and '<blockquote id="p-2">' in html
    assert '<p id="p-3">Third' in html
    assert markup.paragraphs(body)[2] == "Third “with words”"
    # Nested blocks carry none, and no other id survives the sanitiser.
    assert html.count("id=") == 3
    assert 'id="x"' not in markup.sanitise('<p id="x">a</p>') and 'id="p-7"' in markup.sanitise('<p id="p-7">a</p>')


def test_external_links_get_rel_internal_do_not():
    html = markup.render("[out](https://example.org/a) [in](/en/statements/) [mail](mailto:office@example.org)")
    assert '<a href="https://example.org/a" rel="noopener nofollow">out</a>' in html
    assert '<a href="/en/statements/">in</a>' in html
    assert '<a href="mailto:office@example.org">mail</a>' in html


def test_raw_html_shown_as_text_not_lost():
    assert "&lt;b&gt;bold&lt;/b&gt;" in markup.render("<b>bold</b>")


def test_malformed_markdown_renders():
    html = markup.render("**unclosed *emphasis [link](http://x\n\n> > >\n\n1) 2) 3)")
    assert "unclosed" in html


def test_paragraphs_split_on_blank_lines():
    assert markup.paragraphs("One\r\n\r\nTwo\n\n\n  \nThree\rstill three") == ["One", "Two", "Three\nstill three"]


@settings(deadline=None, max_examples=200)
@given(st.text())
def test_any_text_renders_without_danger(text):
    assert dangerous_parts(markup.render(text)) == []
