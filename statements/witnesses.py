"""Asking independent witnesses to cosign the log's checkpoints (C2SP tlog-witness): after a
checkpoint, a task posts it to each witness's `add-checkpoint` with a consistency proof
from the last size that witness cosigned; the cosignatures it returns are checked against
the witness's key and served with the checkpoint (`/transparency/checkpoint`), so archives
and newsrooms can see that others saw the same log. `manage.py witness` registers them.
"""

import base64
import logging
import urllib.error
import urllib.request

from django.db import transaction

from . import signing, tlog, transparency
from .models import Checkpoint, Cosignature, Witness
from .tasks.retry import PermanentFailure, TransientFailure

logger = logging.getLogger(__name__)
TIMEOUT = 10  # seconds per request


def served_note(checkpoint: Checkpoint) -> str:
    """The checkpoint as served: the office's signed note, then its witnesses' cosignatures."""
    lines = [c.line + "\n" for c in checkpoint.cosignatures.order_by("witness__name")]
    return checkpoint.note + "".join(lines)


def request_body(old_size: int, checkpoint: Checkpoint) -> bytes:
    proof = transparency.consistency(old_size, checkpoint.tree_size) if 0 < old_size < checkpoint.tree_size else []
    lines = [f"old {old_size}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + checkpoint.note).encode()


class Refused(Exception):
    pass


def _post(url: str, body: bytes) -> tuple[int, str, str]:
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL the operator registered
        url.rstrip("/") + "/add-checkpoint", data=body, method="POST", headers={"Content-Type": "text/plain"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - an operator's URL
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode(errors="replace")


def ask(witness: Witness, checkpoint: Checkpoint) -> int:
    """Ask one witness to cosign; returns the cosignatures kept. Raises TransientFailure
    (unreachable, 5xx) or Refused (it said no: 4xx, or answered what does not verify)."""
    old = witness.last_size if witness.last_size <= checkpoint.tree_size else 0
    for _attempt in range(2):
        status, content_type, text = _post(witness.url, request_body(old, checkpoint))
        if status == 409 and content_type.startswith("text/x.tlog.size") and text.strip().isdigit():
            old = int(text.strip())  # it has cosigned another size: prove from there
            if old > checkpoint.tree_size:
                raise Refused(f"it has cosigned {old} entries, more than this checkpoint's {checkpoint.tree_size}")
            continue
        break
    if status >= 500:
        raise TransientFailure(f"{witness.name} answered {status}")
    if status != 200:
        raise Refused(f"{witness.name} answered {status}: {text.strip()[:200]}")
    body, _signatures = tlog.parse_note(checkpoint.note)
    kept = 0
    for line in text.splitlines():
        timestamp = tlog.cosignature(line, witness.name, bytes(witness.public_key), body, signing.verify)
        if timestamp is None:
            continue  # another witness's, or one that does not verify: ignored (C2SP)
        Cosignature.objects.update_or_create(
            checkpoint=checkpoint, witness=witness, defaults={"line": line, "timestamp": timestamp}
        )
        kept += 1
    if not kept:
        raise Refused(f"{witness.name} answered no valid cosignature")
    Witness.objects.filter(pk=witness.pk, last_size__lt=checkpoint.tree_size).update(
        last_size=checkpoint.tree_size, last_error=""
    )
    return kept


def ask_all() -> dict:
    """Ask every active witness to cosign the latest checkpoint (a later checkpoint makes an
    earlier request moot: witnesses keep only the newest). Raises TransientFailure when
    one should be asked again later, PermanentFailure when one refused."""
    latest = transparency.latest_checkpoint()
    if latest is None:
        return {}
    done, transient, refused = {}, [], []
    for witness in Witness.objects.filter(active=True).order_by("name"):
        if latest.cosignatures.filter(witness=witness).exists():
            continue
        try:
            with transaction.atomic():
                done[witness.name] = ask(witness, latest)
        except (OSError, TransientFailure) as error:
            transient.append(f"{witness.name}: {error}")
        except (Refused, ValueError) as error:
            refused.append(f"{witness.name}: {error}")
            Witness.objects.filter(pk=witness.pk).update(last_error=str(error)[:300])
    if transient:
        raise TransientFailure("; ".join(transient))
    if refused:
        raise PermanentFailure("; ".join(refused))
    return done
