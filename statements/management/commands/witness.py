"""The log's witnesses (statements/witnesses.py): add, list, remove, ask."""

import base64
import binascii
import re

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator

from statements import witnesses
from statements.models import Witness
from statements.tasks.retry import PermanentFailure, TransientFailure

VKEY = re.compile(r"(?P<name>[^+\s]+)\+(?P<hash>[0-9a-f]{8})\+(?P<key>[A-Za-z0-9+/=]+)")


class Command(BaseCommand):
    help = (
        "Manage the independent witnesses that cosign the transparency log's checkpoints (C2SP tlog-witness). "
        "`add NAME KEY URL`: KEY is the witness's Ed25519 public key, base64 of the raw 32 bytes or its C2SP "
        "vkey (name+keyhash+base64); URL its submission prefix (the log posts to URL/add-checkpoint after every "
        "checkpoint, as a task). `list` shows them and the size each has cosigned; `remove NAME` stops asking "
        "one (its cosignatures stay served); `ask` asks every active witness now."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "list", "remove", "ask"])
        parser.add_argument("name", nargs="?")
        parser.add_argument("key", nargs="?")
        parser.add_argument("url", nargs="?")

    def handle(self, *args, action, name=None, key=None, url=None, **options):
        if action == "add":
            self.add(name, key, url)
        elif action == "remove":
            if not Witness.objects.filter(name=name or "").update(active=False):
                raise CommandError(f"No witness is named {name!r}.")
            self.stdout.write(self.style.SUCCESS(f"{name} is no longer asked."))
        elif action == "ask":
            try:
                done = witnesses.ask_all()
            except (TransientFailure, PermanentFailure) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS(f"Cosigned by: {', '.join(done) or 'nobody new'}."))
        else:
            for witness in Witness.objects.all():
                state = "active" if witness.active else "removed"
                error = f"  last error: {witness.last_error}" if witness.last_error else ""
                self.stdout.write(f"{witness.name}  {state}  cosigned up to {witness.last_size}  {witness.url}{error}")

    def add(self, name, key, url):
        if not (name and key and url):
            raise CommandError("add takes NAME KEY URL.")
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise CommandError("URL must be an http(s) address.") from error
        vkey = VKEY.fullmatch(key)
        if vkey and vkey["name"] == name:  # a C2SP vkey: name+keyhash+base64(0x04 || key)
            key = base64.b64encode(base64.b64decode(vkey["key"])[1:]).decode()
        try:
            public = base64.b64decode(key, validate=True)
        except (ValueError, binascii.Error) as error:
            raise CommandError("KEY must be base64.") from error
        if len(public) != 32:
            raise CommandError("KEY must be a 32-byte Ed25519 public key.")
        Witness.objects.update_or_create(name=name, defaults={"public_key": public, "url": url, "active": True})
        self.stdout.write(self.style.SUCCESS(f"{name} will be asked to cosign every new checkpoint."))
