"""A signed-in person's repeat visit of a council page is answered from memory, under a key that
names the data version, their session and the minute (council.pagecache, council.dataversion).
These tests show that it is used, and that nobody ever sees a page that is out of date or not
theirs."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from correspondence import services as request_services
from council import dataversion
from council.audit import AuditEvent, AuditKind
from council.models import Council, Notification
from council.policy import standing_for

# The session and the data version, read together: all that a kept page costs.
KEPT_PAGE_QUERIES = 1


def queue_url(cast):
    return reverse("correspondence:request_queue", args=[cast.council.slug])


def visit_until_kept(client: Client, url: str):
    """The first visit hands out the CSRF cookie (its token is in every page's sign-out form), so
    the page is kept from the second; the third is answered from memory."""
    client.get(url)
    return client.get(url)


def submit_request(cast, summary: str):
    return request_services.request_submit(
        standing=standing_for(cast.councillor, cast.council),
        documents=[cast.committee_document],
        summary=summary,
        information="",
        purpose="To prepare for the meeting.",
        justification="",
    )


def test_a_repeat_visit_is_answered_from_memory_with_one_query(
    cast, client_for, django_assert_num_queries
):
    client = client_for("clerk")
    first = visit_until_kept(client, queue_url(cast))
    with django_assert_num_queries(KEPT_PAGE_QUERIES):
        again = client.get(queue_url(cast))
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    # The middleware's headers are on the kept answer too.
    assert "Content-Security-Policy" in again
    assert again["X-Frame-Options"] == "DENY"


def test_a_change_shows_on_the_next_visit(cast, client_for):
    client = client_for("clerk")
    before = visit_until_kept(client, queue_url(cast))
    assert b"Minutes of the spring meeting" not in before.content
    submit_request(cast, "Minutes of the spring meeting")
    assert b"Minutes of the spring meeting" in client.get(queue_url(cast)).content


def test_a_change_made_with_an_update_statement_shows_too(cast, client_for):
    """Not only saves: QuerySet.update() and raw SQL change the data version as well."""
    client = client_for("clerk")
    visit_until_kept(client, queue_url(cast))
    Council.objects.filter(pk=cast.council.pk).update(name="Much Wickham Parish Council")
    assert b"Much Wickham Parish Council" in client.get(queue_url(cast)).content
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE council_council SET name = %s WHERE id = %s",
            ["Lesser Wickham Parish Council", cast.council.pk],
        )
    assert b"Lesser Wickham Parish Council" in client.get(queue_url(cast)).content


def test_one_persons_kept_page_is_never_shown_to_another(cast, client_for):
    url = reverse("council:home", args=[cast.council.slug])
    clerk, councillor = client_for("clerk"), client_for("councillor")
    clerks_page = visit_until_kept(clerk, url)
    councillors_page = visit_until_kept(councillor, url)
    assert clerks_page.content != councillors_page.content
    assert councillor.get(url).content == councillors_page.content
    assert clerk.get(url).content == clerks_page.content
    # Another session of the same person has pages of its own (its CSRF token, for one).
    other_session = client_for("clerk")
    assert other_session.cookies[settings.SESSION_COOKIE_NAME].value != (
        clerk.cookies[settings.SESSION_COOKIE_NAME].value
    )
    assert other_session.get(url).status_code == 200


def test_after_signing_out_the_kept_page_is_gone(cast, client_for):
    client = client_for("clerk")
    visit_until_kept(client, queue_url(cast))
    client.post(reverse("account_logout"))
    response = client.get(queue_url(cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_session_that_has_expired_is_not_answered_from_memory(cast, client_for):
    client = client_for("clerk")
    visit_until_kept(client, queue_url(cast))
    later = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later, tick=False):
        response = client.get(queue_url(cast))
    assert response.status_code == 302


def test_a_new_minute_renders_the_page_again(cast, client_for, django_assert_num_queries):
    client = client_for("clerk")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        visit_until_kept(client, queue_url(cast))
        with django_assert_num_queries(KEPT_PAGE_QUERIES):
            client.get(queue_url(cast))
        clock.shift(timedelta(seconds=61))
        with CaptureQueriesContext(connection) as rendered:
            client.get(queue_url(cast))
    assert len(rendered) > KEPT_PAGE_QUERIES


def test_an_audited_document_opening_is_never_answered_from_memory(cast, client_for):
    """R27: every opening of a personal-data document is recorded, so its view always runs."""
    client = client_for("clerk")
    url = reverse("council:document_download", args=[cast.council.slug, cast.personal_document.pk])
    for _ in range(3):
        assert client.get(url).status_code == 200
    openings = AuditEvent.objects.filter(kind=AuditKind.PERSONAL_DATA_DOCUMENT_OPENED)
    assert openings.count() == 3


def test_a_small_download_is_kept_whole(cast, client_for, django_assert_num_queries):
    client = client_for("councillor")
    url = reverse("council:document_download", args=[cast.council.slug, cast.public_document.pk])
    first = visit_until_kept(client, url)
    with django_assert_num_queries(KEPT_PAGE_QUERIES):
        again = client.get(url)
    assert again.getvalue() == first.getvalue()
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Cache-Control"] == "private, no-store"


def test_a_waiting_message_is_shown_and_the_page_with_it_is_not_kept(cast, client_for, rf):
    client = client_for("clerk")
    url = queue_url(cast)
    visit_until_kept(client, url)
    # As a form's "saved" message waits in its cookie for the next page.
    storage = CookieStorage(rf.get("/"))
    client.cookies[CookieStorage.cookie_name] = storage._encode(
        [Message(constants.SUCCESS, "Your reply is saved.")]
    )
    assert b"Your reply is saved." in client.get(url).content
    assert b"Your reply is saved." not in client.get(url).content


def test_a_page_that_hands_out_a_new_csrf_token_is_not_kept(cast, client_for):
    """Without a CSRF cookie the page's token is new, and only that answer's cookie matches it:
    keeping the page would give the next visit a form whose token it cannot send back."""
    client = client_for("clerk")
    url = queue_url(cast)
    for _ in range(3):
        response = client.get(url)
        # Rendered each time, with a new cookie; a kept page would come without one.
        assert settings.CSRF_COOKIE_NAME in response.cookies
        client.cookies.pop(settings.CSRF_COOKIE_NAME)


def test_the_cache_is_checked_before_the_sign_in_and_two_factor_checks():
    """The kept page already passed them for this session; after them, it would cost their
    queries (the user, the roles) on every visit."""
    middleware = settings.MIDDLEWARE
    mine = middleware.index("council.pagecache.PersonPageMiddleware")
    assert middleware.index("django.contrib.sessions.middleware.SessionMiddleware") < mine
    assert middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") < mine
    assert mine < middleware.index("django.contrib.auth.middleware.LoginRequiredMiddleware")
    assert mine < middleware.index("council.middleware.RequireTwoFactorMiddleware")


# -- The data version ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql, changes",
    [
        ('INSERT INTO "council_council" ("name") VALUES (%s)', True),
        ('  UPDATE "correspondence_informationrequest" SET "status" = %s', True),
        ('DELETE FROM "council_role" WHERE "id" = %s', True),
        ('TRUNCATE "council_council", "council_role"', True),
        ('SELECT "id" FROM "council_council" FOR UPDATE', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "portal_cache" (cache_key) VALUES (%s)', False),
        ('INSERT INTO "council_dataversion" (id, version) VALUES (1, 1)', False),
        ("SAVEPOINT s1", False),
        ("EXECUTE person_page(%s, %s)", False),
    ],
)
def test_what_counts_as_a_change(sql, changes):
    assert dataversion.is_change(sql) is changes


def test_every_change_moves_the_version_on_and_a_session_write_does_not(cast):
    before = dataversion.current()
    Notification.objects.filter(user=cast.clerk).update(subject="Changed")
    assert dataversion.current() == before + 1
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["x"] = 1
    session.save()
    assert dataversion.current() == before + 1


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_version_moves_once_after_the_commit():
    """Not before: the counter row would be locked until the commit, and every writer would queue
    behind it."""
    dataversion.bump()
    start = dataversion.current()
    with transaction.atomic():
        Council.objects.create(name="First Parish Council", slug="first")
        Council.objects.create(name="Second Parish Council", slug="second")
        assert dataversion.current() == start
    assert dataversion.current() == start + 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_does_not_move_the_version():
    dataversion.bump()
    start = dataversion.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Council.objects.create(name="Gone Parish Council", slug="gone")
        raise RuntimeError("rolled back")
    assert dataversion.current() == start


@pytest.mark.django_db(transaction=True)
def test_the_version_row_comes_back_after_every_table_is_emptied():
    """A test's flush (TRUNCATE) removes the row; the next change makes it again, and until then
    no page is kept (the cache's query finds no version)."""
    from council.models import DataVersion

    DataVersion.objects.all().delete()
    assert dataversion.current() is None
    Council.objects.create(name="Third Parish Council", slug="third")
    assert dataversion.current() >= 1
