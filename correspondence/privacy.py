"""Data protection for correspondence (council/privacy/ explains the registries):
purging expired requests, letters and drafts with their history rows, and this app's part of a
person's subject access export. Registered from CorrespondenceConfig.ready().

The council's documents are its records, not personal records: a purge never deletes a document
or its file, only a request's rows about it (which were asked for, which released, who opened
them).
"""

from __future__ import annotations

from datetime import date

from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat, Length, Substr

from council.models import Council, Document, RetentionPolicy, Role, User
from council.privacy import (
    Scope,
    Section,
    Table,
    delete_history,
    delete_with_history,
    months_before,
    name_of,
    register_export,
    register_notification_guard,
    register_purge,
    start_of,
)

from .models import (
    Correspondence,
    DocumentAccess,
    InformationRequest,
    Party,
    PressRelease,
    Recipient,
    RequestedDocument,
    RequestEvent,
)

Status = InformationRequest.Status


# ---------------------------------------------------------------------------------------------
# The purge
# ---------------------------------------------------------------------------------------------


def expired_requests(*, council: Council, policy: RetentionPolicy, today: date):
    """A council's requests past their period: decided (or withdrawn) longer ago than the
    council's period for requests, and

    - no opening of a document with personal data within its own period (the issue: that log is
      kept for the retention period; the request stays as long as its log does), and
    - R8/R1: not a release the councillor may still open (their term that covered the day of the
      request is still running)."""
    cutoff = months_before(today, policy.requests_months)
    closed = Q(status__in=InformationRequest.DECIDED, decided_on__lt=cutoff) | Q(
        # Withdrawn is final: the row's last change is the withdrawal.
        status=Status.WITHDRAWN,
        updated_at__lt=start_of(cutoff),
    )
    recent_personal_data = DocumentAccess.objects.filter(
        request_id=OuterRef("pk"),
        document__classification=Document.Classification.PERSONAL_DATA,
        at__gte=start_of(months_before(today, policy.personal_data_access_months)),
    )
    term_running = Role.objects.filter(
        council_id=OuterRef("council_id"),
        user_id=OuterRef("requester_id"),
        kind=Role.Kind.COUNCILLOR,
        starts_on__lte=OuterRef("received_on"),
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return (
        InformationRequest.objects.filter(council=council)
        .filter(closed)
        .exclude(Exists(recent_personal_data))
        .exclude(Q(status__in=InformationRequest.RELEASING) & Exists(term_running))
    )


@register_purge("information_requests")
def purge_requests(*, council: Council, policy: RetentionPolicy, today: date, limit: int) -> int:
    """Delete expired requests with their timelines, their documents lists and their access
    logs, and every history row of them."""
    expired = expired_requests(council=council, policy=policy, today=today)
    ids = list(expired.order_by("pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    DocumentAccess.objects.filter(request_id__in=ids).delete()  # PROTECTs the request
    RequestEvent.objects.filter(request_id__in=ids).delete()
    RequestedDocument.objects.filter(request_id__in=ids).delete()
    delete_history(RequestedDocument, request_id__in=ids)
    return delete_with_history(InformationRequest, ids)


@register_purge("correspondence")
def purge_letters(*, council: Council, policy: RetentionPolicy, today: date, limit: int) -> int:
    """Delete letters and emails sent (or recorded as sent) longer ago than the council's period,
    with their recipients and copies, and every history row of them."""
    cutoff = months_before(today, policy.correspondence_months)
    items = Correspondence.objects.filter(
        council=council,
        status__in=[Correspondence.Status.SENT, Correspondence.Status.RECORDED],
        sent_on__lt=cutoff,
    )
    return _delete_items(list(items.order_by("pk").values_list("pk", flat=True)[:limit]))


@register_purge("drafts")
def purge_drafts(*, council: Council, policy: RetentionPolicy, today: date, limit: int) -> int:
    """Delete drafts never sent whose last change (their newest history row, or their creation)
    is older than the council's period for drafts."""
    cutoff = start_of(months_before(today, policy.drafts_months))
    last_change = Subquery(
        Correspondence.history.filter(id=OuterRef("pk"))  # type: ignore[attr-defined]
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    drafts = (
        Correspondence.objects.filter(council=council, status=Correspondence.Status.DRAFT)
        .annotate(last_change=last_change)
        .filter(Q(last_change__lt=cutoff) | Q(last_change__isnull=True, created_at__lt=cutoff))
    )
    return _delete_items(list(drafts.order_by("pk").values_list("pk", flat=True)[:limit]))


def _delete_items(ids: list[int]) -> int:
    if not ids:
        return 0
    Recipient.objects.filter(item_id__in=ids).delete()
    delete_history(Recipient, item_id__in=ids)
    return delete_with_history(Correspondence, ids)


@register_notification_guard
def open_request_notices(council: Council | None):
    """Notices about a request still open are kept however old: the reminder sweep would send an
    overdue request's escalation again if its outbox row went (the key is
    "request:<id>:...", services._notify)."""
    prefix = Concat(Value("request:"), Cast("pk", CharField()), Value(":"))
    return Exists(
        InformationRequest.objects.filter(council=council, status__in=InformationRequest.OPEN)
        .annotate(prefix=prefix)
        # "the notice's key starts with the prefix", as the start of the key equal to it
        .annotate(key_start=Substr(OuterRef("key"), 1, Length("prefix"), output_field=CharField()))
        .filter(key_start=F("prefix"))
    )


# ---------------------------------------------------------------------------------------------
# The subject access export
# ---------------------------------------------------------------------------------------------


def _named(person: User) -> Q:
    """Items whose subject or text names the person by their full name. Only a name of two words
    or more: one word would find everyone called Sam."""
    name = person.name.strip()
    if len(name.split()) < 2:
        return Q(pk__in=[])
    return Q(subject__icontains=name) | Q(body__icontains=name)


@register_export
def export_sections(scope: Scope) -> list[Section]:
    """Requests the person made (all of it, the officers' reasons and timelines included), the
    released documents they opened, letters and emails they wrote, signed, received, were copied
    or are named in, and press releases they wrote or are quoted in. Seven queries.

    Withheld: the name, email and postal address of anyone outside the council on a letter (a
    complainant, a resident), and the text of a draft never sent or of a confidential item the
    person neither wrote nor received: the Proper Officer reviews those before any release."""
    person, ids = scope.person, scope.council_ids
    requests = list(
        InformationRequest.objects.filter(requester=person, council_id__in=ids)
        .select_related("council", "handler", "decided_by")
        .order_by("received_on", "pk")
    )
    request_ids = [r.pk for r in requests]
    events = list(
        RequestEvent.objects.filter(request_id__in=request_ids)
        .select_related("actor")
        .order_by("request_id", "at", "pk")
    )
    asked = list(
        RequestedDocument.objects.filter(request_id__in=request_ids)
        .select_related("document")
        .order_by("request_id", "pk")
    )
    opened = list(
        DocumentAccess.objects.filter(user=person, request__council_id__in=ids)
        .select_related("document")
        .order_by("at", "pk")
    )
    mine = (
        Correspondence.objects.filter(council_id__in=ids)
        .filter(
            Q(author=person)
            | Q(councillor=person)
            | Q(signatory=person)
            | Q(recipients__user=person)
            | _named(person)
        )
        .values("pk")
    )
    items = list(
        Correspondence.objects.filter(pk__in=mine)
        .select_related("council", "author", "signatory")
        .order_by("sent_on", "pk")
    )
    recipients: dict[int, list[Recipient]] = {}
    for r in Recipient.objects.filter(item_id__in=[i.pk for i in items]).order_by("item_id", "pk"):
        recipients.setdefault(r.item_id, []).append(r)
    releases = list(
        PressRelease.objects.filter(council_id__in=ids)
        .filter(Q(author=person) | Q(quoted=person))
        .select_related("council")
        .order_by("created_at", "pk")
    )

    def item_part(item: Correspondence) -> list[str]:
        parts = []
        if item.author_id == person.pk:
            parts.append("You wrote it")
        if item.signatory_id == person.pk:
            parts.append("You signed it")
        if item.councillor_id == person.pk:
            parts.append("It is your correspondence")
        for r in recipients.get(item.pk, []):
            if r.user_id == person.pk:
                parts.append("Sent to you" if r.line == Recipient.Line.TO else "Copied to you")
        return parts or ["It names you"]

    def withheld_text(item: Correspondence) -> bool:
        if item.status == Correspondence.Status.DRAFT:
            return True
        received = any(r.user_id == person.pk for r in recipients.get(item.pk, []))
        return item.confidential and item.author_id != person.pk and not received

    def recipient_label(r: Recipient) -> str:
        who = r.name if r.party not in Party.outside() else Party(r.party).label
        return f"{r.get_line_display()}: {who}"

    requests_section = Section(
        key="information_requests",
        title="Your requests for information",
        about="Every request you made, as the council holds it: what you asked and why, the "
        "decision and the officer's reasons, each step, which documents were released and when "
        "you opened them. The documents themselves are the council's records and are not part "
        "of this download.",
        tables=[
            Table(
                "Requests",
                [
                    ("id", "Number"),
                    ("council", "Council"),
                    ("received_on", "Received"),
                    ("summary", "What you asked for"),
                    ("information", "Information not in the register"),
                    ("purpose", "What you needed it for"),
                    ("justification", "Why you needed personal data"),
                    ("status", "Status"),
                    ("handler", "Handled by"),
                    ("decided_on", "Decided"),
                    ("decided_by", "Decided by"),
                    ("reasons", "Reasons"),
                    ("purpose_confirmed_at", "You confirmed the purpose"),
                ],
                [
                    {
                        "id": r.pk,
                        "council": r.council.name,
                        "received_on": r.received_on,
                        "summary": r.summary,
                        "information": r.information,
                        "purpose": r.purpose,
                        "justification": r.justification,
                        "status": r.get_status_display(),
                        "handler": name_of(r.handler),
                        "decided_on": r.decided_on,
                        "decided_by": name_of(r.decided_by),
                        "reasons": r.decision_reasons,
                        "purpose_confirmed_at": r.purpose_confirmed_at,
                    }
                    for r in requests
                ],
            ),
            Table(
                "Steps of your requests",
                [
                    ("request", "Request"),
                    ("at", "When"),
                    ("step", "Step"),
                    ("by", "By"),
                    ("text", "Text"),
                ],
                [
                    {
                        "request": e.request_id,
                        "at": e.at,
                        "step": e.get_kind_display(),
                        "by": name_of(e.actor),
                        "text": e.text,
                    }
                    for e in events
                ],
            ),
            Table(
                "Documents you asked for",
                [("request", "Request"), ("document", "Document"), ("released", "Released")],
                [
                    {"request": d.request_id, "document": d.document.title, "released": d.granted}
                    for d in asked
                ],
            ),
            Table(
                "Released documents you opened",
                [("request", "Request"), ("document", "Document"), ("at", "Opened")],
                [
                    {"request": a.request_id, "document": a.document.title, "at": a.at}
                    for a in opened
                ],
            ),
        ],
    )
    letters_section = Section(
        key="correspondence",
        title="Letters and emails",
        about="Items in the council's correspondence register that you wrote, signed, received, "
        "were copied on, that are your correspondence, or that name you.",
        tables=[
            Table(
                "Correspondence",
                [
                    ("id", "Number"),
                    ("council", "Council"),
                    ("kind", "Kind"),
                    ("status", "Status"),
                    ("sent_on", "Sent"),
                    ("subject", "Subject"),
                    ("your_part", "Your part"),
                    ("author", "Written by"),
                    ("signatory", "Signed by"),
                    ("recipients", "Recipients"),
                    ("confidential", "Confidential"),
                    ("body", "Text"),
                ],
                [
                    {
                        "id": i.pk,
                        "council": i.council.name,
                        "kind": i.get_kind_display(),
                        "status": i.get_status_display(),
                        "sent_on": i.sent_on,
                        "subject": i.subject,
                        "your_part": item_part(i),
                        "author": name_of(i.author),
                        "signatory": name_of(i.signatory),
                        "recipients": [recipient_label(r) for r in recipients.get(i.pk, [])],
                        "confidential": i.confidential_reason if i.confidential else "",
                        "body": None if withheld_text(i) else i.body,
                    }
                    for i in items
                ],
                withheld="People outside the council are shown as what they are (a complainant, "
                "a resident, another body), not by name or address. The text of a draft never "
                "sent, and of a confidential item you neither wrote nor received, is left out: "
                "ask the Proper Officer, who will review it.",
            ),
            Table(
                "Press releases",
                [
                    ("council", "Council"),
                    ("title", "Title"),
                    ("status", "Status"),
                    ("your_part", "Your part"),
                    ("quote", "Quote"),
                    ("published_at", "Published"),
                ],
                [
                    {
                        "council": p.council.name,
                        "title": p.title,
                        "status": p.get_status_display(),
                        "your_part": [
                            part
                            for part, yes in (
                                ("You wrote it", p.author_id == person.pk),
                                ("You are quoted", p.quoted_id == person.pk),
                            )
                            if yes
                        ],
                        "quote": p.quote if p.quoted_id == person.pk else "",
                        "published_at": p.published_at,
                    }
                    for p in releases
                ],
            ),
        ],
    )
    return [requests_section, letters_section]
