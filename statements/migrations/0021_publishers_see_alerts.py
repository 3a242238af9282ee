"""Publishers may see the email-alert lists' counts, the runs and the suppression list in
the admin, and suppress an address (statements/roles.py)."""

import importlib

from django.db import migrations

groups = importlib.import_module("statements.migrations.0002_editorial_groups")


class Migration(migrations.Migration):
    dependencies = [("statements", "0020_email_alerts")]

    operations = [migrations.RunPython(groups.create_groups, migrations.RunPython.noop)]
