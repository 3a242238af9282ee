"""The office's signing key: create, rotate, retire, revoke, list (statements/signing.py)."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from statements import signing
from statements.models import SigningKey


class Command(BaseCommand):
    help = (
        "Manage the office's Ed25519 signing key. `create` writes a new private key (PEM, PKCS#8) to "
        "PRESSOFFICE_SIGNING_KEY_FILE and publishes its public half; `rotate` replaces the key in that file "
        "with a new one and retires the old one (what it signed stays verifiable); `retire KEY_ID` stops a key "
        "signing; `revoke KEY_ID [--at TIME]` marks a compromised key: its signatures from TIME (default now) "
        "on no longer verify. `list` shows every published key. Publish a new key's fingerprint elsewhere "
        "than the site (README: Verifying a statement)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "rotate", "retire", "revoke", "list"])
        parser.add_argument("key_id", nargs="?", help="for retire and revoke: the key's id (or its first 12+ digits)")
        parser.add_argument("--at", help="for revoke: when the key was compromised (ISO 8601; default now)")
        parser.add_argument("--force", action="store_true", help="for create: replace an existing key file")

    def handle(self, *args, action, key_id=None, at=None, force=False, **options):
        getattr(self, f"do_{action}")(key_id=key_id, at=at, force=force)

    def _path(self):
        path = signing.key_path()
        if path is None:
            raise CommandError("Set PRESSOFFICE_SIGNING_KEY_FILE to where the private key is kept.")
        return path

    def do_create(self, *, force, **_options):
        path = self._path()
        if path.exists() and not force:
            raise CommandError(f"{path} exists already; use `rotate` to replace a key (or --force).")
        private = Ed25519PrivateKey.generate()
        signing.write_key(path, private)
        row = self._publish(private)
        self.stdout.write(self.style.SUCCESS(f"Wrote a new signing key to {path}."))
        self._fingerprint(row)

    def _publish(self, private):
        try:
            return signing.register(private)
        except Exception as error:  # the database is not migrated yet: published at first use
            self.stderr.write(f"Not published yet ({error}); it will be at the first signing.")
            return None

    @transaction.atomic
    def do_rotate(self, **_options):
        path = self._path()
        old = signing.register(signing.read_key(path)) if path.exists() else None
        private = Ed25519PrivateKey.generate()
        signing.write_key(path, private)
        now = timezone.now()
        if old is not None and old.state == SigningKey.State.ACTIVE:
            SigningKey.objects.filter(pk=old.pk).update(state=SigningKey.State.RETIRED, valid_until=now)
        row = signing.register(private)
        self.stdout.write(self.style.SUCCESS(f"Rotated: {path} holds a new key; the old one is retired."))
        self._fingerprint(row)

    def _find(self, key_id):
        if not key_id or len(key_id) < 12:
            raise CommandError("Give the key's id (at least its first 12 hex digits); `list` shows them.")
        found = list(SigningKey.objects.filter(key_id__startswith=key_id.lower()))
        if len(found) != 1:
            raise CommandError(f"No single key starts with {key_id}.")
        return found[0]

    def do_retire(self, *, key_id, **_options):
        key = self._find(key_id)
        if key.state != SigningKey.State.ACTIVE:
            raise CommandError(f"That key is {key.state} already.")
        SigningKey.objects.filter(pk=key.pk).update(state=SigningKey.State.RETIRED, valid_until=timezone.now())
        self.stdout.write(self.style.SUCCESS(f"Retired {key.key_id}; nothing is signed with it any more."))

    def do_revoke(self, *, key_id, at, **_options):
        key = self._find(key_id)
        when = parse_datetime(at) if at else timezone.now()
        if when is None or timezone.is_naive(when):
            raise CommandError("--at takes an ISO 8601 time with its offset, e.g. 2026-01-31T12:00:00+00:00.")
        SigningKey.objects.filter(pk=key.pk).update(
            state=SigningKey.State.REVOKED, revoked_at=when, valid_until=key.valid_until or when
        )
        self.stdout.write(
            self.style.WARNING(
                f"Revoked {key.key_id} from {when.isoformat()}: its signatures from then on no longer verify. "
                "Run `signing_key rotate` (or `create --force`) so publishing can go on."
            )
        )

    def do_list(self, **_options):
        for key in SigningKey.objects.order_by("valid_from"):
            until = key.valid_until.isoformat() if key.valid_until else "-"
            self.stdout.write(f"{key.key_id}  {key.state:8}  from {key.valid_from.isoformat()}  until {until}")

    def _fingerprint(self, row):
        if row is not None:
            self.stdout.write(f"Key id (SHA-256 of the public key): {row.key_id}")
            self.stdout.write("Publish this fingerprint elsewhere than the site (see README).")
