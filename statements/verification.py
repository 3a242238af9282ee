"""/verify/: does a text, a saved record or an edition address match what the office
signed? Checked here (so it works without JavaScript) and again in the reader's browser
with WebCrypto's Ed25519 (static/js/verify.js), so the reader need not trust the server.

Every check that fails gives its reason; nothing here raises on bad input.
"""

import base64
import binascii
import dataclasses
import hashlib
import json
import re

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import editions, signing, tlog, transparency
from .editions_views import EDITION_ADDRESS, edition_address, find_edition
from .models import Edition, SigningKey, Translation

MAX_TEXT = 200_000  # characters of pasted text
MAX_UPLOAD = 2_000_000  # bytes of an uploaded record


@dataclasses.dataclass
class Result:
    verified: bool
    reasons: list
    edition: Edition | None = None
    version: Translation | None = None
    record: dict | None = None
    tree_size: int | None = None
    json_url: str = ""
    sig_url: str = ""


def check(request, version, edition, data: bytes | None = None, signature: bytes | None = None) -> Result:
    """Check `data` (default: the stored edition) against the edition's signature (or the
    one given), the key's state and the log's latest checkpoint."""
    data = bytes(edition.canonical) if data is None else data
    reasons = []
    if hashlib.sha256(data).hexdigest() != edition.sha256:
        reasons.append(_("The record differs from the edition the office signed: it has been altered."))
    key = edition.key
    if signature is not None:
        key = _key_for(signature, data)
        if key is None:
            reasons.append(_("The signature was not made by any key the office has published."))
    elif not signing.verify(key.public_key, edition.signature, data):
        reasons.append(_("The signature does not verify with the office's key."))
    if key is not None and not signing.key_valid_at(key, edition.created_at):
        if key.revoked_at is not None:
            reasons.append(
                _("The key that signed it was revoked on %(when)s, before this edition was signed.")
                % {"when": editions.utc(key.revoked_at)}
            )
        else:
            reasons.append(_("The key that signed it was retired before this edition was signed."))
    latest = transparency.latest_checkpoint()
    tree_size = None
    if latest is None or edition.leaf_index >= latest.tree_size:
        reasons.append(_("The edition is not in the transparency log's latest checkpoint."))
    else:
        tree_size = latest.tree_size
        proof = transparency.inclusion(edition.leaf_index, tree_size)
        if not tlog.verify_inclusion(
            edition.leaf_index, tree_size, tlog.leaf_hash(data), proof, bytes(latest.root_hash)
        ):
            reasons.append(_("The record is not in the transparency log."))
    gone = version.is_unpublished
    try:
        record = None if gone else json.loads(data)
    except ValueError:
        record = None
    return Result(
        verified=not reasons,
        reasons=reasons,
        edition=edition,
        version=version,
        record=record,
        tree_size=tree_size,
        json_url="" if gone else edition_address(request, version, edition.number),
        sig_url=edition_address(request, version, edition.number, "sig"),
    )


def _key_for(signature: bytes, data: bytes):
    for key in SigningKey.objects.all():
        if signing.verify(key.public_key, signature, data):
            return key
    return None


def _served(now):
    return Edition.objects.filter(
        public_from__lte=now, translation__in=Translation.objects.once_public(now).values("pk")
    ).select_related("key", "translation")


def by_address(request, address: str) -> list[Result] | str:
    match = EDITION_ADDRESS.search(address.strip())
    if match is None:
        return _("That is not an edition address: it ends in /api/editions/<version id>/<edition number>.json.")
    found = find_edition(match["uuid"], int(match["number"]), timezone.now())
    if found is None:
        return _("The office has published no such edition.")
    return [check(request, *found)]


def by_record(request, data: bytes, signature: bytes | None) -> list[Result] | str:
    now = timezone.now()
    edition = _served(now).filter(sha256=hashlib.sha256(data).hexdigest()).first()
    if edition is not None:
        return [check(request, edition.translation, edition, data, signature)]
    try:
        claimed = json.loads(data)
        version_id, number = str(claimed["version_id"]), int(claimed["edition"])
    except (ValueError, KeyError, TypeError):
        return _("This is not a record the office signed, and it names no edition of the office.")
    found = find_edition(version_id, number, now) if re.fullmatch(r"[0-9a-f-]{36}", version_id) else None
    if found is None:
        return _("The record names an edition the office has not published.")
    return [check(request, *found, data=data, signature=signature)]


def by_text(request, text: str) -> list[Result] | str:
    digest = editions.text_digest(text)
    matches = list(_served(timezone.now()).filter(text_sha256=digest).order_by("translation_id", "number")[:20])
    if not matches:
        return _(
            "No signed edition has exactly this text. Paste the statement's body only (without its headline), "
            "or check its edition address instead."
        )
    return [check(request, edition.translation, edition) for edition in matches]


@csrf_exempt  # it changes nothing: checking a text needs no token, and other tools post here
def verify_view(request):
    context = {"text": "", "address": request.GET.get("edition", ""), "results": None, "problem": ""}
    if request.method == "POST":
        context["text"] = request.POST.get("text", "")[:MAX_TEXT]
        context["address"] = request.POST.get("address", "")
        outcome = _post(request, context)
    elif context["address"]:
        outcome = by_address(request, context["address"])
    else:
        outcome = None
    if isinstance(outcome, str):
        context["problem"] = outcome
    elif outcome is not None:
        context["results"] = outcome
    status = 400 if context["problem"] else 200
    response = TemplateResponse(request, "statements/verify.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _post(request, context):
    upload = request.FILES.get("record")
    signature = request.POST.get("signature", "").strip()
    try:
        raw_signature = base64.b64decode(signature, validate=True) if signature else None
    except (ValueError, binascii.Error):
        return _("The signature must be base64, as served at …/<n>.sig.")
    if upload is not None:
        if upload.size > MAX_UPLOAD:
            return _("That file is too large to be a record.")
        return by_record(request, upload.read(), raw_signature)
    if context["address"].strip():
        return by_address(request, context["address"])
    if context["text"].strip():
        if EDITION_ADDRESS.search(context["text"].strip()):
            return by_address(request, context["text"])
        return by_text(request, context["text"])
    return _("Paste a statement's text or its edition address, or choose a saved record.")
