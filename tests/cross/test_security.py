"""Security settings (issue 8): the Content-Security-Policy and templates that need no inline code,
sign-in by default (LoginRequiredMiddleware), the admin's sign-in through allauth, allauth's rate
limits, and uploads under random names outside the web root. Two-factor is in test_rules_roles;
`check --deploy` and the production cookie settings in test_deploy."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import mail
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

from council.models import Document
from tests.cross.test_permission_matrix import MATRIX, make_matrix_data

# ---------------------------------------------------------------------------------------------
# Content-Security-Policy
# ---------------------------------------------------------------------------------------------

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}


def csp_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_the_public_home_page_has_the_content_security_policy(cast, client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert csp_of(response) == POLICY


def test_a_signed_in_page_has_the_content_security_policy(cast, client_for):
    response = client_for("councillor").get(reverse("council:home", args=[cast.council.slug]))
    assert response.status_code == 200
    assert csp_of(response) == POLICY


def test_a_public_page_served_from_memory_has_the_content_security_policy_too(cast, client, matrix):
    url = reverse("protocol:current", args=[cast.council.slug])
    first, second = client.get(url), client.get(url)  # the second from council.pagecache
    assert (first.status_code, second.status_code) == (200, 200)
    assert csp_of(first) == csp_of(second) == POLICY


TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Emails are read in mail programs, which never see our header and ignore linked stylesheets, so
# their inline styles stay; no email has a script.
EMAILS = TEMPLATES / "email"
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style\b", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)  # onclick= and the like: inline scripts too


def template_files() -> list[Path]:
    files = sorted(p for p in TEMPLATES.rglob("*") if p.is_file())
    assert len(files) > 50
    return files


def test_no_template_has_an_inline_script():
    wrong = []
    for template in template_files():
        text = template.read_text()
        for tag in SCRIPT_TAG.findall(text):
            if "src=" not in tag:
                wrong.append(f"{template.relative_to(TEMPLATES)}: {tag}")
        if INLINE_HANDLER.search(text):
            wrong.append(f"{template.relative_to(TEMPLATES)}: an inline event handler")
    assert wrong == []


def test_no_page_template_has_an_inline_style():
    wrong = [
        str(template.relative_to(TEMPLATES))
        for template in template_files()
        if EMAILS not in template.parents and INLINE_STYLE.search(template.read_text())
    ]
    assert wrong == []


def test_the_server_error_page_uses_the_stylesheet():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")
    assert "/static/css/portal.css" in page
    assert not INLINE_STYLE.search(page)


# ---------------------------------------------------------------------------------------------
# Sign-in by default: only the pages listed here are public.
# ---------------------------------------------------------------------------------------------

PUBLIC_URL_NAMES = {
    "home",  # the list of councils
    "healthz",
    "accessibility",
    "protocol:current",
    "protocol:versions",
    "protocol:version",
    "protocol:changes",
    "news:news_list",
    "news:news_detail",
}


@pytest.fixture
def matrix(cast):
    return make_matrix_data(cast)


def test_every_page_but_the_public_ones_sends_a_visitor_to_sign_in(matrix):
    cast = matrix
    client = Client()
    login = reverse("account_login")
    wrong = []
    for name, row in MATRIX.items():
        url = reverse(name, kwargs=row.kwargs(cast))
        response = client.get(url)  # a GET even of a POST action: sign-in comes first
        sent_to_sign_in = response.status_code == 302 and response["Location"].startswith(
            f"{login}?next="
        )
        if sent_to_sign_in == (name in PUBLIC_URL_NAMES):
            wrong.append(f"{name} {url}: {response.status_code}")
    assert wrong == []


def test_allauths_signed_out_pages_open_without_signing_in(db, client):
    for name in (
        "account_login",
        "account_reset_password",
        "account_reset_password_done",
        "account_signup",  # says that sign-up is closed (the clerk invites people)
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_allauths_signed_in_pages_send_a_visitor_to_sign_in(db, client):
    for name in ("account_email", "account_change_password", "mfa_index", "mfa_activate_totp"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name


def unmarked_view(request):
    return HttpResponse("A page somebody forgot to protect.")


@login_not_required
def marked_view(request):
    return HttpResponse("A public page.")


# The urlconf of the next test: a new page, added with no decorator at all.
urlpatterns = [
    path("new-page/", unmarked_view),
    path("marked-page/", marked_view),
    path("accounts/", include("allauth.urls")),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_new_page_added_without_the_public_marker_needs_sign_in(db, client):
    response = client.get("/new-page/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/new-page/"
    assert client.get("/marked-page/").status_code == 200


def test_the_public_marker_reaches_the_outermost_function_of_a_cached_public_page():
    # protocol_current is wrapped by council.pagecache.public_page and Django's condition().
    from protocol.views import protocol_current

    assert protocol_current.login_required is False


# ---------------------------------------------------------------------------------------------
# The admin signs in through allauth
# ---------------------------------------------------------------------------------------------


def test_the_admins_sign_in_page_sends_people_to_allauths(db, client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"
    # The admin's own form is gone: posting a password to it signs nobody in.
    response = client.post("/admin/login/", {"username": "x@example.org", "password": "x"})
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_the_admin_index_sends_a_visitor_to_allauths_sign_in(db, client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1] == (reverse("account_login") + "?next=%2Fadmin%2F", 302)
    assert response.status_code == 200


def test_the_admin_lets_staff_in_and_refuses_others(cast, client_for):
    cast.officer.is_staff = cast.officer.is_superuser = True
    cast.officer.save()
    staff = client_for("officer")
    response = staff.get("/admin/login/")
    assert response["Location"] == reverse("admin:index")
    assert staff.get(reverse("admin:index")).status_code == 200
    assert client_for("councillor").get("/admin/login/").status_code == 403


# ---------------------------------------------------------------------------------------------
# allauth's rate limits (the failed sign-in's own test is in test_management_pages)
# ---------------------------------------------------------------------------------------------


def test_password_reset_emails_are_rate_limited_per_address(cast, client):
    url = reverse("account_reset_password")
    for _ in range(5):
        response = client.post(url, {"email": "councillor@example.org"})
        assert response.status_code == 302
    assert len(mail.outbox) == 5
    response = client.post(url, {"email": "councillor@example.org"})
    assert response.status_code == 429
    assert len(mail.outbox) == 5


def test_the_rate_limits_are_those_reviewed():
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,5/5m/key"
    assert settings.ACCOUNT_RATE_LIMITS["reset_password"] == "20/m/ip,5/m/key"
    # allauth's limits count in the cache, which must not be a dummy one (nor Redis:
    # docs/operations.md).
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


# ---------------------------------------------------------------------------------------------
# Uploads: random names, outside the web root
# ---------------------------------------------------------------------------------------------


def test_uploads_live_outside_the_web_root_under_random_names(cast):
    private = Path(settings.PRIVATE_STORAGE_ROOT).resolve()
    for served in (Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)):
        served = served.resolve()
        assert served != private and served not in private.parents
        assert private not in served.parents
    document = cast.committee_document
    with pytest.raises(NotImplementedError):  # no URL of its own: only the download view
        _ = document.file.url
    stored = Path(document.file.name)
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored.name)
    assert "planning" not in document.file.name
    assert Document.objects.filter(file=document.file.name).count() == 1
