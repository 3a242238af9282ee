"""The office's Ed25519 signing key: read from PRESSOFFICE_SIGNING_KEY_FILE (PEM, PKCS#8),
never stored in the database; its public half is published (`SigningKey`, keys.json).

`signer()` gives the key that signs now and its published row. Without a readable key it
raises `SigningUnavailable`, and the workflow refuses the change (nothing is published
unsigned). Development settings make a key on first use (and say where); production
never does. `manage.py signing_key` creates, rotates, retires and revokes keys.
"""

import base64
import hashlib
import logging
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core import checks
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SigningKey

logger = logging.getLogger(__name__)


class SigningUnavailable(Exception):
    """No usable signing key; `str()` says why, for the person who tried to publish."""


def key_path() -> Path | None:
    value = settings.PRESSOFFICE_SIGNING_KEY_FILE
    return Path(value) if value else None


def raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()


def write_key(path: Path, private: Ed25519PrivateKey):
    """Write a private key as PEM (PKCS#8), readable by its owner only, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(pem)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_key(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SigningUnavailable(
            _("The signing key file %(path)s cannot be read (%(error)s).") % {"path": path, "error": error.strerror}
        ) from error
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise SigningUnavailable(
            _("The signing key file %(path)s is not an unencrypted PEM private key.") % {"path": path}
        ) from error
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningUnavailable(_("The signing key in %(path)s is not an Ed25519 key.") % {"path": path})
    return private


def register(private: Ed25519PrivateKey) -> SigningKey:
    """The published row of a key, made (active, valid from now) when first seen."""
    public = raw_public(private)
    found, _created = SigningKey.objects.get_or_create(
        key_id=key_id(public), defaults={"public_key": public, "valid_from": timezone.now()}
    )
    return found


def signer() -> tuple[Ed25519PrivateKey, SigningKey]:
    """The key that signs now, and its published row."""
    path = key_path()
    if path is None:
        raise SigningUnavailable(_("No signing key is configured (PRESSOFFICE_SIGNING_KEY_FILE)."))
    if not path.exists() and settings.PRESSOFFICE_SIGNING_KEY_AUTOCREATE:
        write_key(path, Ed25519PrivateKey.generate())
        logger.warning("Created a development signing key at %s (never use it in production).", path)
    private = read_key(path)
    row = register(private)
    if row.state != SigningKey.State.ACTIVE:
        raise SigningUnavailable(
            _("The signing key in %(path)s is %(status)s; run `manage.py signing_key rotate`.")
            % {"path": path, "status": row.get_state_display().lower()}
        )
    return private, row


def b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode()


def key_valid_at(key: SigningKey, at) -> bool:
    """Whether a signature the key made at `at` counts: not after its retirement, and
    never from its revocation on. (No lower bound: a time the office wrote itself proves
    nothing before the key existed; the log's checkpoints bound it instead.)"""
    if key.revoked_at is not None and at >= key.revoked_at:
        return False
    return key.valid_until is None or at <= key.valid_until


def verify(public: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes(public)).verify(bytes(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


@checks.register(checks.Tags.security, deploy=True)
def signing_key_configured(app_configs=None, **kwargs):
    """`check --deploy`: without a readable signing key nothing can be published."""
    path = key_path()
    try:
        if path is None:
            raise SigningUnavailable("PRESSOFFICE_SIGNING_KEY_FILE is not set.")
        read_key(path)
    except SigningUnavailable as error:
        hint = "Run `manage.py signing_key create` (README: the signing key); publishing is refused until then."
        return [checks.Warning(f"No usable signing key: {error}", hint=hint, id="pressoffice.W101")]
    return []
