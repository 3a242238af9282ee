"""XLIFF 1.2 for translation agencies: one file per version, one segment per paragraph.

Segment ids are `title`, `standfirst` and `p0`, `p1`, … (the paragraph index). The
`<file>` element carries, in this project's namespace, the statement's content id, the
version's uuid, the version's newest revision number when exported (the base of the
optimistic lock) and the original's revision the source text comes from. Files are
parsed with defusedxml: DTDs, entities and external references are refused.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _

from . import markup
from .translating import original_of

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
PO_NS = "https://pressoffice.invalid/ns/xliff"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SEGMENT_ID = re.compile(r"^(title|standfirst|p(0|[1-9]\d{0,4}))$")

register_namespace("", XLIFF_NS)
register_namespace("po", PO_NS)


def _q(name: str) -> str:
    return f"{{{XLIFF_NS}}}{name}"


def _p(name: str) -> str:
    return f"{{{PO_NS}}}{name}"


def export(translation, source, target_revision) -> bytes:
    """The XLIFF document of `translation`: source text from the original's revision
    `source`, target text from the translation's newest revision."""
    statement = translation.statement
    root = Element(_q("xliff"), {"version": "1.2"})
    file = SubElement(
        root,
        _q("file"),
        {
            "original": f"pressoffice:{statement.reference}:{translation.language}",
            "source-language": statement.original_language,
            "target-language": translation.language,
            "datatype": "plaintext",
            "product-name": "Press Office",
            _p("statement"): str(statement.content_id),
            _p("version"): str(translation.uuid),
            _p("base-revision"): str(target_revision.number if target_revision else 0),
            _p("source-revision"): str(source.number),
        },
    )
    header = SubElement(file, _q("header"))
    note = SubElement(header, _q("note"))
    note.text = _(
        "Translate each <target>. Keep Markdown marks (*, **, [text](link), >) as they are; "
        "paragraphs must stay one per unit."
    )
    body = SubElement(file, _q("body"))
    source_units = _units(source.title, source.standfirst, source.body)
    target_units = (
        _units(target_revision.title, target_revision.standfirst, target_revision.body) if target_revision else {}
    )
    for unit_id, text in source_units.items():
        unit = SubElement(body, _q("trans-unit"), {"id": unit_id, "resname": unit_id})
        source_element = SubElement(unit, _q("source"), {XML_LANG: statement.original_language})
        source_element.text = text
        target_element = SubElement(unit, _q("target"), {XML_LANG: translation.language})
        target_element.text = target_units.get(unit_id, "")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8")


def _units(title, standfirst, body) -> dict[str, str]:
    units = {"title": title, "standfirst": standfirst}
    units.update({f"p{index}": text for index, text in enumerate(markup.paragraphs(body))})
    return units


def export_many(items) -> bytes:
    """A zip of XLIFF files: `items` yields (filename, document bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, document in items:
            archive.writestr(name, document)
    return buffer.getvalue()


@dataclass
class Imported:
    title: str = ""
    standfirst: str = ""
    body: str = ""
    base_revision: int = 0
    errors: list[str] = field(default_factory=list)


def parse(data: bytes, translation) -> Imported:
    """Read an XLIFF file for `translation`; `errors` says everything that is wrong."""
    result = Imported()
    if len(data) > settings.PRESSOFFICE_XLIFF_MAX_BYTES:
        result.errors.append(
            _("The file is larger than %(limit)s kB.") % {"limit": settings.PRESSOFFICE_XLIFF_MAX_BYTES // 1000}
        )
        return result
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, SafeET.ParseError, ValueError) as error:
        result.errors.append(_("The file is not well-formed, safe XML (%(reason)s).") % {"reason": error})
        return result
    if root.tag != _q("xliff") or root.get("version") != "1.2":
        result.errors.append(_("This is not an XLIFF 1.2 document."))
        return result
    files = root.findall(_q("file"))
    if len(files) != 1:
        result.errors.append(_("The document must hold exactly one <file>."))
        return result
    _check_file(files[0], translation, result)
    allowed = _allowed_ids(files[0], translation, result)
    units = _read_units(files[0], result, allowed)
    if result.errors:
        return result
    result.title = units.get("title", "").strip()
    result.standfirst = units.get("standfirst", "").strip()
    paragraphs = sorted((int(uid[1:]), text.strip()) for uid, text in units.items() if uid.startswith("p"))
    result.body = "\n\n".join(text for _index, text in paragraphs if text)
    if not result.title:
        result.errors.append(_("The title has no translation."))
    if not result.body:
        result.errors.append(_("The body has no translation."))
    return result


def _check_file(file, translation, result):
    statement = translation.statement
    expected = {
        _p("statement"): (str(statement.content_id), _("This file belongs to another statement.")),
        _p("version"): (str(translation.uuid), _("This file belongs to another version of the statement.")),
        "target-language": (
            translation.language,
            _("The file's target language is “%(found)s”, not “%(wanted)s”."),
        ),
        "source-language": (
            statement.original_language,
            _("The file's source language is “%(found)s”, not the original's “%(wanted)s”."),
        ),
    }
    for attribute, (wanted, message) in expected.items():
        found = file.get(attribute) or ""
        if found != wanted:
            result.errors.append(message % {"found": found, "wanted": wanted} if "%(" in message else message)
    base = file.get(_p("base-revision")) or ""
    if not base.isdigit():
        result.errors.append(_("The file does not say which revision it was exported from."))
        return
    result.base_revision = int(base)
    latest = translation.latest_revision()
    current = latest.number if latest else 0
    if result.base_revision != current:
        result.errors.append(
            _(
                "The version has changed since this file was exported (revision %(base)s then, %(now)s now): "
                "export it again and carry the translation over."
            )
            % {"base": result.base_revision, "now": current}
        )


def _allowed_ids(file, translation, result) -> set[str]:
    """The segment ids of the original's revision the file was made from."""
    number = file.get(_p("source-revision")) or ""
    original = original_of(translation)
    source = original.revisions.filter(number=int(number)).first() if original and number.isdigit() else None
    if source is None:
        result.errors.append(_("The file does not name a revision of the original."))
        return set()
    return set(_units(source.title, source.standfirst, source.body))


def _read_units(file, result, allowed: set[str]) -> dict[str, str]:
    units = {}
    for unit in file.iter(_q("trans-unit")):
        unit_id = unit.get("id") or ""
        if not SEGMENT_ID.match(unit_id) or (allowed and unit_id not in allowed):
            result.errors.append(_("Unknown segment id “%(id)s”.") % {"id": unit_id[:40]})
            continue
        if unit_id in units:
            result.errors.append(_("Segment “%(id)s” appears twice.") % {"id": unit_id})
            continue
        target = unit.find(_q("target"))
        units[unit_id] = "".join(target.itertext()) if target is not None else ""
    return units
