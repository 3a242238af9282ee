"""Request-level protections: the client address, the Content Security Policy, the body
size cap, per-client rate limits, the login lockout page, and a 503 instead of a 500
while the database is unreachable.

Each refusal is a plain 4xx (or 503) that says what happened, and is logged.
"""

import functools
import ipaddress
import logging
import time

from csp.constants import NONCE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from .freshness import cache_down, signed_in

logger = logging.getLogger("statements.security")


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the address PRESSOFFICE_PROXY_COUNT trusted
    proxies recorded in X-Forwarded-For (the right-most ones are the proxies' own)."""
    count = settings.PRESSOFFICE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    remote = request.META.get("REMOTE_ADDR") or None
    if forwarded and not count:
        _warn_unset_proxy_count(remote)
    return remote


_warned_about_proxy = False


def _warn_unset_proxy_count(remote: str | None):
    """A private address forwarding X-Forwarded-For while PRESSOFFICE_PROXY_COUNT is 0 is
    almost surely the site's own proxy: every reader then shares its one limit. Said once
    per process."""
    global _warned_about_proxy
    if _warned_about_proxy or remote is None:
        return
    try:
        private = ipaddress.ip_address(remote).is_private
    except ValueError:
        return
    if private:
        _warned_about_proxy = True
        logger.warning(
            "Requests from %s carry X-Forwarded-For but PRESSOFFICE_PROXY_COUNT is 0: every reader behind that "
            "proxy shares one rate limit and one login lockout. Set PRESSOFFICE_PROXY_COUNT to the number of "
            "proxies in front.",
            remote,
        )


def is_admin_path(request) -> bool:
    return request.path_info.startswith("/" + settings.PRESSOFFICE_ADMIN_PATH)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with one difference: admin pages may also run scripts carrying the
    request's nonce. A nonce only reaches the header when a template used it, so public
    pages keep one fixed, cacheable policy."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and is_admin_path(request):
            parts.update = {**(parts.update or {}), "script-src": [NONCE]}
        return parts


class BodySizeLimitMiddleware:
    """Refuses a request whose declared body is larger than PRESSOFFICE_MAX_BODY_BYTES
    with 413, before anything reads it. (Django's own DATA_UPLOAD_MAX_MEMORY_SIZE caps
    form fields; this caps everything, files included.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.PRESSOFFICE_MAX_BODY_BYTES
        if limit and length > limit:
            logger.warning(
                "request body refused",
                extra={"event": "body_too_large", "path": request.path, "bytes": length, "limit": limit},
            )
            return render(
                request,
                "statements/refused.html",
                {
                    "title": _("Request too large"),
                    "message": _("The request is larger than %(limit)s MB, the most this site accepts.")
                    % {"limit": round(limit / 1_000_000, 1)},
                },
                status=413,
            )
        return self.get_response(request)


def parse_rate(value: str) -> tuple[int, int] | None:
    """ "60/60" → (60 requests, 60 seconds); "", "0" or "off" → None."""
    value = (value or "").strip().lower()
    if value in {"", "0", "off", "none"}:
        return None
    count, _sep, seconds = value.partition("/")
    return int(count), int(seconds or 60)


def over_limit(name: str, rate: tuple[int, int]) -> int | None:
    """Count one more request for `name` in the current fixed window of `rate`; None
    while within it, else the seconds to the window's end. If the cache is down the
    request counts as within (and is logged): a limit that takes the site down with it
    protects nothing."""
    limit, window = rate
    now = int(time.time())
    start = now - now % window
    key = f"rate:{name}:{start}"
    try:
        cache.add(key, 0, window + 1)
        used = cache.incr(key)
    except Exception:  # noqa: BLE001 - cache unreachable: serve, don't fail
        cache_down("Rate limit not applied: cache unreachable")
        return None
    return max(1, start + window - now) if used > limit else None


def rate_limited(bucket: str, applies=lambda request: True):
    """Per-client fixed-window limit for a view, from PRESSOFFICE_RATE_LIMIT_<BUCKET>.

    Over the limit: 429 with Retry-After (seconds to the end of the window). Staff are
    not limited. If the cache is down the request is served (and logged): a limit that
    takes the site down with it protects nothing.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            rate = parse_rate(getattr(settings, f"PRESSOFFICE_RATE_LIMIT_{bucket.upper()}"))
            if rate is None or not applies(request) or (signed_in(request) and request.user.is_staff):
                return view(request, *args, **kwargs)
            retry_after = over_limit(f"{bucket}:{client_ip(request) or 'unknown'}", rate)
            if retry_after is not None:
                logger.warning(
                    "rate limit reached",
                    extra={
                        "event": "rate_limited",
                        "bucket": bucket,
                        "client": client_ip(request),
                        "path": request.path,
                    },
                )
                response = render(
                    request,
                    "statements/refused.html",
                    {
                        "title": _("Too many requests"),
                        "message": _("Too many requests from your address. Please try again in %(seconds)s seconds.")
                        % {"seconds": retry_after},
                    },
                    status=429,
                )
                response["Retry-After"] = str(retry_after)
                response["Cache-Control"] = "no-store"
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def is_search(request) -> bool:
    return bool(request.GET.get("q", "").strip())


def lockout_response(request, *args, **kwargs):
    """django-axes' AXES_LOCKOUT_CALLABLE: the admin's lockout page, 429, saying for how
    long. Logged by axes itself (user_locked_out)."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60)) if settings.AXES_COOLOFF_TIME else None
    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    logger.warning("login locked out", extra={"event": "login_locked_out", "client": client_ip(request)})
    return render(request, "admin/locked_out.html", context, status=429)


class DatabaseUnavailableMiddleware:
    """The database is unreachable (restarting, failing over): 503 with Retry-After and
    a plain message instead of a 500, logged. Django's CONN_HEALTH_CHECKS replaces the
    broken connection on the next request, so workers recover without a restart."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "database unavailable",
            exc_info=exception,
            extra={"event": "database_unavailable", "path": request.path},
        )
        # A page of its own: nothing in it may need the database.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        response["Cache-Control"] = "no-store"
        return response
