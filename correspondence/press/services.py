"""The press office (DESIGN §4 R13, R14): press releases, the council's spokespeople, its
pre-election periods, and journalists' enquiries with the officers' factual replies.

Each rule lives in one function here:
- R13 who may be quoted speaking for the council: `quotable_people()`, checked by
  `check_quoted()` when a release is drafted, changed, submitted, approved and published (a chair
  may have changed in between).
- R13 approval: `press_approve()` is the only way to set `approved_by`, and `press_publish()`
  refuses a release that has not been approved (the database constraint backs it).
- R14 pre-election hold: `pre_election_hold()` says whether, and why, a release is held back;
  `press_submit()`, `press_approve()` and `press_publish()` ask it.

Actions are `press_<verb>`, `spokesperson_<verb>`, `period_<verb>` and `enquiry_<verb>`, keyword
only, with the acting user; the shape is lock → check the workflow table → change → save with the
actor in the history (R27) → notices through the outbox, once each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from council.audit import AuditKind, audit_record
from council.models import Committee, Council, PreElectionPeriod, Role, Seat, Spokesperson, User
from council.outbox import notification_create
from council.policy import can_approve_press_release, proper_officer_for, standing_for
from council.services import locked, save_recorded

from ..models import PressEnquiry, PressRelease

Status = PressRelease.Status

# Releases the Proper Officer has to look at.
WAITING = (Status.SUBMITTED, Status.HELD)

MSG_NOT_QUOTABLE = (
    "{person} cannot be quoted speaking for the council on {day}. Only the chair, a committee "
    "chair or a spokesperson the council has appointed may be. Choose one of them, or leave the "
    "quote out."
)
MSG_QUOTE_NEEDS_PERSON = "Choose who is quoted, or leave the quote empty."
MSG_PERSON_NEEDS_QUOTE = "Enter what they say, or choose nobody."
MSG_ONLY_PROPER_OFFICER = "Only the Proper Officer approves and publishes press releases."
MSG_CANNOT_CHANGE = "This release is {status}. Only a draft can be changed."
MSG_CANNOT_SUBMIT = "This release is {status}. Only a draft can be sent for approval."
MSG_CANNOT_APPROVE = (
    "This release is {status}. Only a release waiting for approval can be approved."
)
MSG_NOT_APPROVED = (
    "This release has not been approved. Nothing is published until the Proper Officer has "
    "approved it."
)
MSG_CANNOT_PUBLISH = "This release is {status}. It cannot be published."
MSG_CANNOT_REOPEN = "This release is {status}. It can no longer be changed."
MSG_CANNOT_WITHDRAW = "This release is {status} already."
MSG_CANNOT_HOLD = "This release is {status}. It cannot be held back now."
MSG_NO_PERIOD = "No pre-election period is running today, so there is nothing to hold it for."
MSG_HELD = (
    "It concerns candidates or a contentious matter, and the pre-election period "
    "“{period}” runs until {ends}. It is held back, and can be published from {after}."
)
MSG_NOT_MEMBER = "{person} is not a councillor or an officer of this council on {day}."
MSG_NOT_OFFICER = "{person} is not an officer of this council on {day}. Choose a current officer."
MSG_ENDS_BEFORE_START = "The end date cannot be before the start date."
MSG_ALREADY_ENDED = "This appointment already ended on {day}."
MSG_REPLY_BEFORE_ENQUIRY = "The reply cannot be dated before the enquiry was received ({day})."
MSG_ALREADY_REPLIED = "{person} already recorded the reply on {day}."


def _day(on: date) -> str:
    return f"{on:%-d %B %Y}"


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# ---------------------------------------------------------------------------------------------
# R13: who may be quoted speaking for the council
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quotable:
    """Someone who may be quoted for the council on a day, and in what capacity."""

    user: User
    capacities: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.user.name} ({'; '.join(self.capacities)})"


def quotable_people(council: Council, on: date) -> list[Quotable]:
    """R13: the chair, the committee chairs and the current spokespeople (with what they may speak
    on), on a day, by name. Each must hold a current role in the council that day (two
    queries)."""
    members = Role.objects.current(on).filter(council=council).values("user_id")
    councillors = members.filter(kind=Role.Kind.COUNCILLOR)
    capacities: dict[int, list[str]] = {}
    people: dict[int, User] = {}
    # A chair's rights are a councillor's: a chair whose term has ended is no chair (R1).
    chairs = (
        Seat.objects.current(on)
        .filter(committee__council=council, position=Seat.Position.CHAIR)
        .filter(user_id__in=councillors)
        .select_related("user", "committee")
        .order_by("committee__kind", "committee__name")
    )
    for seat in chairs:
        people[seat.user_id] = seat.user
        if seat.committee.kind == Committee.Kind.FULL_COUNCIL:
            capacities.setdefault(seat.user_id, []).insert(0, "Chair of the council")
        else:
            capacities.setdefault(seat.user_id, []).append(f"Chair of the {seat.committee.name}")
    spokespeople = (
        Spokesperson.objects.current(on)
        .filter(council=council, user_id__in=members)
        .select_related("user")
        .order_by("speaks_on")
    )
    for appointment in spokespeople:
        people[appointment.user_id] = appointment.user
        capacities.setdefault(appointment.user_id, []).append(
            f"Spokesperson on {appointment.speaks_on}"
        )
    return sorted(
        (Quotable(user=people[pk], capacities=tuple(c)) for pk, c in capacities.items()),
        key=lambda q: q.user.name,
    )


def check_quoted(council: Council, quoted: User | None, quote: str, on: date) -> None:
    """R13: a quote speaks for the council only in the words of someone quotable_people() names
    on the day. Raises a ValidationError on the field to change."""
    if quote.strip() and quoted is None:
        raise ValidationError({"quoted": MSG_QUOTE_NEEDS_PERSON})
    if quoted is None:
        return
    if not quote.strip():
        raise ValidationError({"quote": MSG_PERSON_NEEDS_QUOTE})
    if quoted.pk not in {q.user.pk for q in quotable_people(council, on)}:
        raise ValidationError({"quoted": MSG_NOT_QUOTABLE.format(person=quoted.name, day=_day(on))})


# ---------------------------------------------------------------------------------------------
# R14: the pre-election hold
# ---------------------------------------------------------------------------------------------


def running_period(council: Council, on: date) -> PreElectionPeriod | None:
    """The pre-election period running on a day (the one that ends last, if two overlap)."""
    return PreElectionPeriod.objects.current(on).filter(council=council).order_by("ends_on").last()


def pre_election_hold(release: PressRelease, on: date) -> str:
    """R14: why a release must be held back on a day, in plain English; "" if it need not be.
    Only a release marked sensitive (about candidates or a contentious matter) is held."""
    if not release.sensitive:
        return ""
    period = running_period(release.council, on)
    if period is None:
        return ""
    return MSG_HELD.format(
        period=period.name,
        ends=_day(period.ends_on),
        after=_day(period.ends_on + timedelta(days=1)),
    )


# ---------------------------------------------------------------------------------------------
# Releases
# ---------------------------------------------------------------------------------------------


def _notify(release: PressRelease, user: User | None, key: str, subject: str, body: str) -> None:
    """One notice about a release, once (`key` names the event within the release)."""
    if user is None:
        return
    notification_create(
        user=user,
        council=release.council,
        key=f"press:{release.pk}:{key}:{user.pk}",
        kind="press",
        subject=subject,
        body=body,
        link=release.get_absolute_url(),
    )


def status_text(release: PressRelease) -> str:
    """The state in words, to go in a sentence ("This release is published.")."""
    return release.get_status_display().lower()


def _check_approver(release: PressRelease, acting_user: User, today: date) -> None:
    """R13: approving and publishing are the Proper Officer's alone (the acting one's too, R4)."""
    if not can_approve_press_release(standing_for(acting_user, release.council, today)):
        raise ValidationError(MSG_ONLY_PROPER_OFFICER)


def press_draft(
    *,
    council: Council,
    title: str,
    body: str,
    quoted: User | None,
    quote: str,
    sensitive: bool,
    acting_user: User,
    now: datetime | None = None,
) -> PressRelease:
    """Someone who may draft (council.policy.can_draft_press_release) starts a release."""
    check_quoted(council, quoted, quote, timezone.localdate(_now(now)))
    release = PressRelease(
        council=council,
        title=title.strip(),
        body=body.strip(),
        quoted=quoted,
        quote=quote.strip(),
        sensitive=sensitive,
        author=acting_user,
    )
    with transaction.atomic():
        save_recorded(release, acting_user=acting_user)
    return release


def press_change(
    *,
    release: PressRelease,
    title: str,
    body: str,
    quoted: User | None,
    quote: str,
    sensitive: bool,
    acting_user: User,
    now: datetime | None = None,
) -> PressRelease:
    """The author changes a draft."""
    with transaction.atomic():
        release = locked(release)
        if release.status != Status.DRAFT:
            raise ValidationError(MSG_CANNOT_CHANGE.format(status=status_text(release)))
        check_quoted(release.council, quoted, quote, timezone.localdate(_now(now)))
        release.title, release.body = title.strip(), body.strip()
        release.quoted, release.quote = quoted, quote.strip()
        release.sensitive = sensitive
        save_recorded(release, acting_user=acting_user)
    return release


def press_submit(*, release: PressRelease, acting_user: User, now: datetime | None = None):
    """The author sends a draft to the Proper Officer for approval (R13). R14: a sensitive
    release sent during a pre-election period is held back, and says why."""
    now = _now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        release = locked(release)
        if not release.can_become(Status.SUBMITTED):
            raise ValidationError(MSG_CANNOT_SUBMIT.format(status=status_text(release)))
        check_quoted(release.council, release.quoted, release.quote, today)
        hold = pre_election_hold(release, today)
        release.status = Status.HELD if hold else Status.SUBMITTED
        release.held_reason = hold
        release.submitted_at = now
        save_recorded(release, acting_user=acting_user)
        approver = proper_officer_for(release.council, today)
        if approver is not None and approver.pk != acting_user.pk:
            _notify(
                release,
                approver,
                f"submitted:{now.isoformat()}",
                "A press release is waiting for your approval",
                f"{acting_user.name} has sent “{release.title}” for approval."
                + (f" {hold}" if hold else ""),
            )
    return release


def press_approve(*, release: PressRelease, acting_user: User, now: datetime | None = None):
    """R13: the Proper Officer approves a release (council.policy.can_approve_press_release).
    R14: approval is recorded during a pre-election period, but a sensitive release stays held
    back until the period ends."""
    now = _now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        release = locked(release)
        _check_approver(release, acting_user, today)
        if release.status not in WAITING or release.approved_by_id is not None:
            raise ValidationError(MSG_CANNOT_APPROVE.format(status=status_text(release)))
        check_quoted(release.council, release.quoted, release.quote, today)
        release.approved_by, release.approved_at = acting_user, now
        hold = pre_election_hold(release, today)
        if hold:
            release.status, release.held_reason = Status.HELD, hold
        elif release.can_become(Status.APPROVED):
            release.status, release.held_reason = Status.APPROVED, ""
        save_recorded(release, acting_user=acting_user)
        audit_record(
            kind=AuditKind.PRESS_APPROVED,
            acting_user=acting_user,
            council=release.council,
            target=release,
            data={"status": release.status},
        )
        if release.author_id != acting_user.pk:
            _notify(
                release,
                release.author,
                f"approved:{now.isoformat()}",
                "Your press release is approved",
                f"“{release.title}” is approved."
                + (f" {hold}" if hold else " The Proper Officer will publish it."),
            )
    return release


def press_hold(*, release: PressRelease, acting_user: User, now: datetime | None = None):
    """R14: the Proper Officer decides that a release waiting for approval concerns candidates
    or a contentious matter, during a pre-election period: it is marked so, and held back."""
    today = timezone.localdate(_now(now))
    with transaction.atomic():
        release = locked(release)
        _check_approver(release, acting_user, today)
        if release.status not in (*WAITING, Status.APPROVED) or not release.can_become(Status.HELD):
            raise ValidationError(MSG_CANNOT_HOLD.format(status=status_text(release)))
        release.sensitive = True
        hold = pre_election_hold(release, today)
        if not hold:
            raise ValidationError(MSG_NO_PERIOD)
        release.status, release.held_reason = Status.HELD, hold
        save_recorded(release, acting_user=acting_user)
        if release.author_id != acting_user.pk:
            _notify(
                release,
                release.author,
                f"held:{today.isoformat()}",
                "Your press release is held back",
                f"“{release.title}”: {hold}",
            )
    return release


def press_publish(*, release: PressRelease, acting_user: User, now: datetime | None = None):
    """The Proper Officer publishes an approved release on the public news page. R13: never one
    that has not been approved. R14: never a sensitive one during a pre-election period; a held
    release is published once its period has ended."""
    now = _now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        release = locked(release)
        _check_approver(release, acting_user, today)
        if release.status in (Status.DRAFT, Status.SUBMITTED) or (
            release.status == Status.HELD and release.approved_by_id is None
        ):
            raise ValidationError(MSG_NOT_APPROVED)
        hold = pre_election_hold(release, today)
        if hold:
            raise ValidationError(hold)
        if release.status == Status.HELD and release.can_become(Status.APPROVED):
            release.status = Status.APPROVED  # the period is over: the hold is lifted
        if not release.can_become(Status.PUBLISHED):
            raise ValidationError(MSG_CANNOT_PUBLISH.format(status=status_text(release)))
        check_quoted(release.council, release.quoted, release.quote, today)
        release.status, release.published_at, release.held_reason = Status.PUBLISHED, now, ""
        save_recorded(release, acting_user=acting_user)
        audit_record(
            kind=AuditKind.PRESS_PUBLISHED,
            acting_user=acting_user,
            council=release.council,
            target=release,
        )
        if release.author_id != acting_user.pk:
            _notify(
                release,
                release.author,
                "published",
                "Your press release is published",
                f"“{release.title}” is on the council's news page.",
            )
    return release


def press_reopen(*, release: PressRelease, acting_user: User):
    """Back to a draft, to be changed: by its author, or sent back by the Proper Officer. Any
    approval is forgotten, since the words may change."""
    with transaction.atomic():
        release = locked(release)
        if not release.can_become(Status.DRAFT):
            raise ValidationError(MSG_CANNOT_REOPEN.format(status=status_text(release)))
        release.status = Status.DRAFT
        release.held_reason = ""
        release.submitted_at = release.approved_at = None
        release.approved_by = None
        save_recorded(release, acting_user=acting_user)
        if release.author_id != acting_user.pk:
            _notify(
                release,
                release.author,
                f"reopened:{timezone.now().isoformat()}",
                "Your press release is sent back to you",
                f"The Proper Officer has sent “{release.title}” back to you to change.",
            )
    return release


def press_withdraw(*, release: PressRelease, acting_user: User):
    """Withdrawn for good, by its author or the Proper Officer; a published release leaves the
    news page."""
    with transaction.atomic():
        release = locked(release)
        if not release.can_become(Status.WITHDRAWN):
            raise ValidationError(MSG_CANNOT_WITHDRAW.format(status=status_text(release)))
        release.status = Status.WITHDRAWN
        save_recorded(release, acting_user=acting_user)
    return release


# ---------------------------------------------------------------------------------------------
# Spokespeople and pre-election periods (kept by the Proper Officer)
# ---------------------------------------------------------------------------------------------


def spokesperson_appoint(
    *,
    council: Council,
    user: User,
    speaks_on: str,
    starts_on: date,
    ends_on: date | None,
    acting_user: User,
) -> Spokesperson:
    """R13: the council appoints a current councillor or officer to speak for it on a subject."""
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": MSG_ENDS_BEFORE_START})
    if not standing_for(user, council, starts_on).is_councillor_or_officer:
        raise ValidationError(
            {"user": MSG_NOT_MEMBER.format(person=user.name, day=_day(starts_on))}
        )
    appointment = Spokesperson(
        council=council,
        user=user,
        speaks_on=speaks_on.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    with transaction.atomic():
        save_recorded(appointment, acting_user=acting_user)
    return appointment


def spokesperson_end(
    *, spokesperson: Spokesperson, ends_on: date, acting_user: User
) -> Spokesperson:
    """The appointment ends after `ends_on`: from the next day they may no longer be quoted."""
    with transaction.atomic():
        spokesperson = Spokesperson.objects.select_for_update().get(pk=spokesperson.pk)
        if spokesperson.ends_on is not None and spokesperson.ends_on < ends_on:
            raise ValidationError(MSG_ALREADY_ENDED.format(day=_day(spokesperson.ends_on)))
        if ends_on < spokesperson.starts_on:
            raise ValidationError({"ends_on": MSG_ENDS_BEFORE_START})
        spokesperson.ends_on = ends_on
        save_recorded(spokesperson, acting_user=acting_user)
    return spokesperson


def period_record(
    *, council: Council, name: str, starts_on: date, ends_on: date, acting_user: User
) -> PreElectionPeriod:
    """R14: the Proper Officer records the dates of a pre-election period."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": MSG_ENDS_BEFORE_START})
    period = PreElectionPeriod(
        council=council, name=name.strip(), starts_on=starts_on, ends_on=ends_on
    )
    with transaction.atomic():
        save_recorded(period, acting_user=acting_user)
    return period


# ---------------------------------------------------------------------------------------------
# Enquiries from journalists
# ---------------------------------------------------------------------------------------------


def enquiry_log(
    *,
    council: Council,
    received_on: date,
    journalist: str,
    outlet: str,
    question: str,
    acting_user: User,
) -> PressEnquiry:
    """An officer logs a journalist's question as it came in."""
    enquiry = PressEnquiry(
        council=council,
        received_on=received_on,
        journalist=journalist.strip(),
        outlet=outlet.strip(),
        question=question.strip(),
        logged_by=acting_user,
    )
    with transaction.atomic():
        save_recorded(enquiry, acting_user=acting_user)
    return enquiry


def enquiry_reply(
    *,
    enquiry: PressEnquiry,
    reply: str,
    replied_on: date,
    replied_by: User,
    acting_user: User,
) -> PressEnquiry:
    """R13: the factual reply to an enquiry comes from an officer, and is recorded once."""
    with transaction.atomic():
        enquiry = (
            PressEnquiry.objects.select_for_update(of=("self",))
            .select_related("council", "replied_by")
            .get(pk=enquiry.pk)
        )
        if enquiry.replied_on is not None:
            raise ValidationError(
                MSG_ALREADY_REPLIED.format(
                    person=enquiry.replied_by.name if enquiry.replied_by else "Someone",
                    day=_day(enquiry.replied_on),
                )
            )
        if replied_on < enquiry.received_on:
            raise ValidationError(
                {"replied_on": MSG_REPLY_BEFORE_ENQUIRY.format(day=_day(enquiry.received_on))}
            )
        if not standing_for(replied_by, enquiry.council, replied_on).is_officer:
            raise ValidationError(
                {"replied_by": MSG_NOT_OFFICER.format(person=replied_by.name, day=_day(replied_on))}
            )
        enquiry.reply, enquiry.replied_on, enquiry.replied_by = (
            reply.strip(),
            replied_on,
            replied_by,
        )
        save_recorded(enquiry, acting_user=acting_user)
    return enquiry
