"""Actions on accounts, beside allauth's own: a site operator's address counts as confirmed, the
Proper Officer resets a person's two-factor, an invited person's address is confirmed when they
set a password from the emailed link, and failed sign-ins go in the audit log (R27)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..audit import AuditKind, audit_record
from ..models import (
    User,
)
from ..outbox import notification_create

MSG_RESET_OWN_TWO_FACTOR = (
    "You cannot reset your own two-factor authentication here. Change it from your account page."
)
MSG_NO_TWO_FACTOR = "{person} has no two-factor authentication to reset."


def operator_address_confirm(*, user: User) -> None:
    """A site operator made at the server (manage.py createsuperuser) has their address as their
    one, confirmed, main address: they typed it there, so no email has to prove it."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    address, _ = EmailAddress.objects.get_or_create(user=user, email=user.email)
    address.verified = address.primary = True
    address.save(update_fields=["verified", "primary"])


@transaction.atomic
def two_factor_reset(*, person: User, acting_user: User) -> int:
    """A site operator removes someone else's two-factor authentication (a lost phone): audited,
    and the person told by email at once, since whoever holds their password can now set up a
    new one. Says how many authenticators went. Never one's own: that is the account page's,
    after re-authentication."""
    from allauth.mfa.models import Authenticator

    if person.pk == acting_user.pk:
        raise ValidationError(MSG_RESET_OWN_TWO_FACTOR)
    # Locked, so that two operators resetting at once audit one reset, not two.
    factors = list(Authenticator.objects.select_for_update().filter(user=person))
    if not factors:
        raise ValidationError(MSG_NO_TWO_FACTOR.format(person=person))
    Authenticator.objects.filter(pk__in=[f.pk for f in factors]).delete()
    audit_record(
        kind=AuditKind.TWO_FACTOR_RESET,
        acting_user=acting_user,
        target=person,
        data={"types": sorted({f.type for f in factors})},
    )
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    notification_create(
        user=person,
        key=f"two-factor-reset:{person.pk}:{stamp}",
        kind="two_factor_reset",
        subject="Your two-factor authentication was removed",
        body=render_to_string(
            "email/two_factor_reset.txt", {"person": person, "operator": acting_user}
        ),
        link=reverse("mfa_index"),
    )
    return len(factors)


def email_confirm_after_password_set(*, user: User) -> bool:
    """An invited person who sets a password from the emailed link has shown that the address is
    theirs: mark it verified, so that allauth's mandatory verification lets them in. Not when
    another account has it confirmed (an address is confirmed on one account only): then False,
    and the Proper Officer sorts it out."""
    held_elsewhere = EmailAddress.objects.filter(email__iexact=user.email, verified=True)
    if held_elsewhere.exclude(user=user).exists():
        return False
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
    return True


def sign_in_failure_record(*, step: str, email: str = "", user: User | None = None) -> None:
    """R27: a failed sign-in goes in the audit log. Data protection: an address is kept only when
    it is someone's login (the event then names that account); an address that is nobody's is
    not kept at all, and a known one only as the account it names (target), never as an address
    in a log that cannot be changed. The password never reaches us: Django masks it before the
    signal."""
    if user is None and email.strip():
        user = User.objects.filter(email__iexact=email.strip()).first()
    data = {"step": step}
    audit_record(kind=AuditKind.SIGN_IN_FAILED, acting_user=None, target=user, data=data)
