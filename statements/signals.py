"""Signals for in-process reactions to publication (cached responses go out of date).

Sent by the workflow (statements/workflow/) after the transaction commits; never part of
the core flow. Work that leaves the process (WebSub pings, image files, page warming) is a
task instead (statements/tasks/), queued in the same transaction.
"""

from django.dispatch import Signal

# Sent with `translation=` and `reason=` ("publish", "schedule", "correct_major",
# "correct_minor", "withdraw", "unpublish", "unschedule", "went_live", "metadata")
# whenever what the public sees, or will see at a scheduled time, changed.
public_content_changed = Signal()
