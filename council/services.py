"""Business actions for the council's people, roles, structure and documents (the outbox is
`council.outbox`).

Each action is one function named `<thing>_<verb>`, with keyword-only arguments and the acting
user. The shape is always: check the state (raise ValidationError with a message that a clerk can
act on) → change → `full_clean()` → save with the acting user recorded in the history row →
enqueue any background work with `transaction.on_commit`.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import privacy
from .audit import AuditKind, audit_record
from .lib import uploads
from .models import (
    Committee,
    Council,
    Document,
    GroupMembership,
    Notification,
    PoliticalGroup,
    RetentionPolicy,
    Role,
    Seat,
    User,
)
from .outbox import Notice, notification_create, notifications_create_in_batches

if TYPE_CHECKING:
    from .policy import Standing

log = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)

ROLE_WARNING_DAYS = 30

MSG_ROLE_OVERLAP = (
    "{person} is already {title} here from {start} {until}. Change that role instead."
)
MSG_PROPER_OFFICER_OVERLAP = (
    "{person} is already the Proper Officer from {start} {until}. A council has one Proper Officer "
    "at a time: end that appointment first, or choose dates that do not overlap."
)
MSG_SEAT_POSITION_TAKEN = (
    "{person} is already {position} of {committee} from {start} {until}. End that seat first."
)
MSG_SEAT_OVERLAP = "{person} already has a seat on {committee} from {start} {until}."
MSG_SEAT_NOT_MEMBER = "{person} holds no role in this council on {start}. Add their role first."
MSG_MEMBERSHIP_OVERLAP = (
    "{person} is already in the group {group} from {start} {until}. A person is in one group at a "
    "time: end that membership first."
)
MSG_ALREADY_ENDED = "This already ended on {ends_on}."


def _until(ends_on: date | None) -> str:
    return f"until {ends_on:%-d %B %Y}" if ends_on else "with no end date"


def save_recorded(
    obj: models.Model, *, acting_user: User | None, update_fields: list[str] | None = None
):
    """Validate, save, and record who acted in the history row (R27)."""
    obj.full_clean()
    record_actor(obj, acting_user)
    obj.save(update_fields=update_fields)
    return obj


def record_actor(obj: models.Model, acting_user: User | None) -> None:
    """Name the acting user in the history row that the next save or delete writes (R27).
    simple-history reads this attribute; it has no public setter."""
    setattr(obj, "_history_user", acting_user)  # noqa: B010


def locked(obj: M, *related: str) -> M:
    """`obj` read again under a row lock, in the caller's transaction, with its council (and
    `related`) joined: of two people acting on it at the same moment, the second waits, then sees
    what the first did (and is told, by the state check that follows). Only the object's own row
    is locked (`of=("self",)`), never its council's, so that acting on one matter never waits for
    another in the same council. SQLite locks the whole database instead."""
    model = type(obj)
    return (
        model._default_manager.select_for_update(of=("self",))
        .select_related("council", *related)
        .get(pk=obj.pk)
    )


# ---------------------------------------------------------------------------------------------
# People and roles
# ---------------------------------------------------------------------------------------------


def _role_clashes(role: Role) -> None:
    """Overlap rules for appointments, in one place."""
    others = Role.objects.filter(council_id=role.council_id).exclude(pk=role.pk)
    others = others.overlapping(role.starts_on, role.ends_on)
    same = others.filter(user_id=role.user_id, kind=role.kind).first()
    if same:
        raise ValidationError(
            MSG_ROLE_OVERLAP.format(
                person=role.user,
                title=same.title,
                start=f"{same.starts_on:%-d %B %Y}",
                until=_until(same.ends_on),
            )
        )
    if role.kind == Role.Kind.PROPER_OFFICER:
        # R4: an acting Proper Officer covers a vacancy, so never overlaps the Proper Officer.
        po = others.filter(kind=Role.Kind.PROPER_OFFICER).select_related("user").first()
        if po:
            raise ValidationError(
                MSG_PROPER_OFFICER_OVERLAP.format(
                    person=po.user, start=f"{po.starts_on:%-d %B %Y}", until=_until(po.ends_on)
                )
            )


@transaction.atomic
def role_create(
    *,
    council: Council,
    user: User,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    acting: bool = False,
    acting_user: User | None,
) -> Role:
    """Appoint a person to a role for dated term (R1)."""
    # Serialise appointments in one council so that two clerks cannot create overlapping roles.
    Council.objects.select_for_update().filter(pk=council.pk).first()
    role = Role(
        council=council, user=user, kind=kind, starts_on=starts_on, ends_on=ends_on, acting=acting
    )
    role.full_clean()
    _role_clashes(role)
    save_recorded(role, acting_user=acting_user)
    audit_record(
        kind=AuditKind.ROLE_CREATED,
        acting_user=acting_user,
        council=council,
        target=role,
        data=_role_audit(role),
    )
    return role


@transaction.atomic
def role_change_dates(
    *, role: Role, starts_on: date, ends_on: date | None, acting_user: User | None
) -> Role:
    """Change when a role starts or ends (ending a term early, extending an acting role)."""
    role = Role.objects.select_for_update(of=("self",)).select_related("council").get(pk=role.pk)
    was = _role_audit(role)
    role.starts_on, role.ends_on = starts_on, ends_on
    role.full_clean()
    _role_clashes(role)
    save_recorded(role, acting_user=acting_user, update_fields=["starts_on", "ends_on"])
    audit_record(
        kind=_role_change_kind(was, role),
        acting_user=acting_user,
        council=role.council,
        target=role,
        data={"was": was, "now": _role_audit(role)},
    )
    return role


def _role_audit(role: Role) -> dict:
    """What the audit log keeps of a role: identifiers and dates, no names."""
    return {
        "user_id": role.user_id,
        "kind": role.kind,
        "acting": role.acting,
        "starts_on": role.starts_on,
        "ends_on": role.ends_on,
    }


def _role_change_kind(was: dict, role: Role) -> str:
    """An end date set where there was none, or brought forward, ends the role; anything else
    (a later end, a new start) changes it."""
    if role.ends_on is not None and (was["ends_on"] is None or role.ends_on < was["ends_on"]):
        return AuditKind.ROLE_ENDED
    return AuditKind.ROLE_CHANGED


def invitation_link(user: User) -> str:
    """A one-use link to set a password: allauth's reset-from-key page, so the token expires as a
    password reset does and stops working once the password is set."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def person_invite(
    *,
    council: Council,
    email: str,
    name: str,
    kind: str,
    starts_on: date,
    ends_on: date | None = None,
    acting: bool = False,
    acting_user: User,
) -> Role:
    """Add a person (or find them, if they already have a login) and appoint them. A new person
    gets an invitation to set their password; someone who already signs in is told of the role."""
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:  # an address someone confirmed as theirs is theirs, login or not
        held = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
        existing = held.user if held else None
    if existing is None:
        # Issue 20: an address another account added but never confirmed proves nothing; the
        # invited person proves it is theirs by using the link. Left in place, the other account
        # could confirm it from the invitation's own mail and take the invited person's account.
        EmailAddress.objects.filter(email__iexact=email, verified=False).delete()
    new_person = existing is None
    if existing is not None:
        user = existing
    else:
        user = User(email=email, name=name.strip())
        user.set_unusable_password()
        save_recorded(user, acting_user=acting_user)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    role = role_create(
        council=council,
        user=user,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        acting=acting,
        acting_user=acting_user,
    )
    if new_person:
        invitation_send(user=user, council=council, acting_user=acting_user)
    else:
        notification_create(
            user=user,
            council=council,
            key=f"role-added:{role.pk}",
            kind="role_added",
            subject=f"You have a new role at {council}",
            body=render_to_string("email/role_added.txt", {"role": role, "council": council}),
            link=reverse("council:home", args=[council.slug]),
        )
    return role


def invitation_send(*, user: User, council: Council, acting_user: User) -> Notification | None:
    """Send (or send again) the invitation to set a password. Refused once the person has one."""
    if user.has_usable_password():
        raise ValidationError(f"{user} has already set a password and can sign in.")
    # Each sending is its own outbox row: the clerk may resend after the link expires.
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return notification_create(
        user=user,
        council=council,
        key=f"invitation:{user.pk}:{stamp}",
        kind="invitation",
        subject=f"You are invited to the {council} portal",
        body=render_to_string(
            "email/invitation.txt",
            {
                "user": user,
                "council": council,
                "inviter": acting_user,
                "link": invitation_link(user),
                "link_days": settings.INVITATION_LINK_SECONDS // 86400,
            },
        ),
    )


def roles_warn_ending(*, today: date | None = None) -> int:
    """R1: tell each person, and the council's Proper Officer, 30 days before a role ends. Safe
    to run as often as wanted: each warning has its own outbox key."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=ROLE_WARNING_DAYS)
    ending = list(
        Role.objects.filter(ends_on__gte=today, ends_on__lte=horizon, starts_on__lte=today)
        .select_related("user", "council")
        .order_by("council_id", "ends_on", "pk")
    )
    from .policy import proper_officers_for

    clerks = proper_officers_for({role.council_id for role in ending}, today)
    return notifications_create_in_batches(
        notice
        for role in ending
        for notice in _role_ending_notices(role, clerks.get(role.council_id))
    )


def _role_ending_notices(role: Role, clerk: User | None) -> list[Notice]:
    """R1's warnings about one role: to its holder, and to the Proper Officer (unless the same
    person)."""
    context = {"role": role, "council": role.council}
    notices = [
        Notice(
            user=role.user,
            council=role.council,
            key=f"role-ending:{role.pk}:{role.ends_on}:person",
            kind="role_ending",
            subject=f"Your role at {role.council} ends on {role.ends_on:%-d %B %Y}",
            body=render_to_string("email/role_ending.txt", context),
            link=reverse("council:home", args=[role.council.slug]),
        )
    ]
    if clerk and clerk.pk != role.user_id:
        notices.append(
            Notice(
                user=clerk,
                council=role.council,
                key=f"role-ending:{role.pk}:{role.ends_on}:clerk",
                kind="role_ending_clerk",
                subject=f"{role.user}'s role at {role.council} ends on {role.ends_on:%-d %B %Y}",
                body=render_to_string("email/role_ending_clerk.txt", context),
                link=reverse("council:person_detail", args=[role.council.slug, role.user_id]),
            )
        )
    return notices


# ---------------------------------------------------------------------------------------------
# Committees, seats, groups
# ---------------------------------------------------------------------------------------------


def committee_save(*, committee: Committee, acting_user: User) -> Committee:
    """Create or change a committee."""
    if committee.parent is not None and committee.parent.council_id != committee.council_id:
        raise ValidationError({"parent": "Choose a committee of this council."})
    return save_recorded(committee, acting_user=acting_user)


@transaction.atomic
def seat_create(
    *,
    committee: Committee,
    user: User,
    position: str,
    starts_on: date,
    ends_on: date | None = None,
    acting_user: User,
) -> Seat:
    """Give a person a seat on a committee. One chair and one vice-chair at a time."""
    Committee.objects.select_for_update().filter(pk=committee.pk).first()
    seat = Seat(
        committee=committee, user=user, position=position, starts_on=starts_on, ends_on=ends_on
    )
    seat.full_clean()
    _seat_clashes(seat)
    return save_recorded(seat, acting_user=acting_user)


def _seat_clashes(seat: Seat) -> None:
    fmt = {"committee": seat.committee}
    if (
        not Role.objects.current(seat.starts_on)
        .filter(council_id=seat.committee.council_id, user_id=seat.user_id)
        .exists()
    ):
        raise ValidationError(
            MSG_SEAT_NOT_MEMBER.format(person=seat.user, start=f"{seat.starts_on:%-d %B %Y}")
        )
    others = Seat.objects.filter(committee_id=seat.committee_id).exclude(pk=seat.pk)
    others = others.overlapping(seat.starts_on, seat.ends_on).select_related("user")
    mine = others.filter(user_id=seat.user_id).first()
    if mine:
        raise ValidationError(
            MSG_SEAT_OVERLAP.format(
                person=seat.user,
                start=f"{mine.starts_on:%-d %B %Y}",
                until=_until(mine.ends_on),
                **fmt,
            )
        )
    if seat.position != Seat.Position.MEMBER:
        holder = others.filter(position=seat.position).first()
        if holder:
            raise ValidationError(
                MSG_SEAT_POSITION_TAKEN.format(
                    person=holder.user,
                    position=holder.get_position_display().lower(),
                    start=f"{holder.starts_on:%-d %B %Y}",
                    until=_until(holder.ends_on),
                    **fmt,
                )
            )


@transaction.atomic
def seat_end(*, seat: Seat, ends_on: date, acting_user: User) -> Seat:
    """End a seat on a given day (the last day on which it counts)."""
    seat = Seat.objects.select_for_update().select_related("committee").get(pk=seat.pk)
    if seat.ends_on and seat.ends_on < ends_on:
        raise ValidationError(MSG_ALREADY_ENDED.format(ends_on=f"{seat.ends_on:%-d %B %Y}"))
    seat.ends_on = ends_on
    return save_recorded(seat, acting_user=acting_user, update_fields=["ends_on"])


def group_save(*, group: PoliticalGroup, acting_user: User) -> PoliticalGroup:
    """Create or rename a political group."""
    return save_recorded(group, acting_user=acting_user)


@transaction.atomic
def membership_create(
    *,
    group: PoliticalGroup,
    user: User,
    starts_on: date,
    ends_on: date | None = None,
    acting_user: User,
) -> GroupMembership:
    """Add a person to a political group; a person is in one group at a time."""
    Council.objects.select_for_update().filter(pk=group.council_id).first()
    membership = GroupMembership(group=group, user=user, starts_on=starts_on, ends_on=ends_on)
    membership.full_clean()
    clash = (
        GroupMembership.objects.filter(group__council_id=group.council_id, user=user)
        .overlapping(starts_on, ends_on)
        .select_related("group")
        .first()
    )
    if clash:
        raise ValidationError(
            MSG_MEMBERSHIP_OVERLAP.format(
                person=user,
                group=clash.group,
                start=f"{clash.starts_on:%-d %B %Y}",
                until=_until(clash.ends_on),
            )
        )
    return save_recorded(membership, acting_user=acting_user)


@transaction.atomic
def membership_end(*, membership: GroupMembership, ends_on: date, acting_user: User):
    """End a group membership on a given day."""
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.ends_on and membership.ends_on < ends_on:
        raise ValidationError(MSG_ALREADY_ENDED.format(ends_on=f"{membership.ends_on:%-d %B %Y}"))
    membership.ends_on = ends_on
    return save_recorded(membership, acting_user=acting_user, update_fields=["ends_on"])


# ---------------------------------------------------------------------------------------------
# The document register
# ---------------------------------------------------------------------------------------------


def document_create(
    *,
    council: Council,
    title: str,
    classification: str,
    file: UploadedFile,
    committee: Committee | None = None,
    description: str = "",
    acting_user: User,
) -> Document:
    """Add a document to the register. The file is checked (size, type, content) first."""
    content_type = uploads.check_upload(file)
    if committee is not None and committee.council_id != council.pk:
        raise ValidationError({"committee": "Choose a committee of this council."})
    document = Document(
        council=council,
        title=title,
        description=description,
        classification=classification,
        committee=committee,
        file=file,
        original_name=(file.name or "upload")[:255],
        content_type=content_type,
        size=file.size or 0,
        uploaded_by=acting_user,
    )
    return save_recorded(document, acting_user=acting_user)


def document_update(*, document: Document, acting_user: User) -> Document:
    """Save a change to a document's title, description, classification or committee."""
    if document.committee is not None and document.committee.council_id != document.council_id:
        raise ValidationError({"committee": "Choose a committee of this council."})
    return save_recorded(
        document,
        acting_user=acting_user,
        update_fields=["title", "description", "classification", "committee", "updated_at"],
    )


@transaction.atomic
def document_replace_file(*, document: Document, file: UploadedFile, acting_user: User) -> Document:
    """Replace a document's file. The old file stays on disk: its history row still names it."""
    content_type = uploads.check_upload(file)
    document = Document.objects.select_for_update().get(pk=document.pk)
    document.file = file
    document.original_name = (file.name or "upload")[:255]
    document.content_type = content_type
    document.size = file.size or 0
    document.uploaded_by = acting_user
    return save_recorded(document, acting_user=acting_user)


def document_open(*, standing: Standing, document: Document) -> None:
    """R27: every opening of a register document with third-party personal data goes in the audit
    log; other classifications are not logged. The caller has checked the policy."""
    if document.classification == Document.Classification.PERSONAL_DATA:
        audit_record(
            kind=AuditKind.PERSONAL_DATA_DOCUMENT_OPENED,
            acting_user=standing.user,
            council=standing.council,
            target=document,
            data={"via": "register"},
        )


def council_update(*, council: Council, acting_user: User) -> Council:
    """Save a change to the council's own details."""
    return save_recorded(council, acting_user=acting_user)


# ---------------------------------------------------------------------------------------------
# Data protection (UK GDPR): retention periods, the purge, subject access (council/privacy/)
# ---------------------------------------------------------------------------------------------


def retention_policy_save(*, policy: RetentionPolicy, acting_user: User) -> RetentionPolicy:
    """Save a council's retention periods (the first save creates its row); validated by the
    model: whole months, each kind's minimum, personal-data access at least as long as requests."""
    return save_recorded(policy, acting_user=acting_user)


def retention_purge(*, today: date | None = None) -> dict[str, int]:
    """Delete every council's expired personal records, and their history rows, by each
    council's periods; anonymise people whose roles all ended long enough ago. Bounded per run
    (privacy.BATCH of each kind per council) and idempotent. Returns the counts by kind."""
    return privacy.purge_all(today=today)


def subject_access_export(
    *, person: User, councils: list[Council], whole_portal: bool, acting_user: User, fmt: str
) -> privacy.Export:
    """Everything the councils hold about one person (council/privacy/ says what is included
    and what is withheld). The export itself is a disclosure of personal data, so it goes in the
    audit log: who exported whose data, for which councils, in which format."""
    # R16: a copy someone else reads (the Proper Officer's, of one council) holds of concerns
    # only what the policy lets that reader see; the person's own copy holds what they may see.
    viewer = None
    if acting_user.pk != person.pk:
        from .policy import standing_for

        (council,) = councils
        viewer = standing_for(acting_user, council)
    export = privacy.export_build(
        scope=privacy.Scope(
            person=person, councils=tuple(councils), whole_portal=whole_portal, viewer=viewer
        )
    )
    audit_record(
        kind=AuditKind.PERSONAL_DATA_EXPORTED,
        acting_user=acting_user,
        council=councils[0] if len(councils) == 1 and not whole_portal else None,
        target=person,
        data={
            "format": fmt,
            "council_ids": [c.pk for c in councils],
            "own": person.pk == acting_user.pk,
        },
    )
    return export
