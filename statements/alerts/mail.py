"""The messages: a plain-text part and an HTML part, in the subscriber's language and
direction, every link absolute (from PRESSOFFICE_SITE_URL) and present in the plain text.

An alert is built from the signed records of its editions (statements/editions.py): what
the email says is what the office signed. Alerts and digests carry RFC 8058's
one-click unsubscribe headers and a manage link.
"""

import datetime
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .. import languages
from ..models import Edition, Frequency
from . import tokens


def absolute(path: str) -> str:
    return settings.PRESSOFFICE_SITE_URL.rstrip("/") + path


def alerts_url(name: str, token: str, language: str) -> str:
    with translation.override(language):
        return absolute(reverse(f"alerts:{name}", args=[token]))


def list_id() -> str:
    host = urlsplit(settings.PRESSOFFICE_SITE_URL).hostname or "localhost"
    return f"<alerts.{host}>"


def _message(*, to, subject, template, context, language, headers=None) -> EmailMultiAlternatives:
    with translation.override(language):
        context = {
            **context,
            "language": language,
            "direction": languages.direction(language),
            "office_name": settings.PRESSOFFICE_OFFICE_NAME,
            "site_url": settings.PRESSOFFICE_SITE_URL.rstrip("/"),
        }
        text = render_to_string(f"alerts/email/{template}.txt", context)
        html = render_to_string(f"alerts/email/{template}.html", context)
        subject = " ".join(str(subject).split())[:200]
    headers = {
        "Content-Language": language,
        "Auto-Submitted": "auto-generated",
        "Message-ID": make_msgid(domain=urlsplit(settings.PRESSOFFICE_SITE_URL).hostname or "localhost"),
        **(headers or {}),
    }
    bounce = settings.PRESSOFFICE_BOUNCE_ADDRESS
    if bounce:
        # The envelope sender (Return-Path) takes the bounces; readers see From.
        headers["From"] = settings.DEFAULT_FROM_EMAIL
    message = EmailMultiAlternatives(subject, text, bounce or settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def confirmation(subscription, frequency: str) -> EmailMultiAlternatives:
    subscriber, alert_list = subscription.subscriber, subscription.alert_list
    language = alert_list.language
    with translation.override(language):
        context = {
            "description": alert_list.description,
            "frequency": Frequency(frequency).label,
            "confirm_url": alerts_url("confirm", tokens.confirm_token(subscription, frequency), language),
            "days": settings.PRESSOFFICE_ALERT_CONFIRM_DAYS,
        }
        subject = _("Confirm your email alert: %(list)s") % {"list": alert_list.description}
    return _message(to=subscriber.email, subject=subject, template="confirm", context=context, language=language)


def edition_item(edition: Edition, language: str) -> dict:
    """What an email says of one edition, from its signed record."""
    record = json.loads(bytes(edition.canonical))
    with translation.override(language):
        kind = {
            Edition.Change.PUBLICATION: _("Published"),
            Edition.Change.MAJOR_CORRECTION: _("Corrected"),
            Edition.Change.WITHDRAWAL: _("Withdrawn"),
        }.get(edition.change, "")
    occurred = record.get("occurred_on") or ""
    return {
        "change": edition.change,
        "change_label": kind,
        "title": record["headline"],
        "standfirst": record.get("standfirst", ""),
        "url": record["url"],
        "reference": record.get("reference", ""),
        "occurred_on": datetime.date.fromisoformat(occurred[:10]) if occurred else None,
        "participants": [p["name"] for p in record.get("participants", [])],
        "change_note": record.get("change_note") or "",
        "notice": record.get("notice") or "",
    }


def alert(subscriber, subscriptions, items: list[dict], *, language: str, digest: str = "") -> EmailMultiAlternatives:
    """An alert (one item) or a digest (`digest` = "daily" or "weekly") to `subscriber`
    about `subscriptions` (their lists)."""
    unsubscribe = alerts_url(
        "unsubscribe", tokens.unsubscribe_token(subscriber, [s.pk for s in subscriptions]), language
    )
    with translation.override(language):
        context = {
            "items": items,
            "lists": [s.alert_list.description for s in subscriptions],
            "digest": digest,
            "unsubscribe_url": unsubscribe,
            "manage_url": alerts_url("manage", tokens.manage_token(subscriber), language),
        }
        if digest:
            subject = (_("Your daily digest: %(n)s statements") if digest == Frequency.DAILY else
                       _("Your weekly digest: %(n)s statements")) % {"n": len(items)}  # fmt: skip
        else:
            item = items[0]
            subject = f"{item['change_label']}: {item['title']}"
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": list_id(),
        "Precedence": "bulk",
    }
    template = "digest" if digest else "alert"
    return _message(
        to=subscriber.email, subject=subject, template=template, context=context, language=language, headers=headers
    )
