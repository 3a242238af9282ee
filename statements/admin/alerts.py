"""Email alerts in the admin. Staff see how many follow each list and how often, the
runs with their sent and failed counts, and the suppression list (hashes only);
addresses are shown to superusers only."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ..models import AlertList, AlertRun, Delivery, Frequency, Subscriber, Subscription, Suppression, address_hash
from ..models.alerts import active_q
from .read_only import ReadOnlyModelAdmin

ACTIVE = active_q("subscriptions__")


@admin.register(AlertList)
class AlertListAdmin(ReadOnlyModelAdmin):
    list_display = ["description", "language", "immediately", "daily", "weekly", "unconfirmed"]
    list_filter = ["language"]
    search_fields = ["description"]
    fields = ["description", "language", "criteria", "created_at", "immediately", "daily", "weekly", "unconfirmed"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        counts = {
            f"n_{value}": Count("subscriptions", filter=ACTIVE & Q(subscriptions__frequency=value))
            for value in Frequency.values
        }
        unconfirmed = Count("subscriptions", filter=Q(subscriptions__confirmed_at__isnull=True))
        return super().get_queryset(request).annotate(**counts, n_unconfirmed=unconfirmed)

    @admin.display(description=_("immediately"), ordering="n_immediately")
    def immediately(self, obj):
        return obj.n_immediately

    @admin.display(description=_("daily"), ordering="n_daily")
    def daily(self, obj):
        return obj.n_daily

    @admin.display(description=_("weekly"), ordering="n_weekly")
    def weekly(self, obj):
        return obj.n_weekly

    @admin.display(description=_("waiting for confirmation"), ordering="n_unconfirmed")
    def unconfirmed(self, obj):
        return obj.n_unconfirmed


def _count(outcome):
    return Count("deliveries", filter=Q(deliveries__outcome=outcome))


@admin.register(AlertRun)
class AlertRunAdmin(ReadOnlyModelAdmin):
    list_display = ["started_at", "kind", "about", "matched", "sent", "failed", "waiting"]
    list_filter = ["kind"]
    list_select_related = ["edition__translation"]
    date_hierarchy = "started_at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_sent=_count(Delivery.Outcome.SENT),
                n_failed=Count(
                    "deliveries",
                    filter=Q(deliveries__outcome__in=[Delivery.Outcome.FAILED, Delivery.Outcome.UNKNOWN]),
                ),
                n_waiting=Count(
                    "deliveries",
                    filter=Q(deliveries__outcome__in=[Delivery.Outcome.PENDING, Delivery.Outcome.SENDING]),
                ),
            )
        )

    @admin.display(description=_("about"))
    def about(self, run):
        if run.edition_id:
            return f"{run.edition.translation} — {run.edition.get_change_display()}"
        return run.period

    @admin.display(description=_("sent"), ordering="n_sent")
    def sent(self, run):
        return run.n_sent

    @admin.display(description=_("failed"), ordering="n_failed")
    def failed(self, run):
        return run.n_failed

    @admin.display(description=_("waiting"), ordering="n_waiting")
    def waiting(self, run):
        return run.n_waiting


class SuppressionForm(forms.ModelForm):
    email = forms.EmailField(label=_("Email address"), max_length=254, help_text=_("Only its hash is kept."))

    class Meta:
        model = Suppression
        fields = ["email"]

    def clean_email(self):
        value = self.cleaned_data["email"]
        if Suppression.objects.filter(email_hash=address_hash(value)).exists():
            raise forms.ValidationError(_("This address is suppressed already."))
        return value

    def save(self, commit=True):
        self.instance.email_hash = address_hash(self.cleaned_data["email"])
        self.instance.reason = Suppression.Reason.MANUAL
        self.instance.source = "admin"
        return super().save(commit)


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email_hash", "reason", "source", "created_at"]
    list_filter = ["reason"]
    search_fields = ["=email_hash"]
    form = SuppressionForm

    def get_search_results(self, request, queryset, search_term):
        # Staff search by address; the list holds only hashes.
        if "@" in search_term:
            return queryset.filter(email_hash=address_hash(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # lifting a suppression is for superusers


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = ["alert_list", "frequency", "requested_at", "confirmed_at", "unsubscribed_at", "wording"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Addresses: superusers only. Deleting one deletes everything about it."""

    list_display = ["email", "language", "created_at", "subscription_count"]
    search_fields = ["email"]
    readonly_fields = ["email", "language", "created_at", "uuid"]
    fields = readonly_fields
    inlines = [SubscriptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("subscriptions"))

    @admin.display(description=_("subscriptions"), ordering="n")
    def subscription_count(self, obj):
        return obj.n

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
