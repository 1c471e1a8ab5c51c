"""An address that any account holds, or that an invitation waits on, verified or not, cannot be
added to another account."""

from __future__ import annotations

from allauth.account.forms import AddEmailForm
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import get_user_model

MSG_ADDRESS_IN_USE = (
    "This address belongs to another account on the portal, or an invitation is waiting on it. "
    "If it is yours, ask the Proper Officer to sort it out."
)


def address_taken(email: str, *, by_other_than=None) -> bool:
    """Whether an address is held by an account (other than `by_other_than`), as its login or as
    any of its addresses, confirmed or not (an invitation waits on an unconfirmed one)."""
    users = get_user_model().objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if by_other_than is not None:
        users = users.exclude(pk=by_other_than.pk)
        addresses = addresses.exclude(user=by_other_than)
    return users.exists() or addresses.exists()


class PortalAddEmailForm(AddEmailForm):
    """allauth's "add an address" (with ACCOUNT_CHANGE_EMAIL, "change your address"), refusing an
    address that belongs to anyone else. allauth, preventing enumeration, would accept it and mail
    the owner a confirmation link that confirms it on the wrong account. Saying "in use" to a
    person who has just given their password again tells them no more than the clerk's people
    page does."""

    def clean_email(self) -> str:
        value = super().clean_email()
        if address_taken(value, by_other_than=self.user):
            raise forms.ValidationError(MSG_ADDRESS_IN_USE)
        return value
