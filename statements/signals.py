"""Signals for decoupled reactions to publication (cache invalidation, WebSub pings).

Sent by workflow.py after the transaction commits; never part of the core flow.
"""

from django.dispatch import Signal

# Sent with `translation=` whenever what the public sees of a version changed.
public_content_changed = Signal()
