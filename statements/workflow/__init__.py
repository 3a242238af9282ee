"""Every change to the state or text of existing content goes through this package.

Each transition takes keyword-only arguments, the acting user as `actor=` and the time
as `now=`; it runs in one transaction with the version locked, calls its check
(`checks.py`: who may, in which state — the same function decides which buttons the
admin offers), validates its input, and writes an AuditEntry (and a Revision when the
text changes). A refusal raises TransitionError and changes nothing.

- `text`: save_draft, restore_revision, start_translation, mark_translation_current,
  delete_draft;
- `publication`: submit_for_review, reject, publish, unschedule, force_publish,
  approve_retrospectively, withdraw, unpublish, restore, announce_due;
- `statements`: update_statement and preview links;
- `editions`: the signed edition every public change makes (in the change's own
  transaction), and `sign_released` for content created already released;
- `checks`: one check per offered transition, and `available_actions`;
- `base`: the refusal, the lock, the audit entry, the signal after commit.
"""

from .base import ConflictError, TransitionError
from .checks import CHECKS, available_actions, is_allowed
from .editions import sign_released
from .publication import (
    announce_due,
    approve_retrospectively,
    check_redirect,
    force_publish,
    publish,
    reject,
    restore,
    submit_for_review,
    unpublish,
    unschedule,
    withdraw,
)
from .statements import (
    create_preview_link,
    metadata_snapshot,
    revoke_preview_link,
    statement_is_released,
    update_statement,
)
from .text import delete_draft, mark_translation_current, restore_revision, save_draft, start_translation

__all__ = [
    "CHECKS",
    "ConflictError",
    "TransitionError",
    "announce_due",
    "approve_retrospectively",
    "available_actions",
    "check_redirect",
    "create_preview_link",
    "delete_draft",
    "force_publish",
    "is_allowed",
    "mark_translation_current",
    "metadata_snapshot",
    "publish",
    "reject",
    "restore",
    "restore_revision",
    "revoke_preview_link",
    "save_draft",
    "sign_released",
    "start_translation",
    "statement_is_released",
    "submit_for_review",
    "unpublish",
    "unschedule",
    "update_statement",
    "withdraw",
]
