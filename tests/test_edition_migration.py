"""Migrations 0018/0028: versions already public when signed editions arrive get their first
edition, signed and logged (and drafts none)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("statements", "0015_rendered_ninjs")]
AFTER = [("statements", "0028_place_and_caption_names")]  # 0018 signs, run from here


@pytest.fixture
def latest_schema_after():
    """Migrate back to the newest migrations afterwards: the tests that follow need every
    table (serialized_rollback restores rows, not tables)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_public_versions_get_their_first_edition_when_migrating(latest_schema_after):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Statement, Translation = old.get_model("statements", "Statement"), old.get_model("statements", "Translation")
    at = timezone.now() - datetime.timedelta(days=1)
    rows = {}
    for number, status in enumerate(["published", "withdrawn", "unpublished", "draft"]):
        statement = Statement.objects.create(reference=f"PO-2020-{number:04d}", occurred_on=datetime.date(2020, 1, 2))
        public = status != "draft"
        rows[status] = Translation.objects.create(
            statement=statement,
            language="en",
            title=f"Old {status}",
            body="Text.",
            body_html="<p>Text.</p>",
            slug=f"old-{status}",
            occurred_on=statement.occurred_on,
            status=status,
            published_at=at if public else None,
            first_published_at=at if public else None,
            public_updated_at=at if public else None,
        ).pk
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from statements import transparency
    from statements.models import Edition
    from statements.models import Translation as Current

    signed = dict(Edition.objects.values_list("translation_id", "status"))
    assert signed == {
        rows["published"]: "published",
        rows["withdrawn"]: "withdrawn",
        rows["unpublished"]: "unpublished",
    }
    assert set(Current.objects.filter(edition=1).values_list("pk", flat=True)) == set(signed)
    assert transparency.latest_checkpoint().tree_size == 3 and transparency.rebuild_and_compare() == []
