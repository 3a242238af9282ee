"""Background tasks through Django's tasks API (the django-tasks backport: moving to
Django 6 is an import change from `django_tasks` to `django.tasks`).

- `queue`: `defer()`, the one way to enqueue (after commit, through an outbox when the
  queue is outside the database), the outbox drain, and the queue's state for /healthz;
- `side_effects`: the tasks themselves (WebSub pings, public image files and page
  warming, crops, file deletion, go-live announcements, pruning);
- `retry`: retries with backoff for transient failures;
- `reaper`: tasks whose worker died are queued again;
- `periodic`: the periodic trigger run by `manage.py worker` and `manage.py publish_due`.

The backend is chosen by PRESSOFFICE_TASKS (see pressoffice/settings/base.py and the
README): the database (default), RQ on Redis (production) or immediate.
"""
