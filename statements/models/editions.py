"""Signed editions of versions, the office's signing keys, and the transparency log.

An `Edition` is written once, by the workflow, in the transaction of the change it
records, and never edited or deleted: its canonical bytes (RFC 8785 JSON), their
Ed25519 signature and its place in the log. The one exception is `public_from`, when it
is served: an edition of a scheduled publication that is taken back before its time
(`unschedule`) is never served (the record itself, its signature and its leaf stay).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningKey(models.Model):
    """A public key of the office. The private key lives in PRESSOFFICE_SIGNING_KEY_FILE,
    never here; retired keys stay published so what they signed stays verifiable."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")
        REVOKED = "revoked", _("Revoked")

    key_id = models.CharField(max_length=64, unique=True, help_text=_("Hex SHA-256 of the raw public key."))
    public_key = models.BinaryField(max_length=32)
    algorithm = models.CharField(max_length=20, default="Ed25519")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Signatures made from this time on do not verify.")
    )

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["valid_from", "id"]

    def __str__(self):
        return f"{self.key_id[:16]}… ({self.get_state_display()})"


class Edition(models.Model):
    class Change(models.TextChoices):
        PUBLICATION = "publication", _("First publication")
        MAJOR_CORRECTION = "major-correction", _("Major correction")
        MINOR_CORRECTION = "minor-correction", _("Minor correction")
        WITHDRAWAL = "withdrawal", _("Withdrawal")
        UNPUBLICATION = "unpublication", _("Unpublication")
        RESTORATION = "restoration", _("Restoration")
        METADATA = "metadata", _("Change of participants, topics or date")

    # The changes that email alerts go out for (statements/alerts/): minor corrections,
    # unpublications, restorations and metadata changes never alert.
    ALERTING = (Change.PUBLICATION, Change.MAJOR_CORRECTION, Change.WITHDRAWAL)

    translation = models.ForeignKey("Translation", on_delete=models.PROTECT, related_name="editions")
    number = models.PositiveIntegerField()
    change = models.CharField(max_length=20, choices=Change.choices)
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    public_from = models.DateTimeField(null=True, blank=True)
    canonical = models.BinaryField()
    sha256 = models.CharField(max_length=64, db_index=True)
    # SHA-256 of the body as plain text with its white space collapsed: /verify/ finds an
    # edition from a pasted text with it.
    text_sha256 = models.CharField(max_length=64, db_index=True)
    signature = models.BinaryField(max_length=64)
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="editions")
    leaf_index = models.PositiveBigIntegerField(unique=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["translation", "number"]
        constraints = [models.UniqueConstraint(fields=["translation", "number"], name="edition_number_once")]

    def __str__(self):
        return f"{self.translation_id} edition {self.number}"

    def is_public_at(self, now) -> bool:
        return self.public_from is not None and self.public_from <= now


class LogNode(models.Model):
    """The hash of a complete subtree of the log: leaves [index·2^level, (index+1)·2^level).
    Every proof and root is made of O(log n) of these."""

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="log_node_once")]

    def __str__(self):
        return f"node {self.level}/{self.index}"


class Checkpoint(models.Model):
    """A signed checkpoint of the log (C2SP tlog-checkpoint), one per size the log had."""

    tree_size = models.PositiveBigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    note = models.TextField()
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="checkpoints")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["tree_size"]

    def __str__(self):
        return f"checkpoint {self.tree_size}"


class Witness(models.Model):
    """An independent witness of the log (C2SP tlog-witness): after each checkpoint the log
    asks it to cosign, proving consistency with the last size it cosigned."""

    name = models.CharField(max_length=200, unique=True, help_text=_("Its key name, e.g. witness.example.org/w1."))
    public_key = models.BinaryField(max_length=32)
    url = models.URLField(help_text=_("Its submission prefix; the log posts to <prefix>/add-checkpoint."))
    active = models.BooleanField(default=True)
    last_size = models.PositiveBigIntegerField(default=0, help_text=_("The largest tree size it has cosigned."))
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Cosignature(models.Model):
    """A witness's C2SP cosignature/v1 of a checkpoint, served with it."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    line = models.TextField(help_text=_("The note signature line, as served."))
    timestamp = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["checkpoint", "witness"], name="cosignature_once")]

    def __str__(self):
        return f"{self.witness} on {self.checkpoint}"
