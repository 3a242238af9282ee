"""Deployment hardening: security headers, Content Security Policy, sessions, login
throttling, optional two-factor sign-in, body size caps and per-client rate limits."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from statements import workflow

from .factories import make_person, make_staff, make_statement, make_user, make_version

pytestmark = pytest.mark.django_db

LOGIN = f"/{settings.PRESSOFFICE_ADMIN_PATH}login/"


def csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def live_version(db):
    publisher = make_staff("Publisher")
    version = make_version(make_statement(participants=[make_person()]), title="Harbour talks", body="Text.")
    workflow.force_publish(translation=version, actor=publisher, reason="Test")
    return version


# Headers and the Content Security Policy ------------------------------------------------


def test_public_pages_carry_security_headers_and_a_strict_policy(client, live_version):
    for url in ["/en/", "/en/statements/", live_version.get_absolute_url(), "/en/feeds/statements.rss"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        policy = csp(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "nonce-" not in response["Content-Security-Policy"]


def test_public_policy_is_identical_across_requests_so_pages_stay_cacheable(client, live_version):
    first = client.get(live_version.get_absolute_url())["Content-Security-Policy"]
    second = client.get(live_version.get_absolute_url())["Content-Security-Policy"]
    assert first == second


def test_public_pages_have_no_inline_script_apart_from_json_ld(client, live_version):
    html = client.get(live_version.get_absolute_url()).content.decode()
    for match in re.finditer(r"<script([^>]*)>", html):
        attributes = match.group(1)
        assert "src=" in attributes or 'type="application/ld+json"' in attributes, attributes


def test_admin_policy_has_no_unsafe_inline_and_adds_a_nonce_when_a_page_uses_one(rf, admin_client):
    response = admin_client.get(f"/{settings.PRESSOFFICE_ADMIN_PATH}")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert csp(response)["script-src"][0] == "'self'"

    from django.http import HttpResponse

    from statements.security import ContentSecurityPolicyMiddleware

    def page_using_nonce(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    middleware = ContentSecurityPolicyMiddleware(page_using_nonce)
    request = rf.get(f"/{settings.PRESSOFFICE_ADMIN_PATH}statements/")
    response = middleware(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in csp(response)["script-src"]


def test_staff_sessions_expire(admin_client):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert admin_client.session.get_expire_at_browser_close()
    assert admin_client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


# Login throttling ------------------------------------------------------------------------


def test_login_locks_out_after_repeated_failures_with_a_clear_message(client):
    make_user("clerk")  # password "pw"
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(LOGIN, {"username": "clerk", "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = client.post(LOGIN, {"username": "clerk", "password": "wrong"})
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()
    # Even the right password is refused while locked out.
    response = client.post(LOGIN, {"username": "clerk", "password": "pw"})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_a_successful_login_resets_the_failure_count(client):
    make_user("clerk")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": "clerk", "password": "wrong"})
    assert client.post(LOGIN, {"username": "clerk", "password": "pw"}).status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(LOGIN, {"username": "clerk", "password": "wrong"}).status_code == 200
    assert client.post(LOGIN, {"username": "clerk", "password": "pw"}).status_code == 302


def test_lockout_of_one_account_leaves_others_alone(client):
    make_user("clerk")
    make_user("other")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "clerk", "password": "wrong"})
    assert client.post(LOGIN, {"username": "other", "password": "pw"}).status_code == 302


# Two-factor sign-in -----------------------------------------------------------------------


def current_code(device) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


def test_two_factor_is_off_by_default(client):
    assert settings.PRESSOFFICE_REQUIRE_2FA is False
    make_staff("Publisher", "pub")
    assert client.post(LOGIN, {"username": "pub", "password": "pw"}).status_code == 302


@override_settings(PRESSOFFICE_REQUIRE_2FA=True)
def test_two_factor_required_for_publishers_when_switched_on(client):
    publisher = make_staff("Publisher", "pub")
    response = client.post(LOGIN, {"username": "pub", "password": "pw"})
    assert response.status_code == 200
    assert "no authenticator is set up" in response.content.decode()

    device = TOTPDevice.objects.create(user=publisher, name="phone", confirmed=True)
    response = client.post(LOGIN, {"username": "pub", "password": "pw", "otp_token": "000000"})
    assert "The code is missing or wrong" in response.content.decode()
    assert SESSION_KEY not in client.session

    # django-otp throttles a device after a wrong code; the wait is over.
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(LOGIN, {"username": "pub", "password": "pw", "otp_token": current_code(device)})
    assert response.status_code == 302
    assert client.get(f"/{settings.PRESSOFFICE_ADMIN_PATH}").status_code == 200


@override_settings(PRESSOFFICE_REQUIRE_2FA=True)
def test_two_factor_unverified_publisher_session_is_sent_to_login(client):
    client.force_login(make_staff("Publisher"))
    response = client.get(f"/{settings.PRESSOFFICE_ADMIN_PATH}")
    assert response.status_code == 302 and "/login/" in response["Location"]


@override_settings(PRESSOFFICE_REQUIRE_2FA=True)
def test_two_factor_not_asked_of_editors(client):
    make_staff("Editor", "ed")
    assert client.post(LOGIN, {"username": "ed", "password": "pw"}).status_code == 302
    assert client.get(f"/{settings.PRESSOFFICE_ADMIN_PATH}").status_code == 200


def test_add_totp_device_command(capsys):
    from django.core.management import call_command

    publisher = make_staff("Publisher", "pub")
    call_command("add_totp_device", "pub")
    device = TOTPDevice.objects.get(user=publisher)
    assert device.confirmed
    assert "otpauth://totp/" in capsys.readouterr().out


# Body size and upload limits ------------------------------------------------------------------


@override_settings(PRESSOFFICE_MAX_BODY_BYTES=1000)
def test_oversized_body_is_refused_with_413_before_reading(admin_client):
    response = admin_client.post(
        f"/{settings.PRESSOFFICE_ADMIN_PATH}statements/image/add/",
        data=b"x" * 2000,
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert "larger than" in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_form_data_is_a_400_not_a_500(admin_client):
    response = admin_client.post(f"/{settings.PRESSOFFICE_ADMIN_PATH}statements/topic/add/", {"name": "x" * 5000})
    assert response.status_code == 400


def test_upload_limits_are_configured():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1000 * 1000
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1000 * 1000
    assert settings.PRESSOFFICE_MAX_BODY_BYTES > settings.PRESSOFFICE_IMAGE_MAX_BYTES


# Rate limits -------------------------------------------------------------------------------------


@override_settings(PRESSOFFICE_RATE_LIMIT_SEARCH="3/60")
def test_search_is_rate_limited_per_client_with_retry_after(client, live_version):
    for _request in range(3):
        assert client.get("/en/statements/", {"q": "harbour"}).status_code == 200
    response = client.get("/en/statements/", {"q": "harbour"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.content.decode()
    # Browsing without a search is not a search; another address has its own allowance.
    assert client.get("/en/statements/").status_code == 200
    assert client.get("/en/statements/", {"q": "harbour"}, REMOTE_ADDR="10.0.0.9").status_code == 200


@override_settings(PRESSOFFICE_RATE_LIMIT_FEEDS="2/60")
def test_feeds_and_api_are_rate_limited(client, live_version):
    assert client.get("/en/feeds/statements.rss").status_code == 200
    assert client.get("/en/feeds/statements.atom").status_code == 200
    response = client.get("/en/feeds/statements.json")
    assert response.status_code == 429 and response["Retry-After"]
    assert client.get("/api/ninjs/statements/").status_code == 429
    assert client.get("/en/").status_code == 200  # pages are not feeds


@override_settings(PRESSOFFICE_RATE_LIMIT_FEEDS="1/60", PRESSOFFICE_PROXY_COUNT=1)
def test_rate_limit_uses_the_forwarded_address_behind_a_trusted_proxy(client, live_version):
    assert client.get("/en/feeds/statements.rss", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
    assert client.get("/en/feeds/statements.rss", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200
    assert client.get("/en/feeds/statements.rss", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429


@override_settings(PRESSOFFICE_RATE_LIMIT_FEEDS="1/60")
def test_staff_are_not_rate_limited(admin_client, live_version):
    for _request in range(3):
        assert admin_client.get("/en/feeds/statements.rss").status_code == 200


@override_settings(PRESSOFFICE_RATE_LIMIT_FEEDS="1/60")
def test_rate_limit_serves_when_the_cache_is_down(client, live_version, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", broken)
    for _request in range(3):
        assert client.get("/en/feeds/statements.rss").status_code == 200


def test_rate_parsing():
    from statements.security import parse_rate

    assert parse_rate("60/60") == (60, 60)
    assert parse_rate("10") == (10, 60)
    assert parse_rate("off") is None and parse_rate("") is None


# Health and errors ------------------------------------------------------------------------------


def test_error_pages_show_no_stack_trace(client):
    from django.test import Client

    with override_settings(DEBUG=False):
        response = client.get("/en/statements/2024/1/1/no-such-statement/")
        assert response.status_code == 404
        assert "Traceback" not in response.content.decode()

    boom = Client(raise_request_exception=False)
    with override_settings(DEBUG=False, ROOT_URLCONF="tests.urls_boom"):
        response = boom.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "Traceback" not in body and "RuntimeError" not in body and "secret detail" not in body


def test_healthz_is_never_cached_and_tells_no_secrets(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_database_outage_is_a_503_with_retry_after_not_a_500():
    from django.test import Client

    with override_settings(DEBUG=False, ROOT_URLCONF="tests.urls_boom"):
        response = Client(raise_request_exception=False).get("/database-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5" and response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "briefly unavailable" in body and "Connection refused" not in body


def test_client_address_is_none_when_unknown_so_axes_stores_no_bad_ip(rf):
    from statements.security import client_ip

    request = rf.get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) is None
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.7")) == "192.0.2.7"


def test_login_page_shows_the_code_field_only_when_two_factor_is_on(client):
    assert 'name="otp_token"' not in client.get(LOGIN).content.decode()
    with override_settings(PRESSOFFICE_REQUIRE_2FA=True):
        html = client.get(LOGIN).content.decode()
    assert 'name="otp_token"' in html and 'autocomplete="one-time-code"' in html


def test_unset_proxy_count_behind_a_private_proxy_warns_once(rf, caplog, monkeypatch, settings):
    """PRESSOFFICE_PROXY_COUNT left at 0 while a private address forwards X-Forwarded-For:
    every reader would share the proxy's one limit, so the operator is told, once."""
    from statements import security

    settings.PRESSOFFICE_PROXY_COUNT = 0
    monkeypatch.setattr(security, "_warned_about_proxy", False)
    forwarded = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    with caplog.at_level("WARNING", logger="statements.security"):
        assert security.client_ip(rf.get("/", REMOTE_ADDR="93.184.216.34", HTTP_X_FORWARDED_FOR="203.0.113.9"))
        assert caplog.records == []  # a public address forwarding is not the site's proxy
        assert security.client_ip(rf.get("/", **forwarded)) == "10.0.0.5"
        assert security.client_ip(rf.get("/", **forwarded)) == "10.0.0.5"
    warnings = [r for r in caplog.records if "PRESSOFFICE_PROXY_COUNT is 0" in r.getMessage()]
    assert len(warnings) == 1 and "10.0.0.5" in warnings[0].getMessage()
    settings.PRESSOFFICE_PROXY_COUNT = 1
    monkeypatch.setattr(security, "_warned_about_proxy", False)
    caplog.clear()
    assert security.client_ip(rf.get("/", **forwarded)) == "203.0.113.9"
    assert caplog.records == []
