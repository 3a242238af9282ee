"""The signed links of alert mail. Each is signed with SECRET_KEY and a salt of its own,
so one kind of token is never accepted as another.

- confirm: a subscription and the frequency asked for; expires after
  PRESSOFFICE_ALERT_CONFIRM_DAYS (7), like the unconfirmed subscription itself;
- unsubscribe: an address and the subscriptions an email was about; never expires (RFC
  8058: a link in an old message must still work), and dies with the address;
- manage: an address; never expires, dies with the address ("delete everything").
"""

from django.conf import settings
from django.core import signing

CONFIRM, UNSUBSCRIBE, MANAGE = "alerts.confirm", "alerts.unsubscribe", "alerts.manage"


class Invalid(Exception):
    """Tampered with, or of another kind."""


class Expired(Invalid):
    """Genuine, but past its time."""


def confirm_token(subscription, frequency: str) -> str:
    return signing.dumps({"s": subscription.pk, "f": frequency}, salt=CONFIRM, compress=True)


def unsubscribe_token(subscriber, subscription_ids) -> str:
    return signing.dumps({"u": subscriber.uuid.hex, "s": sorted(subscription_ids)}, salt=UNSUBSCRIBE, compress=True)


def manage_token(subscriber) -> str:
    return signing.dumps({"u": subscriber.uuid.hex}, salt=MANAGE)


def read(token: str, salt: str) -> dict:
    max_age = settings.PRESSOFFICE_ALERT_CONFIRM_DAYS * 86400 if salt == CONFIRM else None
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise Expired(str(error)) from error
    except (signing.BadSignature, ValueError, UnicodeError) as error:
        raise Invalid(str(error)) from error
    if not isinstance(value, dict):
        raise Invalid("not a token")
    return value
