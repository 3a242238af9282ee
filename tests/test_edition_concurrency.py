"""Publishers publishing at the same moment: the log stays one append-only tree (each
edition a leaf of its own, one checkpoint per size), on SQLite and on PostgreSQL."""

import threading

import pytest
from django.db import connection

from statements import transparency, workflow
from statements.models import Checkpoint, Edition, Translation

from .factories import make_person, make_staff, make_statement, make_version

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_simultaneous_publications_append_one_after_the_other():
    editor, publisher = make_staff("Editor", "editor"), make_staff("Publisher", "publisher")
    versions = []
    for _ in range(6):
        version = make_version(make_statement(participants=[make_person()]), actor=editor)
        versions.append(workflow.submit_for_review(translation=version, actor=editor))
    start, failures = threading.Barrier(len(versions)), []

    def publish(pk):
        try:
            start.wait()
            workflow.publish(translation=Translation.objects.get(pk=pk), actor=publisher)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=[v.pk]) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(Edition.objects.values_list("leaf_index", flat=True)) == list(range(6))
    assert sorted(Checkpoint.objects.values_list("tree_size", flat=True)) == list(range(1, 7))
    assert transparency.rebuild_and_compare() == []
