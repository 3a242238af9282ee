"""The queue, as operators see it: recent and failed tasks, retried from the list.

On the database backend the task results are django-tasks-db's table, listed here with
an action to retry failed tasks. On RQ, django-rq's dashboard (Admin → Django-RQ) lists
the queue's registries and requeues failed jobs. Tasks still waiting to be handed to the
queue (the outbox) and WebSub deliveries are listed read-only.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from ..models import OutboxTask, WebSubDelivery
from ..tasks import queue
from .read_only import ReadOnlyModelAdmin


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = ["task_name", "status", "error", "enqueued_at", "started_at", "finished_at", "queue_name"]
    list_filter = ["status", "queue_name", "task_path"]
    search_fields = ["task_path", "exception_class_path"]
    actions = ["retry"]

    @admin.display(description=_("error"))
    def error(self, obj):
        return obj.exception_class_path.rsplit(".", 1)[-1]

    def has_module_permission(self, request):
        return settings.PRESSOFFICE_TASKS == "database" and super().has_module_permission(request)

    def has_retry_permission(self, request):
        return request.user.has_perm("django_tasks_database.change_dbtaskresult")

    @admin.action(description=_("Retry the selected failed tasks"), permissions=["retry"])
    def retry(self, request, queryset):
        failed = list(queryset.filter(status=TaskResultStatus.FAILED))
        for result in failed:
            kwargs = {k: v for k, v in result.args_kwargs["kwargs"].items() if k != "attempt"}
            queue.requeue(result.task_path, result.args_kwargs["args"], kwargs)
        if failed:
            message = ngettext(
                "%(count)d failed task queued again.", "%(count)d failed tasks queued again.", len(failed)
            )
            self.message_user(request, message % {"count": len(failed)}, messages.SUCCESS)
        skipped = queryset.count() - len(failed)
        if skipped:
            message = ngettext(
                "%(count)d task was not retried: only failed tasks are.",
                "%(count)d tasks were not retried: only failed tasks are.",
                skipped,
            )
            self.message_user(request, message % {"count": skipped}, messages.WARNING)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)


@admin.register(OutboxTask)
class OutboxTaskAdmin(ReadOnlyModelAdmin):
    """Tasks written with a change and not yet handed to the queue (it was down, or
    their time has not come on a backend that cannot wait)."""

    list_display = ["__str__", "created_at", "run_after", "attempts", "last_error"]


@admin.register(WebSubDelivery)
class WebSubDeliveryAdmin(ReadOnlyModelAdmin):
    list_display = ["topic", "publication", "created_at", "attempts", "delivered_at", "refused_at", "last_error"]
    list_filter = ["delivered_at", "refused_at"]
    search_fields = ["topic", "publication"]
