"""Business actions for councillors' information requests (DESIGN §4 R3, R5–R9).

Each action is `request_<verb>` with keyword-only arguments and the acting user, and follows the
house shape: lock and check the state (a ValidationError says what to do) → change → save with the
acting user in the history row (R27) → notices through the outbox, once each (unique keys).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from council import policy
from council.audit import AuditKind, audit_record
from council.lib.working_days import (
    add_working_days,
    working_days_between,
)
from council.models import Document, User
from council.outbox import Notice, notification_create
from council.policy import Standing
from council.services import locked, save_recorded

from ..models import DocumentAccess, InformationRequest, RequestedDocument, RequestEvent, Route

Status = InformationRequest.Status

ROUTE_EXPLANATIONS = {
    Route.PRESUMED: (
        "You sit on the committee that each of these documents relates to, so your need to know "
        "is presumed."
    ),
    Route.JUSTIFICATION: (
        "At least one of these documents contains personal data about other people. Say "
        "specifically why you need it for your duties as a councillor; the officer decides."
    ),
    Route.OFFICER_DECIDES: (
        "The officer decides whether you need this for your duties, and records the reasons."
    ),
}

# R7: told to a councillor whose request is refused, wholly or in part. Our own words.
FOI_ROUTE = (
    "You can still ask for this information under the Freedom of Information Act 2000, in the "
    "same way as any member of the public. Write to the council (a letter or an email is enough), "
    "describe the information you want and give your name and an address for the reply. The "
    "council must answer within 20 working days. Information released that way is released to "
    "everyone, and the Act's exemptions apply, for example to other people's personal data."
)


MSG_NOTHING_ASKED = "Choose at least one document, or describe the information you need."
MSG_JUSTIFICATION = (
    "Say specifically why you need the personal data in {titles} for your duties as a councillor."
)
MSG_NOT_OPEN = "This request was {status} on {day}. It can no longer be changed."
MSG_ALREADY_DECIDED = (
    "{who} has already decided this request ({status}) on {day}. Nothing you entered was "
    "recorded; read their decision on the request's page."
)
MSG_ALREADY_ASKED = "You have already asked; the councillor has not answered yet."
MSG_NOT_WAITING = "This request is not waiting for clarification."
MSG_NOT_AN_OFFICER = "{person} is not an officer of this council today. Choose a current officer."
MSG_GRANT_SOME = "Choose the documents you are releasing. To release none, refuse the request."
MSG_GRANT_NOT_ALL = "You have chosen every document. To release them all, choose 'Granted' instead."
MSG_REFUSE_GRANTS = "A refused request releases nothing. Untick the documents, or grant in part."
MSG_PURPOSE_FIRST = "Confirm how you will use the information before you open it."


def request_route(*, standing: Standing, documents: Iterable[Document]) -> Route:
    """Which rule applies to a councillor's request, on the day of the standing."""
    documents = list(documents)
    # R6: third-party personal data always needs a specific written justification, whoever asks.
    if any(d.classification == Document.Classification.PERSONAL_DATA for d in documents):
        return Route.JUSTIFICATION
    # R5: presumed only when every document relates to a committee on which the councillor
    # holds a seat on that day (the standing's seats are dated, so an ended seat does not count).
    if documents and all(
        d.committee_id is not None and d.committee_id in standing.committee_ids for d in documents
    ):
        return Route.PRESUMED
    # R7: everything else, including information described in words, is the officer's decision.
    return Route.OFFICER_DECIDES


def document_route(*, standing: Standing, document: Document) -> Route:
    """The route one document on its own would take: the hint beside it on the request form."""
    return request_route(standing=standing, documents=[document])


def _notice(
    info_request: InformationRequest, user: User, key: str, kind: str, subject: str, body: str
) -> Notice:
    """One notice about a request: `key` names it within the request."""
    return Notice(
        user=user,
        council=info_request.council,
        key=f"request:{info_request.pk}:{key}",
        kind=kind,
        subject=subject,
        body=body,
        link=info_request.get_absolute_url(),
    )


def _notify(
    info_request: InformationRequest, user: User, key: str, kind: str, subject: str, body: str
):
    """One notice about a request, through the outbox, once."""
    return notification_create(**_notice(info_request, user, key, kind, subject, body))


def _event(info_request, kind, actor, text="") -> RequestEvent:
    return RequestEvent.objects.create(request=info_request, kind=kind, actor=actor, text=text)


def _closed(info_request: InformationRequest) -> ValidationError:
    if info_request.is_decided:
        return ValidationError(
            MSG_ALREADY_DECIDED.format(
                who=info_request.decided_by.name if info_request.decided_by else "Someone",
                status=info_request.get_status_display().lower(),
                day=f"{info_request.decided_on:%-d %B %Y}",
            )
        )
    return ValidationError(
        MSG_NOT_OPEN.format(
            status=info_request.get_status_display().lower(),
            day=f"{info_request.updated_at:%-d %B %Y}",
        )
    )


def _require_open(info_request: InformationRequest) -> None:
    if not info_request.is_open:
        raise _closed(info_request)


def _require_transition(info_request: InformationRequest, status: str) -> None:
    """Raise a message a person can act on unless the workflow (the model's TRANSITIONS) allows
    `status` next."""
    if info_request.can_become(status):
        return
    _require_open(info_request)
    raise ValidationError(MSG_ALREADY_ASKED if status == Status.CLARIFICATION else MSG_NOT_WAITING)


# ---------------------------------------------------------------------------------------------
# Making a request
# ---------------------------------------------------------------------------------------------


def request_submit(
    *,
    standing: Standing,
    documents: Sequence[Document],
    summary: str,
    information: str,
    purpose: str,
    justification: str,
    today: date | None = None,
) -> InformationRequest:
    """A councillor asks for documents and/or information. Acknowledged at once, with a due date
    in the council's working days (R9), and sent to the Proper Officer (R3)."""
    council, requester = standing.council, standing.user
    today = today or timezone.localdate()
    documents = list(documents)
    if any(d.council_id != council.pk for d in documents):
        raise ValidationError("Choose documents from this council's register.")
    if not documents and not information.strip():
        raise ValidationError({"documents": MSG_NOTHING_ASKED})
    route = request_route(standing=standing, documents=documents)
    if route == Route.JUSTIFICATION and not justification.strip():
        titles = ", ".join(
            f"'{d.title}'"
            for d in documents
            if d.classification == Document.Classification.PERSONAL_DATA
        )
        raise ValidationError({"justification": MSG_JUSTIFICATION.format(titles=titles)})

    deadline = add_working_days(today, council.response_working_days, council.nation)
    with transaction.atomic():
        info_request = InformationRequest(
            council=council,
            requester=requester,
            handler=policy.proper_officer_for(council, today),
            summary=summary.strip(),
            information=information.strip(),
            purpose=purpose.strip(),
            justification=justification.strip(),
            route=route,
            received_on=today,
            working_days=council.response_working_days,
            due_on=deadline.due,
        )
        save_recorded(info_request, acting_user=requester)
        RequestedDocument.objects.bulk_create(
            RequestedDocument(request=info_request, document=d) for d in documents
        )
        _event(info_request, RequestEvent.Kind.SUBMITTED, requester)
        audit_record(
            kind=AuditKind.REQUEST_SUBMITTED,
            acting_user=requester,
            council=council,
            target=info_request,
            data={"route": route, "document_ids": [d.pk for d in documents]},
        )
        due = f"{deadline.due:%A %-d %B %Y}"
        # R9: acknowledged on submission.
        _notify(
            info_request,
            requester,
            "acknowledged",
            "request_acknowledged",
            f"We have your request: {info_request.summary}",
            f"{council} received your request on {today:%-d %B %Y}. "
            f"{ROUTE_EXPLANATIONS[Route(route)]} You will have a decision by {due}.",
        )
        if info_request.handler:
            _notify(
                info_request,
                info_request.handler,
                f"received:{info_request.handler.pk}",
                "request_received",
                f"New request from {requester.name}: {info_request.summary}",
                f"{Route(route).label}. Decide it by {due}.",
            )
    return info_request


# ---------------------------------------------------------------------------------------------
# The officer's side
# ---------------------------------------------------------------------------------------------


def request_delegate(
    *, info_request: InformationRequest, officer: User, acting_user: User
) -> InformationRequest:
    """R3: the Proper Officer passes a request to another officer, who then handles it."""
    with transaction.atomic():
        info_request = locked(info_request)
        _require_open(info_request)
        if not policy.standing_for(officer, info_request.council).is_officer:
            raise ValidationError({"officer": MSG_NOT_AN_OFFICER.format(person=officer.name)})
        info_request.handler = officer
        save_recorded(info_request, acting_user=acting_user)
        _event(info_request, RequestEvent.Kind.DELEGATED, acting_user, f"To {officer.name}.")
        audit_record(
            kind=AuditKind.REQUEST_DELEGATED,
            acting_user=acting_user,
            council=info_request.council,
            target=info_request,
            data={"handler_id": officer.pk},
        )
        _notify(
            info_request,
            officer,
            f"received:{officer.pk}",
            "request_delegated",
            f"{acting_user.name} passed you a request: {info_request.summary}",
            f"Decide it by {info_request.due_on:%A %-d %B %Y}.",
        )
    return info_request


def request_ask_clarification(
    *, info_request: InformationRequest, question: str, acting_user: User, today: date | None = None
) -> InformationRequest:
    """The officer asks the councillor to clarify; the clock pauses from today (R9)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        info_request = locked(info_request)
        _require_transition(info_request, Status.CLARIFICATION)
        info_request.status = Status.CLARIFICATION
        info_request.paused_on = today
        save_recorded(info_request, acting_user=acting_user)
        event = _event(
            info_request, RequestEvent.Kind.CLARIFICATION_ASKED, acting_user, question.strip()
        )
        audit_record(
            kind=AuditKind.REQUEST_CLARIFICATION_ASKED,
            acting_user=acting_user,
            council=info_request.council,
            target=info_request,
            data={"paused_on": today},
        )
        _notify(
            info_request,
            info_request.requester,
            f"clarify:{event.pk}",
            "request_clarification",
            f"Please clarify your request: {info_request.summary}",
            (
                f"{acting_user.name} asks: {question.strip()}\n\n"
                "The time to decide your request is paused until you answer."
            ),
        )
    return info_request


def request_clarify(
    *, info_request: InformationRequest, answer: str, acting_user: User, today: date | None = None
) -> InformationRequest:
    """The councillor answers; the clock resumes, and the due date moves on by the working days it
    was paused (R9)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        info_request = locked(info_request)
        _require_transition(info_request, Status.SUBMITTED)
        paused_on = info_request.paused_on or today  # always set while waiting for clarification
        paused = working_days_between(paused_on, today, info_request.council.nation)
        info_request.paused_working_days += paused
        info_request.paused_on = None
        info_request.status = Status.SUBMITTED
        info_request.due_on = info_request.deadline().due
        save_recorded(info_request, acting_user=acting_user)
        event = _event(info_request, RequestEvent.Kind.CLARIFIED, acting_user, answer.strip())
        audit_record(
            kind=AuditKind.REQUEST_CLARIFIED,
            acting_user=acting_user,
            council=info_request.council,
            target=info_request,
            data={"paused_working_days": paused, "due_on": info_request.due_on},
        )
        if info_request.handler:
            _notify(
                info_request,
                info_request.handler,
                f"clarified:{event.pk}",
                "request_clarified",
                f"{acting_user.name} clarified their request: {info_request.summary}",
                (
                    f"{answer.strip()}\n\nThe clock was paused for {paused} working "
                    f"day{'s' if paused != 1 else ''}; the request is now due by "
                    f"{info_request.due_on:%A %-d %B %Y}."
                ),
            )
    return info_request


def request_decide(
    *,
    info_request: InformationRequest,
    outcome: str,
    reasons: str,
    granted_documents: Iterable[Document] = (),
    acting_user: User,
    today: date | None = None,
) -> InformationRequest:
    """R7: the officer decides with reasons. Granted releases every document; partly granted the
    ones chosen; refused none, and the councillor is told of the Freedom of Information route.

    The row is locked: of two officers deciding at once, the second gets a clear message naming
    the first decision, and nothing of theirs is saved."""
    today = today or timezone.localdate()
    if outcome not in InformationRequest.DECIDED:
        raise ValidationError({"outcome": "Choose granted, partly granted or refused."})
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the decision."})
    with transaction.atomic():
        info_request = locked(info_request)
        _require_transition(info_request, outcome)
        rows = list(info_request.requested_documents.all())
        chosen = {d.pk for d in granted_documents}
        if outcome == Status.GRANTED:
            chosen = {r.document_id for r in rows}
        elif outcome == Status.REFUSED and chosen:
            raise ValidationError({"granted_documents": MSG_REFUSE_GRANTS})
        elif outcome == Status.PARTLY_GRANTED and rows:
            if not chosen:
                raise ValidationError({"granted_documents": MSG_GRANT_SOME})
            if chosen >= {r.document_id for r in rows} and not info_request.information:
                raise ValidationError({"granted_documents": MSG_GRANT_NOT_ALL})
        for row in rows:
            row.granted = row.document_id in chosen
            save_recorded(row, acting_user=acting_user)

        if info_request.status == Status.CLARIFICATION and info_request.paused_on:
            # Decided while waiting: the pause ends today.
            info_request.paused_working_days += working_days_between(
                info_request.paused_on, today, info_request.council.nation
            )
            info_request.paused_on = None
        info_request.status = outcome
        info_request.decided_on = today
        info_request.decided_by = acting_user
        info_request.decision_reasons = reasons.strip()
        elapsed = working_days_between(info_request.received_on, today, info_request.council.nation)
        info_request.decision_working_days = max(0, elapsed - info_request.paused_working_days)
        save_recorded(info_request, acting_user=acting_user)
        _event(
            info_request,
            RequestEvent.Kind.DECIDED,
            acting_user,
            f"{info_request.get_status_display()}. {info_request.decision_reasons}",
        )
        audit_record(
            kind=AuditKind.REQUEST_DECIDED,
            acting_user=acting_user,
            council=info_request.council,
            target=info_request,
            data={"outcome": outcome, "granted_document_ids": sorted(chosen)},
        )
        body = f"Decision: {info_request.get_status_display()}.\n\nReasons: {reasons.strip()}"
        if outcome in (Status.REFUSED, Status.PARTLY_GRANTED):
            body += f"\n\n{FOI_ROUTE}"
        if info_request.releases:
            body += (
                "\n\nThe documents released to you are on the request's page. Before you open "
                "them you will be asked to confirm that you will use them only for your duties as "
                "a councillor."
            )
        _notify(
            info_request,
            info_request.requester,
            "decided",
            "request_decided",
            f"Your request is {info_request.get_status_display().lower()}: {info_request.summary}",
            body,
        )
    return info_request


# ---------------------------------------------------------------------------------------------
# The councillor's side after submission
# ---------------------------------------------------------------------------------------------


def request_withdraw(*, info_request: InformationRequest, acting_user: User) -> InformationRequest:
    with transaction.atomic():
        info_request = locked(info_request)
        _require_transition(info_request, Status.WITHDRAWN)
        info_request.status = Status.WITHDRAWN
        info_request.paused_on = None
        save_recorded(info_request, acting_user=acting_user)
        _event(info_request, RequestEvent.Kind.WITHDRAWN, acting_user)
        audit_record(
            kind=AuditKind.REQUEST_WITHDRAWN,
            acting_user=acting_user,
            council=info_request.council,
            target=info_request,
        )
        if info_request.handler:
            _notify(
                info_request,
                info_request.handler,
                "withdrawn",
                "request_withdrawn",
                f"{acting_user.name} withdrew their request: {info_request.summary}",
                "Nothing more is needed.",
            )
    return info_request


def release_confirm_purpose(
    *, info_request: InformationRequest, acting_user: User
) -> InformationRequest:
    """R8: before the first opening, the councillor confirms the information is for council
    duties only. Recorded once, with the time."""
    with transaction.atomic():
        info_request = locked(info_request)
        if info_request.purpose_confirmed_at is None:
            info_request.purpose_confirmed_at = timezone.now()
            save_recorded(info_request, acting_user=acting_user)
            _event(
                info_request,
                RequestEvent.Kind.PURPOSE_CONFIRMED,
                acting_user,
                "I will use this information only for my duties as a councillor.",
            )
    return info_request


def release_open(
    *, info_request: InformationRequest, document: Document, acting_user: User
) -> DocumentAccess:
    """R8: log an opening of a released document. The caller has checked the policy. R27: the
    first opening (the release itself) and every opening of a document with personal data also
    go in the audit log."""
    if info_request.purpose_confirmed_at is None:
        raise ValidationError(MSG_PURPOSE_FIRST)
    with transaction.atomic():
        # The request's row lock makes "first" exact when two openings race.
        InformationRequest.objects.select_for_update().filter(pk=info_request.pk).first()
        accesses = DocumentAccess.objects.filter(request=info_request, document=document)
        first = not accesses.exists()
        access = DocumentAccess.objects.create(
            request=info_request, document=document, user=acting_user
        )
        if first:
            audit_record(
                kind=AuditKind.DOCUMENT_RELEASED,
                acting_user=acting_user,
                council=info_request.council,
                target=document,
                data={"request_id": info_request.pk},
            )
        if document.classification == Document.Classification.PERSONAL_DATA:
            audit_record(
                kind=AuditKind.PERSONAL_DATA_DOCUMENT_OPENED,
                acting_user=acting_user,
                council=info_request.council,
                target=document,
                data={"via": "release", "request_id": info_request.pk},
            )
    return access
