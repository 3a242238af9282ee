"""Signed editions, signing keys, checkpoints and witnesses in the admin: read only (the
workflow writes editions; `manage.py signing_key` and `witness` manage keys and witnesses)."""

import json

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import signing
from ..models import Checkpoint, Edition, SigningKey, Witness
from .read_only import ReadOnlyModelAdmin

BINARY = {"canonical", "signature", "public_key", "root_hash"}


class WithoutBytes(ReadOnlyModelAdmin):
    """Read only, with raw bytes shown as text."""

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name not in BINARY] + list(
            self.readonly_extra
        )

    readonly_extra = ()

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)


@admin.register(Edition)
class EditionAdmin(WithoutBytes):
    list_display = ["translation", "number", "change", "status", "created_at", "public_from", "leaf_index"]
    list_filter = ["change", "status", "translation__language"]
    search_fields = ["sha256", "translation__statement__reference", "translation__title"]
    list_select_related = ["translation"]
    readonly_extra = ("public_record", "signature_base64", "record")
    date_hierarchy = "created_at"

    @admin.display(description=_("public address"))
    def public_record(self, edition):
        url = reverse("edition", args=[edition.translation.uuid, edition.number])
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("signature"))
    def signature_base64(self, edition):
        return signing.b64(edition.signature)

    @admin.display(description=_("record"))
    def record(self, edition):
        pretty = json.dumps(json.loads(bytes(edition.canonical)), ensure_ascii=False, indent=2)
        return format_html('<pre dir="auto" style="white-space: pre-wrap">{}</pre>', pretty)


@admin.register(SigningKey)
class SigningKeyAdmin(WithoutBytes):
    list_display = ["key_id", "state", "valid_from", "valid_until", "revoked_at"]
    readonly_extra = ("public_key_base64",)

    @admin.display(description=_("public key"))
    def public_key_base64(self, key):
        return signing.b64(key.public_key)


@admin.register(Checkpoint)
class CheckpointAdmin(WithoutBytes):
    list_display = ["tree_size", "created_at", "key"]
    readonly_extra = ("served",)

    @admin.display(description=_("as served"))
    def served(self, checkpoint):
        from .. import witnesses

        return format_html("<pre>{}</pre>", witnesses.served_note(checkpoint))


@admin.register(Witness)
class WitnessAdmin(WithoutBytes):
    list_display = ["name", "active", "last_size", "url", "last_error"]
