"""Business actions on the protocol. R24 (versions kept for ever, adopted ones never change),
R25 (review reminders) and R26 (acknowledgements) each live in one function here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from council import policy
from council.audit import AuditKind, audit_record
from council.models import Council, Role, User
from council.outbox import Notice, notification_create, notifications_create_in_batches
from council.services import record_actor, save_recorded

from . import model_text
from .importer import ParsedProtocol
from .models import Acknowledgement, Expectation, ProtocolVersion, Section

MSG_NOT_DRAFT = (
    "Version {number} is {status}: an adopted version never changes. Start a new draft to "
    "change the protocol."
)
MSG_DRAFT_EXISTS = "There is already a draft (version {number}). Finish or change that one."
MSG_NOTHING_TO_COPY = "There is no adopted version to copy. Start from the model protocol."
MSG_REVIEW_BEFORE_ADOPTION = "The review date must be after the date of adoption."
MSG_ADOPTED_IN_FUTURE = (
    "The date of adoption cannot be in the future: record the adoption once the council has voted."
)
MSG_ADOPTED_BEFORE_PREVIOUS = (
    "Version {number}, which this one replaces, was adopted on {day}. Enter that day or a later "
    "one."
)
MSG_REVIEW_PASSED = (
    "The review date must be after today: the council reviews the protocol it adopts from now on."
)
MSG_EMPTY_DRAFT = "The draft has no sections. Add at least one before adopting it."
MSG_ACK_NOT_CURRENT = "You can only acknowledge the version in force."
REVIEW_REMINDER_DAYS = (90, 30, 7)
UNPLACED_HEADING = "Text not placed under a heading"


# ---------------------------------------------------------------------------------------------
# Drafts (R24)
# ---------------------------------------------------------------------------------------------


def _require_draft(version: ProtocolVersion) -> None:
    """R24: only a draft may change; adopted and superseded versions are kept as they were."""
    if version.status != ProtocolVersion.Status.DRAFT:
        raise ValidationError(
            MSG_NOT_DRAFT.format(number=version.number, status=version.get_status_display().lower())
        )


@dataclass
class SectionData:
    number: str
    heading: str
    body: str
    expectations: list[tuple[str, str]]


def _new_draft(
    *, council: Council, sections: list[SectionData], title: str, source: str, acting_user: User
) -> ProtocolVersion:
    # Serialise version numbering within a council.
    Council.objects.select_for_update().filter(pk=council.pk).first()
    existing = ProtocolVersion.objects.filter(council=council, status="draft").first()
    if existing:
        raise ValidationError(MSG_DRAFT_EXISTS.format(number=existing.number))
    last = ProtocolVersion.objects.filter(council=council).aggregate(n=Max("number"))["n"] or 0
    version = save_recorded(
        ProtocolVersion(
            council=council,
            number=last + 1,
            title=title[:200] or ProtocolVersion._meta.get_field("title").default,
            source=source[:200],
            created_by=acting_user,
        ),
        acting_user=acting_user,
    )
    # Bulk inserts: a protocol has ~40 sections; history rows are made in bulk too (R27).
    from simple_history.utils import bulk_create_with_history

    rows = [
        Section(version=version, position=i, number=s.number, heading=s.heading[:200], body=s.body)
        for i, s in enumerate(sections, start=1)
    ]
    saved = bulk_create_with_history(rows, Section, default_user=acting_user)
    if not saved or saved[0].pk is None:  # backends that do not return ids
        saved = list(version.sections.order_by("position"))
    expectations = [
        Expectation(section=section, direction=direction, position=j, text=text)
        for section, data in zip(saved, sections, strict=True)
        for j, (direction, text) in enumerate(data.expectations, start=1)
    ]
    bulk_create_with_history(expectations, Expectation, default_user=acting_user)
    return version


def _unique_numbers(sections: list[SectionData]) -> list[SectionData]:
    """Give every section a number, unique in the version: imported documents may have none, or
    repeat one. A missing number becomes the next free whole number."""
    used: set[str] = set()
    next_whole = 1
    for s in sections:
        if s.number and s.number not in used:
            used.add(s.number)
            head = s.number.split(".")[0]
            if head.isdigit():
                next_whole = max(next_whole, int(head) + 1)
            continue
        while str(next_whole) in used:
            next_whole += 1
        s.number = str(next_whole)
        used.add(s.number)
        next_whole += 1
    return sections


@transaction.atomic
def draft_start(*, council: Council, source: str, acting_user: User) -> ProtocolVersion:
    """Start a draft from the model protocol (source="model") or as a copy of the adopted version
    (source="current")."""
    if source == "current":
        current = (
            ProtocolVersion.objects.adopted()
            .filter(council=council)
            .prefetch_related("sections__expectations")
            .first()
        )
        if current is None:
            raise ValidationError(MSG_NOTHING_TO_COPY)
        sections = [
            SectionData(
                s.number,
                s.heading,
                s.body,
                [(e.direction, e.text) for e in s.expectations.all()],
            )
            for s in current.sections.all()
        ]
        return _new_draft(
            council=council,
            sections=sections,
            title=current.title,
            source=f"A copy of version {current.number}",
            acting_user=acting_user,
        )
    sections = [
        SectionData(s["number"], s["heading"], s["body"], list(s["expectations"]))
        for s in model_text.MODEL_SECTIONS
    ]
    return _new_draft(
        council=council,
        sections=sections,
        title=model_text.MODEL_TITLE,
        source="The portal's model protocol",
        acting_user=acting_user,
    )


@transaction.atomic
def draft_import(
    *, council: Council, parsed: ParsedProtocol, filename: str, acting_user: User
) -> ProtocolVersion:
    """Make a draft from an imported document. Text that could not be placed under a heading goes
    into a section of its own, so nothing of the original is lost."""
    sections = [
        SectionData(
            s.number,
            s.heading or "Untitled section",
            s.body,
            [(e.direction, e.text) for e in s.expectations],
        )
        for s in parsed.sections
    ]
    if parsed.unplaced.strip():
        sections.insert(0, SectionData("", UNPLACED_HEADING, parsed.unplaced.strip(), []))
    if not sections:
        raise ValidationError("No text was found in the file.")
    return _new_draft(
        council=council,
        sections=_unique_numbers(sections),
        title=parsed.title or ProtocolVersion._meta.get_field("title").default,
        source=f"Imported from {filename}",
        acting_user=acting_user,
    )


@transaction.atomic
def section_save(*, section: Section, acting_user: User) -> Section:
    """Add a section to the end of a draft, or save a change to one."""
    version = ProtocolVersion.objects.select_for_update().get(pk=section.version_id)
    _require_draft(version)
    if section.pk is None:
        last = version.sections.aggregate(p=Max("position"))["p"] or 0
        section.position = last + 1
    return save_recorded(section, acting_user=acting_user)


def _swap_with_neighbour(item, siblings, *, up: bool, acting_user: User) -> None:
    """Swap an item's position with the one above or below it among its siblings (a section in
    its version, an expectation in its list). Nothing happens at either end."""
    siblings = siblings.order_by("position")
    neighbour = (
        siblings.filter(position__lt=item.position).last()
        if up
        else siblings.filter(position__gt=item.position).first()
    )
    if neighbour is None:
        return
    item.position, neighbour.position = neighbour.position, item.position
    save_recorded(item, acting_user=acting_user, update_fields=["position"])
    save_recorded(neighbour, acting_user=acting_user, update_fields=["position"])


@transaction.atomic
def section_move(*, section: Section, up: bool, acting_user: User) -> None:
    """Swap a section with its neighbour above or below."""
    version = ProtocolVersion.objects.select_for_update().get(pk=section.version_id)
    _require_draft(version)
    _swap_with_neighbour(section, version.sections.all(), up=up, acting_user=acting_user)


@transaction.atomic
def section_delete(*, section: Section, acting_user: User) -> None:
    """Remove a section (and its expectations) from a draft."""
    version = ProtocolVersion.objects.select_for_update().get(pk=section.version_id)
    _require_draft(version)
    for expectation in section.expectations.all():
        record_actor(expectation, acting_user)
        expectation.delete()
    record_actor(section, acting_user)
    section.delete()


@transaction.atomic
def expectation_save(*, expectation: Expectation, acting_user: User) -> Expectation:
    """Add an expectation to a draft's section, or change one."""
    version = ProtocolVersion.objects.select_for_update().get(pk=expectation.section.version_id)
    _require_draft(version)
    if expectation.pk is None:
        last = (
            expectation.section.expectations.filter(direction=expectation.direction).aggregate(
                p=Max("position")
            )["p"]
            or 0
        )
        expectation.position = last + 1
    return save_recorded(expectation, acting_user=acting_user)


@transaction.atomic
def expectation_move(*, expectation: Expectation, up: bool, acting_user: User) -> None:
    """Swap an expectation with its neighbour in the same list."""
    version = ProtocolVersion.objects.select_for_update().get(pk=expectation.section.version_id)
    _require_draft(version)
    siblings = expectation.section.expectations.filter(direction=expectation.direction)
    _swap_with_neighbour(expectation, siblings, up=up, acting_user=acting_user)


@transaction.atomic
def expectation_delete(*, expectation: Expectation, acting_user: User) -> None:
    """Remove an expectation from a draft."""
    version = ProtocolVersion.objects.select_for_update().get(pk=expectation.section.version_id)
    _require_draft(version)
    record_actor(expectation, acting_user)
    expectation.delete()


# ---------------------------------------------------------------------------------------------
# Adoption (R24) and acknowledgement (R26)
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def version_adopt(
    *,
    version: ProtocolVersion,
    adopted_on: date,
    minute_reference: str,
    review_on: date,
    acting_user: User,
) -> ProtocolVersion:
    """R24: record the council's adoption of a draft. It is published at once, the version it
    replaces becomes superseded (kept for ever), and everyone is asked to acknowledge it (R26)."""
    version = ProtocolVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    today = timezone.localdate()
    if adopted_on > today:
        raise ValidationError({"adopted_on": MSG_ADOPTED_IN_FUTURE})
    if review_on <= adopted_on:
        raise ValidationError({"review_on": MSG_REVIEW_BEFORE_ADOPTION})
    if review_on <= today:
        raise ValidationError({"review_on": MSG_REVIEW_PASSED})
    if not version.sections.exists():
        raise ValidationError(MSG_EMPTY_DRAFT)
    previous = (
        ProtocolVersion.objects.select_for_update()
        .filter(council_id=version.council_id, status=ProtocolVersion.Status.ADOPTED)
        .first()
    )
    if previous and previous.adopted_on and adopted_on < previous.adopted_on:
        raise ValidationError(
            {
                "adopted_on": MSG_ADOPTED_BEFORE_PREVIOUS.format(
                    number=previous.number, day=f"{previous.adopted_on:%-d %B %Y}"
                )
            }
        )
    if previous:
        previous.status = ProtocolVersion.Status.SUPERSEDED
        previous.superseded_on = adopted_on
        save_recorded(previous, acting_user=acting_user, update_fields=["status", "superseded_on"])
    version.status = ProtocolVersion.Status.ADOPTED
    version.adopted_on = adopted_on
    version.minute_reference = minute_reference.strip()
    version.review_on = review_on
    save_recorded(
        version,
        acting_user=acting_user,
        update_fields=["status", "adopted_on", "minute_reference", "review_on"],
    )
    audit_record(
        kind=AuditKind.PROTOCOL_ADOPTED,
        acting_user=acting_user,
        council=version.council,
        target=version,
        data={
            "adopted_on": adopted_on,
            "minute_reference": version.minute_reference,
            "review_on": review_on,
            "superseded_id": previous.pk if previous else None,
        },
    )
    acknowledgement_request(version=version)
    return version


def people_who_acknowledge(council: Council, on: date | None = None):
    """R26: the councillors and officers in post on a day."""
    kinds = [Role.Kind.COUNCILLOR, *Role.OFFICER_KINDS]
    user_ids = Role.objects.current(on).filter(council=council, kind__in=kinds).values("user_id")
    return User.objects.filter(id__in=user_ids).order_by("name")


def acknowledgement_request(*, version: ProtocolVersion) -> int:
    """R26: ask every councillor and officer to acknowledge a newly adopted version."""
    sent = 0
    link = reverse("council:home", args=[version.council.slug])
    for user in people_who_acknowledge(version.council):
        sent += bool(
            notification_create(
                user=user,
                council=version.council,
                key=f"protocol-ack:{version.pk}:{user.pk}",
                kind="protocol_acknowledge",
                subject=f"Please read and acknowledge the protocol of {version.council}",
                body=render_to_string("protocol/email/acknowledge.txt", {"version": version}),
                link=link,
            )
        )
    return sent


def acknowledgement_remind(*, council: Council, acting_user: User) -> int:
    """R26: remind those who have not acknowledged the version in force (once a day each)."""
    version = ProtocolVersion.objects.adopted().filter(council=council).first()
    if version is None:
        return 0
    done = version.acknowledgements.values("user_id")
    today = timezone.localdate()
    sent = 0
    for user in people_who_acknowledge(council).exclude(id__in=done):
        sent += bool(
            notification_create(
                user=user,
                council=council,
                key=f"protocol-ack-reminder:{version.pk}:{user.pk}:{today}",
                kind="protocol_acknowledge",
                subject=f"Reminder: please acknowledge the protocol of {council}",
                body=render_to_string("protocol/email/acknowledge.txt", {"version": version}),
                link=reverse("council:home", args=[council.slug]),
            )
        )
    return sent


def acknowledgement_record(*, version: ProtocolVersion, user: User) -> Acknowledgement:
    """R26: record that a councillor or officer has read the version in force. Doing it twice
    changes nothing."""
    if version.status != ProtocolVersion.Status.ADOPTED:
        raise ValidationError(MSG_ACK_NOT_CURRENT)
    ack, created = Acknowledgement.objects.get_or_create(version=version, user=user)
    if created:
        # get_or_create saved it without the acting user; the history row should name them.
        ack.history.filter(history_type="+").update(history_user=user)
    return ack


# ---------------------------------------------------------------------------------------------
# Review reminders (R25)
# ---------------------------------------------------------------------------------------------


def review_stage(review_on: date, today: date) -> str | None:
    """Which reminder is due on a day: "90", "30" or "7" days before (the nearest threshold
    reached), "overdue-<week>" weekly from the review date, or None."""
    days_left = (review_on - today).days
    if days_left <= 0:
        return f"overdue-{-days_left // 7}"
    reached = [d for d in REVIEW_REMINDER_DAYS if days_left <= d]
    return str(min(reached)) if reached else None


def review_reminders_send(*, today: date | None = None) -> int:
    """R25: remind the clerk and the chair 90, 30 and 7 days before the review date and weekly
    while it is overdue. Each reminder goes once (its outbox key names the stage)."""
    today = today or timezone.localdate()
    versions = (
        ProtocolVersion.objects.adopted()
        .filter(review_on__lte=today + timedelta(days=max(REVIEW_REMINDER_DAYS)))
        .select_related("council")
        .order_by("council_id", "pk")
    )
    due = [(v, stage) for v in versions if (stage := review_stage(v.review_on, today)) is not None]
    # The clerks and chairs of every council with a reminder due, in two queries.
    council_ids = {version.council_id for version, _ in due}
    clerks = policy.proper_officers_for(council_ids, today)
    chairs = policy.chairs_of(council_ids, today)

    def recipients(council_id: int) -> set[User]:
        return {u for u in (clerks.get(council_id), chairs[council_id][0]) if u}

    return notifications_create_in_batches(
        n for v, stage in due for n in _review_notices(v, stage, today, recipients(v.council_id))
    )


def _review_notices(
    version: ProtocolVersion, stage: str, today: date, recipients: set[User]
) -> list[Notice]:
    """R25's reminder of one stage of a version's review, to each recipient."""
    assert version.review_on is not None  # an adopted version has one (its CheckConstraint)
    context = {
        "version": version,
        "today": today,
        "overdue": stage.startswith("overdue"),
        "days_left": (version.review_on - today).days,
    }
    subject = (
        f"The protocol of {version.council} is overdue for review"
        if context["overdue"]
        else f"The protocol of {version.council} is due for review on {version.review_on:%-d %B %Y}"
    )
    body = render_to_string("protocol/email/review.txt", context)
    return [
        Notice(
            user=user,
            council=version.council,
            key=f"protocol-review:{version.pk}:{version.review_on}:{stage}:{user.pk}",
            kind="protocol_review",
            subject=subject,
            body=body,
            link=reverse("protocol:manage", args=[version.council.slug]),
        )
        for user in sorted(recipients, key=lambda u: u.pk)
    ]
