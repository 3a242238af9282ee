"""Empty: the signing step that ran here (versions already public get their first
signed edition) now runs from migration 0028, after the columns its models read."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("statements", "0022_quotes_and_administrations")]

    operations = []
