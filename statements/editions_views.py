"""The public addresses of signed editions and the transparency log (read by others'
tools; their shapes are a contract, README "Verifying a statement"):

- `/.well-known/press-office/keys.json`: every key the office signed with, and its state;
- `/api/editions/<version uuid>/`: a version's editions; `<n>.json` the canonical bytes
  exactly as signed; `<n>.sig` the signature (base64 of the raw 64 bytes);
- `/transparency/checkpoint`: the log's latest signed checkpoint (C2SP signed note), with
  its witnesses' cosignatures; `/transparency/checkpoint/<size>` an earlier one;
- `/transparency/proof/inclusion?edition=<uuid>/<n>&size=<tree size>`,
  `/transparency/proof/consistency?from=<m>&to=<n>`: RFC 9162 proofs, base64 hashes.

Versions are reached through `Translation.objects.once_public()` (the visibility rule,
plus versions unpublished after being public, whose editions list only numbers, times and
hashes): a draft's UUID answers exactly like an unknown one. An edition is served from
its `public_from`. Nothing here is kept in the page cache: every answer is current at
once, with an ETag so that pollers pay only for changes.
"""

import hashlib
import json
import re

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _

from . import editions, signing, transparency, witnesses
from .models import Checkpoint, Edition, SigningKey, Translation

JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
EDITION_ADDRESS = re.compile(
    r"(?:^|/api/editions/)(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/(?P<number>[0-9]{1,9})"
    r"(?:\.json|\.sig)?/?$",
    re.IGNORECASE,
)


def _answer(request, content: bytes | str, content_type=JSON, status=200):
    data = content.encode() if isinstance(content, str) else content
    response = None
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    if status == 200:
        response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(data, content_type=content_type, status=status)
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"  # others' tools and verifiers read these
    patch_cache_control(response, no_cache=True, public=True)
    return response


def _json(request, value, status=200):
    return _answer(request, json.dumps(value, ensure_ascii=False, indent=1), status=status)


def _error(request, message, status=400):
    return _json(request, {"error": message}, status=status)


def keys_json(request):
    keys = [
        {
            "key_id": key.key_id,
            "algorithm": key.algorithm,
            "public_key": signing.b64(key.public_key),
            "valid_from": editions.utc(key.valid_from),
            "valid_until": editions.utc(key.valid_until),
            "status": key.state,
            "revoked_at": editions.utc(key.revoked_at),
        }
        for key in SigningKey.objects.order_by("valid_from", "pk")
    ]
    return _json(request, {"keys": keys, "log": {"origin": transparency.origin()}})


def _version(uuid, now):
    version = Translation.objects.once_public(now).filter(uuid=uuid).first()
    if version is None:
        raise Http404
    return version


def served_editions(version, now):
    return version.editions.filter(public_from__lte=now).select_related("key").order_by("number")


def edition_address(request, version, number, suffix="json"):
    return request.build_absolute_uri(f"/api/editions/{version.uuid}/{number}.{suffix}")


def edition_list(request, uuid):
    now = timezone.now()
    version = _version(uuid, now)
    gone = version.is_unpublished
    found = [
        {
            "edition": edition.number,
            "status": edition.status,
            "change": edition.change,
            "created_at": editions.utc(edition.created_at),
            "sha256": edition.sha256,
            "leaf_index": edition.leaf_index,
            "key_id": edition.key.key_id,
            "record": None if gone else edition_address(request, version, edition.number),
            "signature": edition_address(request, version, edition.number, "sig"),
        }
        for edition in served_editions(version, now)
    ]
    if not found:
        raise Http404
    return _json(request, {"version_id": str(version.uuid), "unpublished": gone, "editions": found})


def _edition(uuid, number, now):
    version = _version(uuid, now)
    edition = served_editions(version, now).filter(number=number).first()
    if edition is None:
        raise Http404
    return version, edition


def edition_record(request, uuid, number):
    version, edition = _edition(uuid, number, timezone.now())
    if version.is_unpublished:
        message = _("This statement was taken off the site; its editions' hashes stay in the list and the log.")
        return _answer(request, message + "\n", TEXT, status=410)
    return _answer(request, bytes(edition.canonical))


def edition_signature(request, uuid, number):
    edition = _edition(uuid, number, timezone.now())[1]
    return _answer(request, signing.b64(edition.signature) + "\n", TEXT)


def checkpoint(request, size=None):
    """The latest checkpoint, or the one of `size` (for consistency checks), with the
    cosignatures of the witnesses that have cosigned it."""
    if size is None:
        found = transparency.latest_checkpoint()
        if found is None:
            return _answer(request, _("The log is empty: nothing has been published yet.") + "\n", TEXT, status=404)
    else:
        found = Checkpoint.objects.filter(tree_size=size).first()
        if found is None:
            raise Http404
    return _answer(request, witnesses.served_note(found), TEXT)


def _whole(value: str, name: str) -> int:
    if not value or not value.isdigit() or len(value) > 18:
        raise ValueError(_("%(name)s must be a whole number.") % {"name": name})
    return int(value)


def inclusion_proof(request):
    latest = transparency.latest_checkpoint()
    match = EDITION_ADDRESS.search(request.GET.get("edition", ""))
    if match is None:
        return _error(request, _("edition must be a version's UUID and an edition number: <uuid>/<n>."))
    try:
        tree_size = _whole(request.GET.get("size", ""), "size")
    except ValueError as error:
        return _error(request, str(error))
    if latest is None or not 1 <= tree_size <= latest.tree_size:
        return _error(request, _("The log has no checkpoint of that size."))
    edition = _edition(match["uuid"], int(match["number"]), timezone.now())[1]
    if edition.leaf_index >= tree_size:
        return _error(request, _("That edition was logged after the tree had this size."))
    hashes = transparency.inclusion(edition.leaf_index, tree_size)
    return _json(
        request,
        {"leaf_index": edition.leaf_index, "tree_size": tree_size, "hashes": [signing.b64(h) for h in hashes]},
    )


def consistency_proof(request):
    latest = transparency.latest_checkpoint()
    try:
        first = _whole(request.GET.get("from", ""), "from")
        second = _whole(request.GET.get("to", ""), "to")
    except ValueError as error:
        return _error(request, str(error))
    if latest is None or not 1 <= first <= second <= latest.tree_size:
        return _error(request, _("Give two tree sizes with 1 ≤ from ≤ to ≤ the latest checkpoint's size."))
    hashes = transparency.consistency(first, second) if first < second else []
    return _json(request, {"from": first, "to": second, "hashes": [signing.b64(h) for h in hashes]})


def find_edition(uuid, number, now) -> tuple[Translation, Edition] | None:
    try:
        return _edition(uuid, number, now)
    except Http404:
        return None
