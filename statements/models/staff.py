"""The people who work in the admin and what they leave behind: profiles, the audit
log and preview links."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import languages
from .statements import Statement
from .versions import Translation


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    languages = models.JSONField(
        _("languages translated"),
        default=list,
        blank=True,
        help_text=_('Language codes this person translates into, as a list: ["fa", "ar"].'),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)

    def clean(self):
        if not isinstance(self.languages, list) or not all(isinstance(c, str) for c in self.languages):
            raise ValidationError({"languages": _('Languages must be a list of codes, for example ["fa"].')})
        for code in self.languages:
            try:
                languages.validate_enabled(code)
            except ValidationError as error:
                raise ValidationError({"languages": error.messages}) from error


class AuditEntry(models.Model):
    """Who did which transition or metadata change, when, on what: append-only."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=50, db_index=True)
    statement = models.ForeignKey(Statement, null=True, on_delete=models.SET_NULL, related_name="audit_entries")
    translation = models.ForeignKey(Translation, null=True, on_delete=models.SET_NULL, related_name="audit_entries")
    object_repr = models.CharField(max_length=300)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class PreviewLink(models.Model):
    """A signed, expiring, revocable link showing a version before it is public."""

    translation = models.ForeignKey(Translation, on_delete=models.CASCADE, related_name="preview_links")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("for whom"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.translation} ({self.note or self.token})"

    def is_valid(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class MachineSuggestion(models.Model):
    """A paragraph a machine translator suggested for a version (statements/
    machine_translation.py), by digest: while the version's text still contains one
    unchanged, it cannot be submitted or published."""

    translation = models.ForeignKey(Translation, on_delete=models.CASCADE, related_name="machine_suggestions")
    digest = models.CharField(max_length=64)
    suggested_at = models.DateTimeField()
    suggested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("machine-translation suggestion")
        verbose_name_plural = _("machine-translation suggestions")
        constraints = [models.UniqueConstraint(fields=["translation", "digest"], name="machine_suggestion_unique")]

    def __str__(self):
        return f"{self.translation} {self.digest[:12]}"
