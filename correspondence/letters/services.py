"""The correspondence register (DESIGN §4 R10–R12): officers write, send and record the council's
letters and emails; councillors see the items that name them.

Each rule lives in one function here:
- R10 no silent copies: `copy_footer()` writes "CC Councillor X" at the foot of every item copied
  to a councillor, and `_tell_owner_of_copies()` tells the councillor whose correspondence it is,
  naming who received the copy. Recipient lines are "to" and "cc" only: there is no blind copy.
- R11 signatories: `signatory_problem()`.
- R12 confidentiality: `confidentiality_problems()`, checked when an item is drafted, sent,
  recorded and copied (forwarded) later.

Emails go out through the outbox (council.outbox.notification_create, kind "correspondence"):
one message per recipient, sent from the council's name, with the signatory and the footer in
the text. Letters go by post; councillors and officers named in one see it here and get a notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from council.audit import AuditKind, audit_record
from council.models import Council, User
from council.outbox import notification_create
from council.policy import standing_for
from council.services import locked, save_recorded

from ..models import Correspondence, Party, Recipient

Status = Correspondence.Status
Line = Recipient.Line

MSG_NO_SIGNATORY = (
    "Choose who signs it: official letters and emails go out under an officer's name."
)
MSG_SIGNATORY_NOT_OFFICER = (
    "{name} cannot sign for the council. Official letters and emails go out under an officer's "
    "name; only the chair may sign, as a recorded exception."
)
MSG_CHAIR_NEEDS_REASON = (
    "The chair signs only as a recorded exception. Say why (for example, a representation to a "
    "Government minister), or choose an officer to sign it."
)
MSG_OBLIGATION_IN_COUNCILLORS_NAME = (
    "This letter creates an obligation or gives an instruction on the council's behalf, so it "
    "can never go out in a councillor's name. Choose an officer to sign it."
)
MSG_CONFIDENTIAL = (
    "This item is confidential ({reason}), so it cannot go to {name}: nothing confidential is "
    "sent or copied to {party} or anyone else outside the council."
)
MSG_CONFIDENTIAL_NEEDS_REASON = "Give the reason it is confidential."
MSG_CONFIDENTIAL_NEEDS_STATEMENT = "Say what is confidential, as the recipients will read it."
MSG_NO_RECIPIENT = "Add at least one recipient."
MSG_NOT_A_DRAFT = "This item was {status} on {day}; it cannot be sent again."
MSG_COPY_UNSENT = "Send or record the item first; then you can copy it to others."
MSG_ALREADY_RECEIVED = "{name} already has this item."
MSG_NO_EMAIL = "{name} has no email address. Add one, or send a letter instead."
MSG_NOT_A_MEMBER = "{name} holds no role in this council today."


@dataclass(frozen=True)
class To:
    """A recipient as the form gives it: a councillor or officer (user), or someone outside the
    council (name, email or postal address, and which kind of outsider: R12)."""

    line: str = Line.TO
    user: User | None = None
    party: str = ""
    name: str = ""
    email: str = ""
    address: str = ""


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


def signatory_problem(
    *, council: Council, signatory: User | None, creates_obligation: bool, exception: str, on: date
) -> str | None:
    """R11: official correspondence goes out under an officer's name. The chair may sign only as
    a recorded exception with its reason, and never a letter that creates an obligation or gives
    an instruction on the council's behalf. Returns why not, or None."""
    if signatory is None:
        return MSG_NO_SIGNATORY
    standing = standing_for(signatory, council, on)
    if standing.is_officer:
        return None
    if standing.is_councillor and creates_obligation:
        return MSG_OBLIGATION_IN_COUNCILLORS_NAME
    if standing.is_chair:
        return None if exception.strip() else MSG_CHAIR_NEEDS_REASON
    return MSG_SIGNATORY_NOT_OFFICER.format(name=signatory.name)


def confidentiality_problems(item: Correspondence, recipients: Iterable[To | Recipient]) -> list:
    """R12: a confidential item never goes to a complainant, a resident or another body."""
    if not item.confidential:
        return []
    return [
        MSG_CONFIDENTIAL.format(
            reason=item.confidential_reason,
            name=r.name,
            party=Party(r.party).label.lower(),
        )
        for r in recipients
        if r.party in Party.outside()
    ]


def copy_footer(recipients: Iterable[Recipient]) -> list[str]:
    """R10: the lines at the foot of an item naming every copy, "CC Councillor X" for each
    councillor, so a copy to a councillor is never silent."""
    lines = []
    for r in recipients:
        if r.line != Line.CC:
            continue
        if r.party == Party.COUNCILLOR:
            lines.append(f"CC Councillor {r.name}")
        else:
            lines.append(f"CC {r.name}")
    return lines


def signature(item: Correspondence) -> list[str]:
    """The signature block: the signatory's name and what they are in the council."""
    if not item.official or item.signatory is None:
        return [item.author.name]
    standing = standing_for(item.signatory, item.council, item.sent_on or timezone.localdate())
    if standing.is_chair and not standing.is_officer:
        title = f"Chair of {item.council.name}"
    else:
        officer_roles = [
            r for r in standing.roles if r.kind in ("proper_officer", "rfo", "officer")
        ]
        title = f"{officer_roles[0].title}, {item.council.name}" if officer_roles else ""
    return [item.signatory.name, title] if title else [item.signatory.name]


def full_text(item: Correspondence, recipients: list[Recipient] | None = None) -> str:
    """The item as it goes out: the confidentiality statement first (R12), the body, the
    signature (R11) and the copies at the foot (R10)."""
    recipients = list(item.recipients.all()) if recipients is None else recipients
    parts = []
    if item.confidential:
        parts.append(f"CONFIDENTIAL: {item.confidential_statement}")
    parts.append(item.body.strip())
    parts.append("\n".join(["Yours sincerely,", "", *signature(item)]))
    footer = copy_footer(recipients)
    if footer:
        parts.append("\n".join(footer))
    return "\n\n".join(parts)


# ---------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------


def _party_of(council: Council, user: User, on: date) -> str:
    standing = standing_for(user, council, on)
    if standing.is_councillor:
        return Party.COUNCILLOR
    if standing.is_officer:
        return Party.OFFICER
    raise ValidationError(MSG_NOT_A_MEMBER.format(name=user.name))


def _recipient(item: Correspondence, to: To, acting_user: User, on: date, *, forwarded=False):
    if to.user is not None:
        return Recipient(
            item=item,
            line=to.line,
            party=_party_of(item.council, to.user, on),
            user=to.user,
            name=to.user.name,
            email=to.user.email,
            added_on=on,
            added_by=acting_user,
            forwarded=forwarded,
        )
    return Recipient(
        item=item,
        line=to.line,
        party=to.party,
        name=to.name.strip(),
        email=to.email.strip(),
        address=to.address.strip(),
        added_on=on,
        added_by=acting_user,
        forwarded=forwarded,
    )


def _check(item: Correspondence, recipients: list[Recipient], on: date) -> None:
    """R11 and R12 (and the plain requirements), all problems at once."""
    errors: dict[str, list[str]] = {}
    if item.official:
        problem = signatory_problem(
            council=item.council,
            signatory=item.signatory,
            creates_obligation=item.creates_obligation,
            exception=item.signatory_exception,
            on=on,
        )
        if problem:
            errors.setdefault("signatory", []).append(problem)
    if item.confidential:
        if not item.confidential_reason.strip():
            errors.setdefault("confidential_reason", []).append(MSG_CONFIDENTIAL_NEEDS_REASON)
        if not item.confidential_statement.strip():
            errors.setdefault("confidential_statement", []).append(MSG_CONFIDENTIAL_NEEDS_STATEMENT)
    confidential = confidentiality_problems(item, recipients)
    if confidential:
        errors.setdefault("confidential", []).extend(confidential)
    if not recipients:
        errors.setdefault("__all__", []).append(MSG_NO_RECIPIENT)
    if item.kind == Correspondence.Kind.EMAIL and item.status != Status.RECORDED:
        for r in recipients:
            if not r.email:
                errors.setdefault("__all__", []).append(MSG_NO_EMAIL.format(name=r.name))
    if errors:
        raise ValidationError(errors)


def item_draft(
    *,
    council: Council,
    kind: str,
    subject: str,
    body: str,
    recipients: list[To],
    acting_user: User,
    councillor: User | None = None,
    official: bool = True,
    signatory: User | None = None,
    signatory_exception: str = "",
    creates_obligation: bool = False,
    confidential: bool = False,
    confidential_reason: str = "",
    confidential_statement: str = "",
    today: date | None = None,
) -> Correspondence:
    """An officer writes an item; it waits as a draft until sent. The rules are checked now, so
    the officer learns of a problem while writing."""
    today = today or timezone.localdate()
    item = Correspondence(
        council=council,
        kind=kind,
        status=Status.DRAFT,
        subject=subject.strip(),
        body=body.strip(),
        author=acting_user,
        councillor=councillor or _first_councillor(council, recipients, today),
        official=official,
        signatory=signatory if official else None,
        signatory_exception=signatory_exception.strip() if official else "",
        creates_obligation=creates_obligation,
        confidential=confidential,
        confidential_reason=confidential_reason.strip() if confidential else "",
        confidential_statement=confidential_statement.strip() if confidential else "",
    )
    with transaction.atomic():
        rows = [_recipient(item, to, acting_user, today) for to in recipients]
        _check(item, rows, today)
        save_recorded(item, acting_user=acting_user)
        for row in rows:
            row.item = item
            save_recorded(row, acting_user=acting_user)
    return item


def _first_councillor(council: Council, recipients: list[To], on: date) -> User | None:
    """R10: whose correspondence an item is, when the officer does not say: the first councillor
    it is addressed to."""
    for to in recipients:
        if to.line == Line.TO and to.user is not None:
            if standing_for(to.user, council, on).is_councillor:
                return to.user
    return None


def _deliver(item: Correspondence, recipients: list[Recipient], everyone: list[Recipient]) -> None:
    """Emails through the outbox, one per recipient; letters: a notice to the councillors and
    officers named in them (the post carries the rest)."""
    link = reverse("letters:item_detail", args=[item.council.slug, item.pk])
    text = full_text(item, everyone)
    for r in recipients:
        key = f"requests:{item.pk}:to:{r.pk}"
        if item.kind == Correspondence.Kind.EMAIL:
            notification_create(
                user=r.user,
                council=item.council,
                key=key,
                kind="correspondence",
                subject=item.subject,
                body=text,
                link=link if r.user else "",
                to_email="" if r.user else r.email,
                to_name=r.name,
            )
        elif r.user is not None:
            notification_create(
                user=r.user,
                council=item.council,
                key=key,
                kind="correspondence_letter",
                subject=f"A letter from {item.council.name}: {item.subject}",
                body=f"A letter from {item.council.name} names you. Read it in the portal.",
                link=link,
            )


def _tell_owner_of_copies(item: Correspondence, copies: list[Recipient]) -> None:
    """R10: the councillor whose correspondence it is learns of every copy to another
    councillor, and who received it."""
    if item.councillor is None:
        return
    link = reverse("letters:item_detail", args=[item.council.slug, item.pk])
    for r in copies:
        if r.line != Line.CC or r.party != Party.COUNCILLOR or r.user_id == item.councillor_id:
            continue
        notification_create(
            user=item.councillor,
            council=item.council,
            key=f"requests:{item.pk}:copied:{r.pk}",
            kind="correspondence_copy",
            subject=f"Your correspondence was copied to Councillor {r.name}",
            body=(f'"{item.subject}" was copied to Councillor {r.name} on {r.added_on:%-d %B %Y}.'),
            link=link,
        )


def _go_out(item: Correspondence, status: str, on: date, acting_user: User) -> Correspondence:
    """A draft leaves: sent from the portal, or recorded as sent elsewhere. The rules are checked
    again (roles may have changed since it was drafted); copies to councillors are told (R10)
    either way; only the portal delivers."""
    with transaction.atomic():
        item = locked(item, "signatory", "author", "councillor")
        if item.status != Status.DRAFT:
            raise ValidationError(
                MSG_NOT_A_DRAFT.format(
                    status=item.get_status_display().lower(), day=f"{item.sent_on:%-d %B %Y}"
                )
            )
        recipients = list(item.recipients.all())
        item.status = status
        _check(item, recipients, on)
        item.sent_on, item.sent_by = on, acting_user
        save_recorded(item, acting_user=acting_user)
        audit_record(
            kind=AuditKind.CORRESPONDENCE_SENT
            if status == Status.SENT
            else AuditKind.CORRESPONDENCE_RECORDED,
            acting_user=acting_user,
            council=item.council,
            target=item,
            data={"sent_on": on, "recipient_ids": [r.pk for r in recipients]},
        )
        if status == Status.SENT:
            _deliver(item, recipients, recipients)
        _tell_owner_of_copies(item, recipients)
    return item


def item_send(*, item: Correspondence, acting_user: User, today: date | None = None):
    """Send a draft from the portal: emails through the outbox, letters to print and post."""
    return _go_out(item, Status.SENT, today or timezone.localdate(), acting_user)


def item_record(*, item: Correspondence, sent_on: date, acting_user: User) -> Correspondence:
    """Record a draft as sent elsewhere (from a mail client, by hand) on the day it went."""
    return _go_out(item, Status.RECORDED, sent_on, acting_user)


def item_copy(
    *, item: Correspondence, recipients: list[To], acting_user: User, today: date | None = None
) -> list[Recipient]:
    """Copy (forward) an item already sent to more people: R12 refuses anyone outside the
    council for a confidential item; R10 tells the councillor whose correspondence it is and
    puts the new copies in the footer of what the new recipients get."""
    today = today or timezone.localdate()
    with transaction.atomic():
        item = locked(item, "signatory", "author", "councillor")
        if item.status == Status.DRAFT:
            raise ValidationError(MSG_COPY_UNSENT)
        existing = list(item.recipients.all())
        have = {r.user_id for r in existing if r.user_id}
        new = [
            _recipient(
                item, To(**{**to.__dict__, "line": Line.CC}), acting_user, today, forwarded=True
            )
            for to in recipients
        ]
        errors = [MSG_ALREADY_RECEIVED.format(name=r.name) for r in new if r.user_id in have]
        errors += confidentiality_problems(item, new)
        if item.kind == Correspondence.Kind.EMAIL:
            errors += [MSG_NO_EMAIL.format(name=r.name) for r in new if not r.email]
        if not new:
            errors.append(MSG_NO_RECIPIENT)
        if errors:
            raise ValidationError(errors)
        for row in new:
            save_recorded(row, acting_user=acting_user)
        audit_record(
            kind=AuditKind.CORRESPONDENCE_COPIED,
            acting_user=acting_user,
            council=item.council,
            target=item,
            data={"recipient_ids": [r.pk for r in new]},
        )
        _deliver(item, new, existing + new)
        _tell_owner_of_copies(item, new)
    return new
