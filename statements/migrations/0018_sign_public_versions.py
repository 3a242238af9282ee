"""Versions already public get their first signed edition (statements/workflow/editions.py).

Runs (from migration 0023, the newest when it was written) the workflow's own bulk signer
on the current models: it needs the office's signing
key (PRESSOFFICE_SIGNING_KEY_FILE; `manage.py signing_key create` before `migrate`), and
refuses with that message otherwise. A database with nothing public needs no key.
"""

from django.db import migrations


def sign_public_versions(apps, schema_editor):
    Translation = apps.get_model("statements", "Translation")
    once_public = Translation.objects.exclude(status__in=["draft", "in_review"]).filter(
        first_published_at__isnull=False
    )
    if not once_public.exists():
        return
    from statements.models import Translation as Current
    from statements.workflow.editions import sign_released

    sign_released(Current.objects.filter(pk__in=list(once_public.values_list("pk", flat=True))))


class Migration(migrations.Migration):
    dependencies = [("statements", "0017_witnesses")]

    # The signer reads the current models, so it runs where the schema is the newest:
    # migration 0023 (here it would read columns later migrations add).
    operations = []
