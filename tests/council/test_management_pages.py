"""The clerk's management pages: inviting people, roles, committees and seats, groups, and the
document register. Bad input gets a clear message and changes nothing."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from council import services
from council.demo import MINIMAL_PDF
from council.models import Document, GroupMembership, Notification, Role, Seat, User

TODAY = timezone.localdate


def url(cast, name, *args):
    return reverse(f"council:{name}", args=[cast.council.slug, *args])


def errors_of(response) -> str:
    """The error summary's text, to assert on the message a person reads."""
    page = response.content.decode()
    assert "There is a problem" in page, "expected an error summary"
    return page


def counts():
    """Rows and history rows that a refused action must leave untouched."""
    return (
        Role.objects.count(),
        Role.history.count(),
        Seat.objects.count(),
        Seat.history.count(),
        GroupMembership.objects.count(),
        Document.objects.count(),
        Document.history.count(),
        User.objects.count(),
        Notification.objects.count(),
    )


# ---------------------------------------------------------------------------------------------
# Inviting people
# ---------------------------------------------------------------------------------------------


def invite(client, cast, **overrides):
    data = {
        "name": "Nia Clarke",
        "email": "nia@example.org",
        "kind": "councillor",
        "starts_on": TODAY().isoformat(),
        "ends_on": (TODAY() + timedelta(days=1400)).isoformat(),
        **overrides,
    }
    return client.post(url(cast, "person_invite"), data)


def test_clerk_invites_a_new_person_who_sets_a_password_and_signs_in(
    cast, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_for("clerk"), cast)
    nia = User.objects.get(email="nia@example.org")
    assert response.status_code == 302
    assert response["Location"] == url(cast, "person_detail", nia.pk)
    assert not nia.has_usable_password()
    assert nia.roles.get().kind == "councillor"
    assert not EmailAddress.objects.get(user=nia).verified

    # The invitation went out through the outbox, as a real email with a one-use link.
    (message,) = mail.outbox
    assert message.to == ["nia@example.org"]
    assert "invited to the Little Wickham Parish Council portal" in message.subject
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", message.body).group(0)
    assert Notification.objects.get(user=nia, kind="invitation").status == "sent"

    browser = Client()
    path = link.split("127.0.0.1:8000", 1)[1]
    form_page = browser.get(path, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    response = browser.post(
        set_password_url,
        {"password1": "a-long-new-password-1", "password2": "a-long-new-password-1"},
    )
    assert response.status_code == 302
    nia.refresh_from_db()
    assert nia.check_password("a-long-new-password-1")
    # Setting the password from the emailed link proves the address is theirs.
    assert EmailAddress.objects.get(user=nia).verified
    # They can now sign in and reach their council.
    fresh = Client()
    response = fresh.post(
        reverse("account_login"),
        {"login": "nia@example.org", "password": "a-long-new-password-1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url(cast, "home")
    # The link works once only.
    assert b"invalid" in Client().get(path, follow=True).content.lower()


def test_inviting_someone_who_already_signs_in_adds_the_role_and_tells_them(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        role = services.person_invite(
            council=cast.other,
            email="COUNCILLOR@example.org",
            name="ignored",
            kind="councillor",
            starts_on=TODAY(),
            acting_user=cast.clerk,
        )
    assert role.user == cast.councillor
    (message,) = mail.outbox
    assert message.subject == "You have a new role at Cwm Dulais Community Council"
    assert cast.councillor.name == "Alex Morgan"


def test_invite_form_with_errors_keeps_what_was_typed_and_creates_nothing(cast, client_for):
    before = counts()
    response = invite(client_for("clerk"), cast, email="not-an-email", ends_on="2000-01-01")
    page = errors_of(response)
    assert "Enter a valid email address." in page
    assert "The end date cannot be before the start date." in page
    assert 'value="Nia Clarke"' in page
    assert counts() == before


def test_resending_an_invitation_to_someone_who_has_a_password_is_refused(cast, client_for):
    response = client_for("clerk").post(
        url(cast, "invitation_resend", cast.councillor.pk), follow=True
    )
    assert b"has already set a password" in response.content


def test_nobody_can_sign_themselves_up(db, client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "self@example.org",
            "password1": "x-long-password-1",
            "password2": "x-long-password-1",
        },
    )
    assert not User.objects.filter(email="self@example.org").exists()
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------


def test_overlapping_terms_in_the_same_role_are_refused(cast, client_for):
    before = counts()
    response = client_for("clerk").post(
        url(cast, "role_add", cast.councillor.pk),
        {"kind": "councillor", "starts_on": TODAY().isoformat()},
    )
    page = errors_of(response)
    assert "Alex Morgan is already Councillor here from" in page
    assert counts() == before


def test_a_role_can_follow_one_that_ends(cast, client_for):
    role = cast.councillor2.roles.get()
    response = client_for("clerk").post(
        url(cast, "role_add", cast.councillor2.pk),
        {"kind": "councillor", "starts_on": (role.ends_on + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 302
    assert cast.councillor2.roles.count() == 2


def test_an_end_before_the_start_is_refused_by_the_form_and_the_database(cast, client_for):
    role = cast.councillor.roles.get()
    before = counts()
    response = client_for("clerk").post(
        url(cast, "role_edit", role.pk),
        {"starts_on": "2026-05-10", "ends_on": "2026-05-01"},
    )
    assert "The end date cannot be before the start date." in errors_of(response)
    assert counts() == before
    with pytest.raises(Exception, match="end date cannot be before"):
        services.role_change_dates(
            role=role,
            starts_on=TODAY(),
            ends_on=TODAY() - timedelta(days=1),
            acting_user=cast.clerk,
        )


# ---------------------------------------------------------------------------------------------
# Committees and seats
# ---------------------------------------------------------------------------------------------


def test_a_second_chair_of_the_same_committee_at_the_same_time_is_refused(cast, client_for):
    before = counts()
    response = client_for("clerk").post(
        url(cast, "seat_add", cast.planning.pk),
        {"user": cast.personnel.pk, "position": "chair", "starts_on": TODAY().isoformat()},
    )
    assert "Alex Morgan is already chair of Planning committee" in errors_of(response)
    assert counts() == before


def test_a_new_chair_can_take_over_when_the_old_one_ends(cast, client_for):
    client = client_for("clerk")
    chair_seat = cast.planning.seats.get(position="chair")
    response = client.post(url(cast, "seat_end", chair_seat.pk), {"ends_on": TODAY().isoformat()})
    assert response.status_code == 302
    response = client.post(
        url(cast, "seat_add", cast.planning.pk),
        {
            "user": cast.personnel.pk,
            "position": "chair",
            "starts_on": (TODAY() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert cast.planning.seats.filter(position="chair").count() == 2


def test_a_seat_needs_a_role_in_the_council(cast):
    with pytest.raises(Exception, match="holds no role in this council"):
        services.seat_create(
            committee=cast.planning,
            user=cast.other_council,
            position="member",
            starts_on=TODAY(),
            acting_user=cast.clerk,
        )


def test_a_person_is_in_one_political_group_at_a_time(cast, client_for):
    independents = cast.council.political_groups.get(name="Independents")
    before = counts()
    response = client_for("clerk").post(
        url(cast, "membership_add", independents.pk),
        {"user": cast.councillor.pk, "starts_on": TODAY().isoformat()},
    )
    assert "Alex Morgan is already in the group Oak Party" in errors_of(response)
    assert counts() == before


def test_clerk_adds_a_committee_and_a_group(cast, client_for):
    client = client_for("clerk")
    response = client.post(
        url(cast, "committee_new"),
        {"name": "Allotments committee", "kind": "committee", "functions": "Allotments."},
    )
    assert response.status_code == 302
    response = client.post(url(cast, "committee_new"), {"name": "Second", "kind": "full_council"})
    assert "already has a full council" in errors_of(response)
    response = client.post(url(cast, "group_new"), {"name": "Green Group"})
    assert response.status_code == 302
    assert cast.council.political_groups.filter(name="Green Group").exists()


# ---------------------------------------------------------------------------------------------
# The document register
# ---------------------------------------------------------------------------------------------


def upload(client, cast, name, content, **overrides):
    data = {
        "title": "Minutes",
        "classification": "committee",
        "committee": cast.planning.pk,
        "description": "",
        "file": SimpleUploadedFile(name, content),
        **overrides,
    }
    return client.post(url(cast, "document_new"), data)


def test_an_officer_uploads_a_document_that_is_stored_privately(cast, client_for, settings):
    response = upload(client_for("officer"), cast, "minutes.pdf", MINIMAL_PDF)
    document = Document.objects.get(title="Minutes")
    assert response["Location"] == url(cast, "document_detail", document.pk)
    # A random name on disk, outside the web root, never the uploaded name.
    assert "minutes" not in document.file.name
    assert document.file.path.startswith(str(settings.PRIVATE_STORAGE_ROOT))
    assert document.original_name == "minutes.pdf"
    download = client_for("officer").get(url(cast, "document_download", document.pk))
    assert download.getvalue() == MINIMAL_PDF
    assert download["Content-Disposition"].startswith('attachment; filename="minutes.pdf"')


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ\x90\x00", "This kind of file is not accepted."),
        ("page.pdf", b"<!doctype html><script>alert(1)</script>", "does not match its name"),
        ("notes.txt", b"<html><body>hi</body></html>", "does not match its name"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_an_upload_of_the_wrong_kind_is_refused_with_a_clear_message(
    cast, client_for, name, content, message
):
    before = counts()
    response = upload(client_for("clerk"), cast, name, content)
    assert message in errors_of(response)
    assert counts() == before


def test_an_upload_that_is_too_large_is_refused(cast, client_for, settings):
    settings.DOCUMENT_MAX_BYTES = 1000
    before = counts()
    response = upload(client_for("clerk"), cast, "big.pdf", b"%PDF-" + b"0" * 2000)
    assert "Files must be smaller than 1000" in errors_of(response)
    assert counts() == before


def test_replacing_a_file_keeps_the_old_one_in_the_history(cast, client_for):
    document = cast.committee_document
    old_name = document.file.name
    response = client_for("clerk").post(
        url(cast, "document_replace", document.pk),
        {"file": SimpleUploadedFile("v2.pdf", MINIMAL_PDF + b"%v2")},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file.name != old_name
    assert document.history.filter(file=old_name).exists()
    assert document.file.storage.exists(old_name)


def test_reclassifying_a_document(cast, client_for):
    document = cast.committee_document
    response = client_for("clerk").post(
        url(cast, "document_edit", document.pk),
        {"title": document.title, "classification": "public", "committee": "", "description": ""},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.classification, document.committee) == ("public", None)


def test_a_committee_of_another_council_cannot_be_chosen(cast, client_for):
    other_committee = cast.other.committees.get()
    before = counts()
    response = upload(client_for("clerk"), cast, "m.pdf", MINIMAL_PDF, committee=other_committee.pk)
    assert "Select a valid choice" in errors_of(response)
    assert counts() == before


def test_council_settings_validate_the_response_time(cast, client_for):
    response = client_for("clerk").post(
        url(cast, "settings"),
        {
            "name": "Little Wickham Parish Council",
            "kind": "parish",
            "nation": "england",
            "response_working_days": 0,
        },
    )
    assert "Enter a number of working days from 1 to 60." in errors_of(response)


def test_repeated_failed_sign_ins_are_rate_limited(cast, client):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": "councillor@example.org", "password": "wrong"}
        )
        assert b"not correct" in response.content
    # The sixth try is refused even with the right password, with a message that says why.
    response = client.post(
        reverse("account_login"),
        {"login": "councillor@example.org", "password": "wickham-demo-2026"},
    )
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session
