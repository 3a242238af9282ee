"""The alert pages under /<lang>/alerts/: subscribe, confirm, unsubscribe, manage.

None is cached (they answer per reader) and none needs a session: the signed token in
the address is the authority, and other tools may post to the subscribe form, so they
are exempt from CSRF (a forged request can at most make the site send a confirmation
mail, which nobody can act on but the address's owner). Every page works without
JavaScript; every mistake gets a page saying what is wrong, and nothing is stored.
"""

import hashlib

from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..models import Frequency
from ..security import over_limit, parse_rate, rate_limited
from . import criteria as criteria_module
from . import subscribing, tokens
from .criteria import Refused

MAX_ADDRESS = 254


class SubscribeForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("Email address"),
        max_length=MAX_ADDRESS,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"max_length": gettext_lazy("An email address has at most 254 characters.")},
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"),
        choices=Frequency.choices,
        initial=Frequency.IMMEDIATELY,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose immediately, daily or weekly.")},
    )

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        try:
            validate_email(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(_("Enter an email address like name@example.org.")) from error
        return value.lower()


def _page(request, template, context=None, status=200):
    return render(request, f"alerts/{template}.html", context or {}, status=status)


def _refused(request, title, message, status=400):
    return render(request, "statements/refused.html", {"title": title, "message": message}, status=status)


def _too_many(request, seconds):
    response = _refused(
        request,
        _("Too many requests"),
        _("Too many requests for this address. Please try again in %(seconds)s seconds.") % {"seconds": seconds},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def _address_allowed(address: str) -> int | None:
    """None while `address` may be sent another confirmation, else the seconds to wait."""
    rate = parse_rate(settings.PRESSOFFICE_RATE_LIMIT_ALERT_ADDRESS)
    if rate is None:
        return None
    return over_limit(f"alert-address:{hashlib.sha256(address.encode()).hexdigest()[:32]}", rate)


def is_post(request) -> bool:
    return request.method == "POST"


@never_cache
@csrf_exempt
@rate_limited("alerts", applies=is_post)
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    language = get_language()
    try:
        criteria = criteria_module.normalise(request.GET, language)
    except Refused as refused:
        return _refused(request, _("There is no such list"), " ".join(refused.messages))
    description = criteria_module.describe(criteria, language)
    list_url = reverse("statements:list") + criteria_module.list_path(criteria)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "description": description, "list_url": list_url, "criteria": criteria}
    if request.method != "POST":
        return _page(request, "subscribe", context)
    if not form.is_valid():
        return _page(request, "subscribe", context, status=400)
    address = form.cleaned_data["email"]
    wait = _address_allowed(address)
    if wait is not None:
        return _too_many(request, wait)
    subscribing.request(address, form.cleaned_data["frequency"], criteria, language)
    # The same answer whether the address was known, new or suppressed.
    return _page(request, "check_inbox", {"description": description, "days": settings.PRESSOFFICE_ALERT_CONFIRM_DAYS})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    try:
        data = tokens.read(token, tokens.CONFIRM)
    except tokens.Expired:
        return _bad_link(request, expired=True)
    except tokens.Invalid:
        return _bad_link(request)
    if request.method != "POST":
        # Mail scanners follow links: the GET only shows the button.
        return _page(request, "confirm", {"frequency": data.get("f")})
    try:
        outcome, subscription = subscribing.confirm(token)
    except tokens.Invalid:
        return _bad_link(request)
    if outcome is subscribing.Confirmed.GONE:
        return _bad_link(request, expired=True)
    manage_url = reverse("alerts:manage", args=[tokens.manage_token(subscription.subscriber)])
    return _page(
        request,
        "confirmed",
        {"subscription": subscription, "already": outcome is subscribing.Confirmed.ALREADY, "manage_url": manage_url},
    )


def _bad_link(request, *, expired=False):
    if expired:
        message = _("This link has expired or was already used up. You can subscribe again from any list.")
    else:
        message = _("This link is not valid. Check that it was copied whole from the email.")
    return _refused(request, _("This link does not work"), message, status=410 if expired else 400)


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """RFC 8058: a POST (one click, from the mail client) unsubscribes and answers 200,
    for any token; the GET shows the button."""
    if request.method == "POST":
        ended = subscribing.unsubscribe(token)
        return _page(request, "unsubscribed", {"ended": ended})
    try:
        subscriber, _data = subscribing.subscriber_of(token, tokens.UNSUBSCRIBE)
    except tokens.Invalid:
        return _bad_link(request)
    return _page(request, "unsubscribe", {"known": subscriber is not None})


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    try:
        subscriber, _data = subscribing.subscriber_of(token, tokens.MANAGE)
    except tokens.Invalid:
        return _bad_link(request)
    if subscriber is None:
        return _page(request, "deleted", {}, status=410)
    message = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        target = request.POST.get("subscription", "")
        target = int(target) if target.isascii() and target.isdigit() else None
        if action == "delete-everything":
            subscribing.delete_everything(subscriber)
            return _page(request, "deleted", {})
        if action == "change" and target is not None:
            if subscribing.change(subscriber, target, request.POST.get("frequency", "")):
                message = _("The frequency was changed.")
            else:
                message = _("Nothing was changed: choose immediately, daily or weekly for one of your lists.")
        elif action == "leave" and target is not None:
            subscribing.leave(subscriber, target)
            message = _("You will get no more email about that list.")
        else:
            return _refused(request, _("Nothing was changed"), _("That is not something this page can do."))
    subscriptions = (
        subscriber.subscriptions.active().select_related("alert_list").order_by("alert_list__description", "pk")
    )
    return _page(
        request,
        "manage",
        {
            "subscriber": subscriber,
            "subscriptions": subscriptions,
            "message": message,
            "frequencies": Frequency.choices,
        },
    )
