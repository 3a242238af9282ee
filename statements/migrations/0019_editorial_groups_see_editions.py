"""Editors and publishers may view signed editions, signing keys, checkpoints and witnesses
in the admin (statements/roles.py)."""

import importlib

from django.db import migrations

groups = importlib.import_module("statements.migrations.0002_editorial_groups")


class Migration(migrations.Migration):
    dependencies = [("statements", "0018_sign_public_versions")]

    operations = [migrations.RunPython(groups.create_groups, migrations.RunPython.noop)]
