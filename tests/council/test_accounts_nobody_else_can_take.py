"""Accounts nobody else can take (issue 20). Each finding, reproduced: it failed before the fix.

1. Site operators (staff, superusers) set up two-factor before any page, /admin/ included; the
   admin resets someone else's two-factor only through the service (audited, the person told).
2. An unattended session cannot change the address, the password or two-factor without the
   password again, and the old address is told of every change.
3. An address another account holds, or an invitation waits on, cannot be added to an account;
   accepting an invitation never answers 500.
4. Behind the proxy, two clients are limited apart.
5. Nothing signed-in is stored (the permission matrix checks every page; the account pages here).
6. Sessions end: idle, and at the end of their lifetime (shorter for officers).
7. Reset links last an hour, invitations three days; no link to sign-up; the confirmation mail
   goes only where the owner asked, after re-authentication.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from council import services
from council.accounts import services as account_services
from council.accounts.forms import MSG_ADDRESS_IN_USE
from council.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, current_totp_code
from council.models import AuditEvent, AuditKind, Notification, Role, User

# ---------------------------------------------------------------------------------------------
# 1. Site operators
# ---------------------------------------------------------------------------------------------


def sign_in(client: Client, email: str, password: str = DEMO_PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def make_operator(monkeypatch, email="operator@example.org") -> User:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "operator-password-2026")
    call_command("operator_create", "--noinput", email=email, name="Olu Operator", verbosity=0)
    return User.objects.get(email=email)


def test_the_first_operators_address_is_confirmed_by_the_command_that_makes_it(db, monkeypatch):
    operator = make_operator(monkeypatch)
    address = EmailAddress.objects.get(user=operator)
    assert (address.email, address.verified, address.primary) == (operator.email, True, True)
    # So signing in needs no mail server: no verification wall.
    client = Client()
    response = sign_in(client, operator.email, "operator-password-2026")
    assert response.status_code == 302
    assert "confirm-email" not in response["Location"]
    assert client.session.get("_auth_user_id") == str(operator.pk)


def test_a_superuser_sets_up_two_factor_before_any_page_the_admin_included(db, monkeypatch):
    operator = make_operator(monkeypatch)
    client = Client()
    sign_in(client, operator.email, "operator-password-2026")
    for url in (reverse("admin:index"), "/admin/mfa/authenticator/", reverse("notifications")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("two_factor_required"), url
    # The set-up itself is open to them; once they have an authenticator, the admin is too.
    assert client.get(reverse("mfa_index")).status_code == 200
    TOTP.activate(operator, DEMO_TOTP_SECRET)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_staff_member_with_roles_but_no_authenticator_is_sent_to_set_it_up(cast, client_for):
    # councillor2 chairs nothing, so needs no two-factor for their role; made staff, they do.
    assert not Authenticator.objects.filter(user=cast.councillor2).exists()
    assert client_for("councillor2").get(reverse("notifications")).status_code == 200
    cast.councillor2.is_staff = True
    cast.councillor2.save()
    response = client_for("councillor2").get(reverse("admin:index"))
    assert response["Location"] == reverse("two_factor_required")


@pytest.fixture
def operator_client(cast):
    operator = User.objects.create_superuser("operator@example.org", "pw-operator-2026", name="Op")
    TOTP.activate(operator, DEMO_TOTP_SECRET)
    client = Client()
    client.force_login(operator)
    return operator, client


def test_the_admin_cannot_delete_an_authenticator(cast, operator_client):
    _, client = operator_client
    factor = Authenticator.objects.filter(user=cast.clerk).first()
    url = reverse("admin:mfa_authenticator_delete", args=[factor.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Authenticator.objects.filter(pk=factor.pk).exists()
    change = reverse("admin:mfa_authenticator_change", args=[factor.pk])
    assert client.post(change, {"type": "recovery_codes"}).status_code == 403
    factor.refresh_from_db()
    assert factor.type == Authenticator.Type.TOTP


def test_the_admin_opens_records_with_no_view_on_site_link_and_no_public_file_url(
    cast, operator_client
):
    # A portal page asks for a role in its council, which a site operator does not hold; and a
    # document's file has no public URL, so the admin shows its name (council.admin).
    _, client = operator_client
    pages = [
        reverse("admin:council_council_change", args=[cast.council.pk]),
        reverse("admin:council_committee_change", args=[cast.council.committees.first().pk]),
        reverse("admin:council_document_change", args=[cast.committee_document.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "View on site" not in response.content.decode(), url


def test_the_admin_resets_two_factor_through_the_service_audited_and_told(
    cast, operator_client, django_capture_on_commit_callbacks
):
    operator, client = operator_client
    factor = Authenticator.objects.get(user=cast.clerk, type=Authenticator.Type.TOTP)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:mfa_authenticator_changelist"),
            {"action": "reset_two_factor", "_selected_action": [factor.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert f"Two-factor authentication reset for {cast.clerk}" in response.content.decode()
    assert not Authenticator.objects.filter(user=cast.clerk).exists()
    event = AuditEvent.objects.filter(kind=AuditKind.TWO_FACTOR_RESET).get()
    assert (event.actor_id, event.target_pk) == (operator.pk, str(cast.clerk.pk))
    notice = Notification.objects.get(user=cast.clerk, kind="two_factor_reset")
    assert "removed the two-factor authentication" in notice.body
    assert [m.to for m in mail.outbox if "two-factor" in m.subject] == [[cast.clerk.email]]


def test_nobody_resets_their_own_two_factor_through_the_service(cast):
    with pytest.raises(Exception, match="cannot reset your own"):
        account_services.two_factor_reset(person=cast.clerk, acting_user=cast.clerk)
    assert Authenticator.objects.filter(user=cast.clerk).exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.TWO_FACTOR_RESET).exists()


# ---------------------------------------------------------------------------------------------
# 2. Changes only the owner can make
# ---------------------------------------------------------------------------------------------


def test_an_unattended_session_cannot_add_an_address_without_the_password(cast, client_for):
    """The attack as found: with only the session cookie, add an address, confirm it, make it
    primary, remove the owner's. Now the first step asks for the password. (An account with
    two-factor cannot add an address at all: allauth's own rule, MFA_ALLOW_UNVERIFIED_EMAIL.)"""
    client = client_for("councillor2")
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "attacker@example.net"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="attacker@example.net").exists()
    assert mail.outbox == []  # nothing mailed to the attacker's address either


def reauthenticate(client: Client, password: str = DEMO_PASSWORD) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def test_the_owner_changes_their_address_after_the_password_and_the_old_address_is_told(
    cast, client_for
):
    client = client_for("councillor2")
    reauthenticate(client)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "new-bea@example.org"}
    )
    assert response.status_code == 302
    (confirmation,) = mail.outbox
    assert confirmation.to == ["new-bea@example.org"]
    body = confirmation.body
    assert "asked to use this address" in body and "signup" not in body
    # Confirming replaces the old address (one address at a time), and the old one is told.
    address = EmailAddress.objects.get(email="new-bea@example.org")
    key = EmailConfirmationHMAC(address).key
    client.post(reverse("account_confirm_email", args=[key]))
    cast.councillor2.refresh_from_db()
    assert cast.councillor2.email == "new-bea@example.org"
    assert list(
        EmailAddress.objects.filter(user=cast.councillor2).values_list("email", flat=True)
    ) == ["new-bea@example.org"]
    told = [m for m in mail.outbox if m.to == ["councillor2@example.org"]]
    assert told and "new-bea@example.org" in told[-1].body


def test_removing_two_factor_asks_for_the_password_again(cast, client_for):
    client = client_for("clerk")
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert Authenticator.objects.filter(user=cast.clerk, type="totp").exists()


def test_a_password_change_needs_the_old_one_and_the_address_is_told(cast, client_for):
    client = client_for("councillor2")
    new = "a-new-long-password-2026"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong-password", "password1": new, "password2": new},
    )
    assert response.status_code == 200  # the form again, with its error
    cast.councillor2.refresh_from_db()
    assert cast.councillor2.check_password(DEMO_PASSWORD)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": DEMO_PASSWORD, "password1": new, "password2": new},
    )
    cast.councillor2.refresh_from_db()
    assert cast.councillor2.check_password(new)
    assert any(m.to == ["councillor2@example.org"] for m in mail.outbox)


# ---------------------------------------------------------------------------------------------
# 3. Addresses held by someone else
# ---------------------------------------------------------------------------------------------


def add_address(client: Client, email: str):
    reauthenticate(client)
    return client.post(reverse("account_email"), {"action_add": "", "email": email})


def invite(cast, email="newclerk@example.org") -> User:
    role = services.person_invite(
        council=cast.council,
        email=email,
        name="Nia New",
        kind=Role.Kind.OFFICER,
        starts_on=timezone.localdate(),
        acting_user=cast.clerk,
    )
    return role.user


@pytest.mark.parametrize("taken", ["clerk@example.org", "invited"])
def test_an_address_held_by_another_account_or_an_invitation_cannot_be_added(
    taken, cast, client_for
):
    if taken == "invited":
        taken = invite(cast).email  # waiting on the invitation, not confirmed yet
    mail.outbox.clear()
    response = add_address(client_for("councillor2"), taken)
    assert response.status_code == 200
    assert MSG_ADDRESS_IN_USE in response.content.decode()
    assert not EmailAddress.objects.filter(user=cast.councillor, email=taken).exists()
    assert mail.outbox == []  # no "has given your email address" to the owner


def test_an_invitation_removes_an_unconfirmed_claim_by_another_account(cast):
    EmailAddress.objects.create(user=cast.councillor, email="newclerk@example.org")
    invited = invite(cast)
    assert list(
        EmailAddress.objects.filter(email="newclerk@example.org").values_list("user", flat=True)
    ) == [invited.pk]


def test_accepting_an_invitation_whose_address_is_confirmed_elsewhere_says_what_to_do(cast):
    invited = invite(cast)
    # As the old defect left it: the same address confirmed on the councillor's account.
    EmailAddress.objects.filter(user=invited).update(verified=False)
    EmailAddress.objects.create(user=cast.councillor, email=invited.email, verified=True)
    link = services.invitation_link(invited)
    client = Client()
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url,
        {"password1": "a-long-new-password-26", "password2": "a-long-new-password-26"},
        follow=True,
    )
    assert response.status_code == 200  # not 500
    assert "confirmed on another account" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# 4. Limits that see the client
# ---------------------------------------------------------------------------------------------


def fail_ten_times(client: Client, forwarded_for: str) -> None:
    for n in range(10):
        sign_in(client, f"nobody{n}@example.org", "wrong", HTTP_X_FORWARDED_FOR=forwarded_for)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_two_clients_behind_the_proxy_are_limited_apart(cast):
    attacker, councillor = Client(), Client()
    fail_ten_times(attacker, "203.0.113.9")
    response = sign_in(attacker, "councillor2@example.org", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert "_auth_user_id" not in attacker.session  # the noisy client is limited
    response = sign_in(councillor, "councillor2@example.org", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert response.status_code == 302
    assert councillor.session.get("_auth_user_id") == str(cast.councillor2.pk)


def test_without_the_proxy_setting_everyone_behind_the_proxy_is_one_client(cast):
    """The finding reproduced: with no trusted proxy count, every client is the proxy's address,
    so ten failures from anyone lock out a councillor with the right password."""
    fail_ten_times(Client(), "203.0.113.9")
    councillor = Client()
    sign_in(councillor, "councillor2@example.org", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert "_auth_user_id" not in councillor.session


def test_the_compose_file_sets_the_proxy_count_for_its_proxy():
    from pathlib import Path

    compose = Path(__file__).resolve().parents[2] / "docker-compose.yml"
    assert "TRUSTED_PROXY_COUNT: ${TRUSTED_PROXY_COUNT:-1}" in compose.read_text()


# ---------------------------------------------------------------------------------------------
# 5. Nothing signed-in is stored (every matrix page: tests/cross/test_permission_matrix.py)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["account_email", "mfa_index", "mfa_view_recovery_codes", "account_change_password"]
)
def test_the_account_pages_are_never_stored(url_name, cast, client_for):
    client = client_for("clerk")
    reauthenticate(client)
    if url_name == "mfa_view_recovery_codes":
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

        RecoveryCodes.activate(cast.clerk)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]


def test_the_home_page_of_a_signed_in_person_is_never_stored_and_varies_on_the_cookie(
    cast, client_for
):
    response = client_for("councillor").get(reverse("council:home", args=[cast.council.slug]))
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]


def test_every_page_has_a_permissions_policy(cast, client, client_for):
    for response in (
        client.get(reverse("home")),
        client_for("councillor").get(reverse("council:home", args=[cast.council.slug])),
        client.get(reverse("account_login")),
    ):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy


# ---------------------------------------------------------------------------------------------
# 6. Sessions that end
# ---------------------------------------------------------------------------------------------


def signed_in_client(email: str, *, remember: bool) -> Client:
    client = Client()
    data = {"login": email, "password": DEMO_PASSWORD}
    if remember:
        data["remember"] = "on"
    response = client.post(reverse("account_login"), data)
    if response["Location"].startswith(reverse("mfa_authenticate")):
        client.post(reverse("mfa_authenticate"), {"code": current_totp_code()})
    assert "_auth_user_id" in client.session
    return client


def still_signed_in(client: Client, cast) -> bool:
    response = client.get(reverse("notifications"))
    return response.status_code == 200


def test_a_session_ends_after_two_hours_without_a_request(cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in_client("councillor2@example.org", remember=True)
        clock.shift(timedelta(hours=1, minutes=59))
        assert still_signed_in(client, cast)
        clock.shift(timedelta(hours=2, minutes=1))
        response = client.get(reverse("notifications"), follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
        assert "had not used the portal for a while" in response.content.decode()


@pytest.mark.parametrize(
    "email, remember, lifetime",
    [
        ("councillor2@example.org", True, timedelta(days=14)),
        ("councillor2@example.org", False, timedelta(hours=12)),  # no "Remember me"
        ("clerk@example.org", True, timedelta(hours=12)),  # an officer: always short
        ("councillor@example.org", True, timedelta(hours=12)),  # a committee chair: the same
    ],
)
def test_a_session_ends_at_the_end_of_its_lifetime_however_busy(cast, email, remember, lifetime):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = signed_in_client(email, remember=remember)
        used = timedelta(0)
        while used + timedelta(hours=1) < lifetime:
            clock.shift(timedelta(hours=1))
            used += timedelta(hours=1)
            assert still_signed_in(client, cast), used
        clock.shift(lifetime - used + timedelta(minutes=1))
        assert not still_signed_in(client, cast)


# ---------------------------------------------------------------------------------------------
# 7. Links
# ---------------------------------------------------------------------------------------------


def test_a_password_reset_link_lasts_an_hour(cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        token = default_token_generator.make_token(cast.councillor)
        clock.shift(timedelta(minutes=59))
        assert default_token_generator.check_token(cast.councillor, token)
        clock.shift(timedelta(minutes=2))
        assert not default_token_generator.check_token(cast.councillor, token)


def test_an_invitation_link_lasts_the_three_days_its_email_states(cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        invited = invite(cast)
        notice = Notification.objects.get(user=invited, kind="invitation")
        assert "for 3 days" in notice.body
        token = default_token_generator.make_token(invited)
        clock.shift(timedelta(days=2, hours=23))
        assert default_token_generator.check_token(invited, token)
        clock.shift(timedelta(hours=2))
        assert not default_token_generator.check_token(invited, token)


def test_the_unknown_account_reset_email_has_no_sign_up_link(cast, client):
    client.post(reverse("account_reset_password"), {"email": "stranger@example.net"})
    (message,) = mail.outbox
    assert message.to == ["stranger@example.net"]
    assert "/accounts/signup/" not in message.body and "sign up for" not in message.body
    assert "clerk adds you" in message.body
